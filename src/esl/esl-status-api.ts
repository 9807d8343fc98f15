/**
 * `esl status`: the event socket's connections, one line each, with how many
 * events each has queued and how many it lost for not reading fast enough.
 * `esl status as json` gives the same as JSON. The footer counts every event
 * dropped since the server started, including for clients that have left.
 */
import type { ApiCommand } from '../core/api.js';
import { usage } from '../core/api.js';
import type { EslServer } from './esl-server.js';

export function eslStatusApi(server: () => EslServer | undefined): ApiCommand {
  const cmd: ApiCommand = {
    name: 'esl',
    description: 'Event socket connections and their dropped-event counters',
    syntax: 'status [as json]',
    run(args) {
      const w = args.split(/\s+/).filter((x) => x !== '');
      if (w[0] !== 'status') usage(cmd);
      const srv = server();
      const rows = srv?.status() ?? [];
      const dropped = srv?.totalDropped ?? 0;
      if (w[1] === 'as' && w[2] === 'json') {
        return `${JSON.stringify({ row_count: rows.length, rows, total_dropped: dropped })}\n`;
      }
      const cols = ['peer', 'mode', 'state', 'session', 'queued', 'dropped'];
      const lines = rows.map((r) =>
        [r.peer, r.mode, r.state, r.session ?? '', String(r.queuedEvents), String(r.droppedEvents)].join(','),
      );
      const body = rows.length > 0 ? `${cols.join(',')}\n${lines.join('\n')}\n` : '';
      return `${body}\n${rows.length} total, ${dropped} events dropped since start.\n`;
    },
  };
  return cmd;
}
