/** The box's first non-internal IPv4 and IPv6 addresses, with loopback as the fallback. */
import { networkInterfaces } from 'node:os';

export function localAddresses(): { v4: string; v6: string } {
  let v4 = '';
  let v6 = '';
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.internal) continue;
      if (a.family === 'IPv4' && v4 === '') v4 = a.address;
      if (a.family === 'IPv6' && v6 === '' && !a.address.startsWith('fe80')) v6 = a.address;
    }
  }
  return { v4: v4 || '127.0.0.1', v6: v6 || '::1' };
}
