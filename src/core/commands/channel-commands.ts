/** originate, uuid_kill, uuid_getvar, uuid_setvar, uuid_dump, uuid_exists and hupall. */
import { dumpChannel } from '../../dialplan/apps/channel-dump.js';
import { parseInlineApps } from '../../dialplan/inline-dialplan.js';
import { ApiUsageError, splitArgs, type ApiCommand } from '../api.js';
import type { Core } from '../core.js';
import { ChannelState } from '../channel-state.js';
import { parseHangupCause, type HangupCause } from '../hangup-cause.js';
import { originate } from '../originate.js';
import type { Session } from '../session.js';
import { api, ok } from './define.js';

const ORIGINATE_SYNTAX =
  '<call_url> <exten>|&<application_name>(<app_args>) [<dialplan>] [<context>] [<cid_name>] [<cid_num>] [<timeout_sec>]';

/** Splits the originate arguments; a leading `{...}` block may contain spaces. */
export function splitOriginateArgs(args: string): string[] {
  const t = args.trim();
  if (!t.startsWith('{')) return splitArgs(t);
  const close = t.indexOf('}');
  if (close < 0) throw new ApiUsageError('unterminated { in dial string');
  const sp = t.slice(close).search(/\s/);
  const first = sp < 0 ? t : t.slice(0, close + sp);
  const rest = sp < 0 ? '' : t.slice(close + sp);
  return [first, ...splitArgs(rest)];
}

function channelArg(core: Core, uuid: string | undefined, syntax: string): Session {
  if (!uuid) throw new ApiUsageError(`USAGE: ${syntax}`);
  const s = core.sessions.get(uuid);
  if (!s) throw new ApiUsageError('No such channel!');
  return s;
}

function causeArg(text: string | undefined, fallback: HangupCause): HangupCause {
  if (!text) return fallback;
  const c = parseHangupCause(text);
  if (!c) throw new ApiUsageError(`unknown hangup cause ${text}`);
  return c;
}

async function runOriginate(core: Core, args: string): Promise<string> {
  const a = splitOriginateArgs(args);
  const [url, dest, dialplan, context, cidName, cidNum, timeout] = a;
  if (!url || !dest) throw new ApiUsageError(`USAGE: originate ${ORIGINATE_SYNTAX}`);
  const timeoutSec = timeout !== undefined ? Number(timeout) : undefined;
  if (timeoutSec !== undefined && !(timeoutSec > 0)) throw new ApiUsageError(`invalid timeout "${timeout}"`);
  const opts: Parameters<typeof originate>[2] = {};
  if (cidName && cidName !== 'undef') opts.callerIdName = cidName;
  if (cidNum && cidNum !== 'undef') opts.callerIdNumber = cidNum;
  if (timeoutSec !== undefined) opts.timeoutSec = timeoutSec;
  const r = await originate(core, url, opts);
  if (!r.ok) return `-ERR ${r.cause}\n`;
  const s = r.session;
  if (dest.startsWith('&')) {
    const m = /^&([\w-]+)(?:\((.*)\))?$/s.exec(dest);
    if (!m) {
      s.hangup('INVALID_NUMBER_FORMAT');
      throw new ApiUsageError(`bad application "${dest}"; expected &app(args)`);
    }
    s.executeApplications([{ app: m[1] ?? '', data: m[2] ?? '' }]);
  } else if ((dialplan ?? '').toLowerCase() === 'inline') {
    s.executeApplications(parseInlineApps(dest));
  } else {
    const p = s.channel.profile;
    p.destination_number = dest;
    p.dialplan = dialplan && dialplan !== 'undef' ? dialplan : 'XML';
    p.context = context && context !== 'undef' ? context : 'default';
    if (s.channel.state !== ChannelState.CS_ROUTING) s.channel.setState(ChannelState.CS_ROUTING);
  }
  return ok(s.uuid);
}

export function channelCommands(core: Core): ApiCommand[] {
  return [
    api('originate', 'Originate a call', ORIGINATE_SYNTAX, (args) => runOriginate(core, args)),
    api('uuid_kill', 'Hang up a channel', '<uuid> [cause]', (args) => {
      const [uuid, cause] = splitArgs(args);
      channelArg(core, uuid, 'uuid_kill <uuid> [cause]').hangup(causeArg(cause, 'NORMAL_CLEARING'));
      return ok();
    }),
    api('uuid_getvar', 'Get a channel variable', '<uuid> <var>', (args) => {
      const [uuid, name] = splitArgs(args);
      const s = channelArg(core, uuid, 'uuid_getvar <uuid> <var>');
      if (!name) throw new ApiUsageError('USAGE: uuid_getvar <uuid> <var>');
      return core.expand(`\${${name}}`, s) || '_undef_';
    }),
    api('uuid_setvar', 'Set a channel variable', '<uuid> <var> [value]', (args) => {
      const m = /^(\S+)\s+(\S+)(?:\s+([\s\S]*))?$/.exec(args.trim());
      if (!m) throw new ApiUsageError('USAGE: uuid_setvar <uuid> <var> [value]');
      const s = channelArg(core, m[1], 'uuid_setvar <uuid> <var> [value]');
      s.setVariable(m[2] ?? '', m[3]);
      return ok();
    }),
    api('uuid_dump', 'Dump a channel', '<uuid> [json]', (args) => {
      const [uuid, format] = splitArgs(args);
      return dumpChannel(
        channelArg(core, uuid, 'uuid_dump <uuid> [json]').channel,
        format === 'json' ? 'json' : 'plain',
      );
    }),
    api('uuid_exists', 'Does a channel exist', '<uuid>', (args) =>
      core.sessions.get(args.trim()) ? 'true' : 'false',
    ),
    api('hupall', 'Hang up every channel', '[cause] [<var> <value>]', (args) => {
      const [cause, name, value] = splitArgs(args);
      const c = causeArg(cause, 'MANAGER_REQUEST');
      let n = 0;
      for (const s of core.sessions.list()) {
        if (name !== undefined && s.getVariable(name) !== value) continue;
        s.hangup(c);
        n++;
      }
      return ok(`hung up ${n} channel(s)`);
    }),
  ];
}
