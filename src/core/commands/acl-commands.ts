/** `acl <ip> <list>`: whether an address passes a network list (true/false). */
import { ApiUsageError, type ApiCommand } from '../api.js';
import type { Core } from '../core.js';
import { api } from './define.js';
import { isIP } from 'node:net';

export function aclCommands(core: Core): ApiCommand[] {
  return [
    api('acl', 'Check an address against a network list', '<ip> <list name>', (args) => {
      const [ip = '', list = ''] = args.trim().split(/\s+/);
      if (ip === '' || list === '') throw new ApiUsageError('USAGE: acl <ip> <list name>');
      if (isIP(ip) === 0) return `-ERR "${ip}" is not an IP address\n`;
      if (!core.acl.has(list))
        return `-ERR no network list "${list}" (lists: ${core.acl.names().join(', ')})\n`;
      return core.acl.allows(list, ip) ? 'true' : 'false';
    }),
  ];
}
