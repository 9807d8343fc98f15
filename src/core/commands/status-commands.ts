/** status, version, uptime, hostname and show. */
import { formatShow, parseShowFormat } from '../../db/show-format.js';
import { parseShowWhat } from '../../db/show-queries.js';
import { ApiUsageError, type ApiCommand } from '../api.js';
import { VERSION, formatUptime, type Core } from '../core.js';
import { api } from './define.js';

export function statusCommands(core: Core): ApiCommand[] {
  return [
    api('status', 'Show the core status', '', () => {
      const up = core.timers.now() - core.startedAt;
      const s = core.sessions;
      return [
        `UP ${formatUptime(up)}`,
        `typeswitch (Version ${VERSION}) is ${core.isStopping ? 'shutting down' : 'ready'}`,
        `${s.total} session(s) since startup`,
        `${s.count} session(s) - peak ${s.peak}`,
        `${core.modules.list().length} module(s) loaded`,
        '',
      ].join('\n');
    }),
    api('version', 'Show the version', '[short]', (args) =>
      args.trim() === 'short'
        ? `${VERSION}\n`
        : `typeswitch Version ${VERSION} (node ${process.versions.node})\n`,
    ),
    api('uptime', 'Seconds since start', '[us|ms|s|m|h|d]', (args) => {
      const ms = core.timers.now() - core.startedAt;
      const div: Record<string, number> = {
        us: 0.001,
        ms: 1,
        s: 1000,
        m: 60_000,
        h: 3_600_000,
        d: 86_400_000,
      };
      const unit = args.trim() || 's';
      const d = div[unit];
      if (d === undefined) throw new ApiUsageError(`USAGE: uptime [us|ms|s|m|h|d]`);
      return `${Math.floor(ms / d)}\n`;
    }),
    api('hostname', 'Show the host name', '', () => `${core.hostname}\n`),
    api(
      'show',
      'Show core tables',
      'channels|calls|interfaces|modules|api|application|endpoint|dialplan|registrations|tasks [as json|xml|delim <c>]',
      (args) => {
        const { rest, format } = parseShowFormat(args);
        const [word = '', ...more] = rest.trim().split(/\s+/);
        const what = parseShowWhat(word);
        if (!what) {
          throw new ApiUsageError(
            `USAGE: show channels|calls|interfaces|modules|api|application|endpoint|dialplan|registrations|tasks [as json|xml|delim <c>]`,
          );
        }
        return formatShow(core.db.show(what, more.join(' ')), format);
      },
    ),
  ];
}
