/** A channel's headers as `Name: value` lines, for `info` and `uuid_dump`. */
import type { Channel } from '../../core/channel.js';
import { channelEventHeaders } from '../../core/channel-events.js';

export function dumpChannel(ch: Channel, format: 'plain' | 'json' = 'plain'): string {
  const headers = channelEventHeaders(ch);
  if (format === 'json') return `${JSON.stringify(Object.fromEntries(headers))}\n`;
  return headers.map(([k, v]) => `${k}: ${v}`).join('\n') + '\n';
}
