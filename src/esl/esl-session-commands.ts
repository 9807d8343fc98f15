/**
 * The commands that act on a channel: `sendmsg`, `myevents`, `divert_events`,
 * `linger`, `nolinger`, `resume`, and the outbound socket's `connect`. Their
 * reply texts follow mod_event_socket's, since ESL libraries compare them.
 *
 * `sendmsg` carries a `call-command` header:
 * - `execute`: runs `execute-app-name` with `execute-app-arg` (or, when the
 *   message has a text/plain body, the body: that is how long arguments travel),
 *   `loops` times. The message's `Event-UUID` becomes the Application-UUID of
 *   CHANNEL_EXECUTE / CHANNEL_EXECUTE_COMPLETE so a client can match them.
 * - `hangup`: hangs the channel up with `hangup-cause` (default NORMAL_CLEARING).
 * - `unicast`: streams the channel's audio to a socket and plays what comes back
 *   (local-ip, local-port, remote-ip, remote-port, transport udp|tcp, flags native);
 *   see esl-unicast.ts for the format.
 * - `nomedia`: asks the endpoint of the channel named by `nomedia-uuid` (default: the
 *   sendmsg channel) to take the media out of the path; `-ERR` when it cannot.
 * - `xferext`: not supported yet.
 *
 * On a synchronous outbound socket `sendmsg execute` is answered once the
 * application has finished; everywhere else (inbound, `async`, or an `async:
 * true` header) it is answered as soon as the application is queued.
 */
import { parseHangupCause } from '../core/hangup-cause.js';
import { errorMessage } from '../core/errors.js';
import type { EslCommand } from './command-reader.js';
import { header, words, type EslHandler } from './command-words.js';
import { DEFAULT_LINGER_SECS, type EslConnection } from './esl-connection.js';
import { connectReply } from './esl-frames.js';
import type { EslSession } from './esl-types.js';
import { parseUnicastHeaders } from './esl-unicast.js';

const NOT_CONTROLLING = '-ERR not controlling a session';
const FORMATS = new Set(['plain', 'json', 'xml']);

/** The channel a command names, or the one the connection is tied to. */
function targetSession(conn: EslConnection, uuid: string | undefined): EslSession | undefined {
  if (uuid === undefined || uuid === '') return conn.session;
  if (conn.session?.uuid === uuid) return conn.session;
  return conn.host.findSession?.(uuid);
}

/** `loops`: a positive count, 1 when absent or not a number. */
function loopCount(cmd: EslCommand): number {
  const n = Number.parseInt(header(cmd, 'loops') ?? '1', 10);
  return Number.isFinite(n) && n > 0 ? Math.min(n, 10_000) : 1;
}

/** The application argument: a text/plain body wins over the execute-app-arg header. */
function appArgument(cmd: EslCommand): string {
  const type = (header(cmd, 'content-type') ?? '').toLowerCase();
  if (cmd.body !== undefined && type.startsWith('text/plain')) return cmd.body.replace(/\r?\n$/, '');
  return header(cmd, 'execute-app-arg') ?? '';
}

async function sendmsgExecute(conn: EslConnection, session: EslSession, cmd: EslCommand): Promise<void> {
  const app = (header(cmd, 'execute-app-name') ?? '').trim();
  if (app === '') {
    conn.reply('-ERR missing execute-app-name');
    return;
  }
  if (conn.host.hasApplication && !conn.host.hasApplication(app)) {
    conn.reply(`-ERR invalid application ${app}`);
    return;
  }
  const arg = appArgument(cmd);
  const appUuid = header(cmd, 'Event-UUID');
  const loops = loopCount(cmd);
  const run = (async (): Promise<void> => {
    for (let i = 0; i < loops && session.channel.up; i++) {
      await session.queueApplication(app, arg, appUuid);
    }
  })().catch((err: unknown) => {
    conn.host.log.error(`event socket ${conn.peer}: ${app}(${arg}) failed: ${errorMessage(err)}`);
  });
  const wait = conn.outbound !== undefined && !conn.outbound.async && header(cmd, 'async') !== 'true';
  if (wait) await run;
  conn.reply('+OK');
}

async function sendmsgUnicast(conn: EslConnection, session: EslSession, cmd: EslCommand): Promise<void> {
  const spec = parseUnicastHeaders((name) => header(cmd, name));
  if (typeof spec === 'string') {
    conn.reply(`-ERR ${spec}`);
    return;
  }
  if (!conn.host.unicast) {
    conn.reply('-ERR unicast not supported here');
    return;
  }
  const problem = await conn.host.unicast(session.uuid, spec);
  conn.reply(problem === undefined ? '+OK' : `-ERR ${problem}`);
}

async function sendmsgNomedia(conn: EslConnection, session: EslSession, cmd: EslCommand): Promise<void> {
  const uuid = header(cmd, 'nomedia-uuid')?.trim() || session.uuid;
  if (!conn.host.nomedia) {
    conn.reply('-ERR nomedia not supported here');
    return;
  }
  const problem = await conn.host.nomedia(uuid);
  conn.reply(problem === undefined ? '+OK' : `-ERR ${problem}`);
}

async function sendmsg(conn: EslConnection, args: string, cmd: EslCommand): Promise<void> {
  const uuid = words(args)[0];
  const session = targetSession(conn, uuid);
  if (!session || !session.channel.up) {
    conn.reply(`-ERR invalid session id [${uuid ?? ''}]`);
    return;
  }
  const command = (header(cmd, 'call-command') ?? '').trim().toLowerCase();
  switch (command) {
    case 'execute':
      await sendmsgExecute(conn, session, cmd);
      return;
    case 'hangup': {
      const text = header(cmd, 'hangup-cause') ?? 'NORMAL_CLEARING';
      const cause = parseHangupCause(text);
      if (cause === undefined) {
        conn.reply(`-ERR invalid hangup cause ${text}`);
        return;
      }
      session.hangup(cause);
      conn.reply('+OK');
      return;
    }
    case 'unicast':
      await sendmsgUnicast(conn, session, cmd);
      return;
    case 'nomedia':
      await sendmsgNomedia(conn, session, cmd);
      return;
    case 'xferext':
      conn.reply(`-ERR ${command} not supported yet`);
      return;
    default:
      conn.reply(command === '' ? '-ERR missing call-command' : `-ERR invalid call-command ${command}`);
  }
}

/** `myevents <uuid> [plain|json|xml]` inbound; `myevents [format]` on an outbound socket. */
function myevents(conn: EslConnection, args: string): void {
  if (conn.myEvents) {
    // FreeSWITCH's spelling.
    conn.reply('-ERR aready enabled.');
    return;
  }
  const w = words(args);
  let format = 'plain';
  let uuid: string | undefined;
  for (const word of w) {
    if (FORMATS.has(word.toLowerCase())) format = word.toLowerCase();
    else uuid ??= word;
  }
  let session = conn.session;
  if (!session) {
    if (uuid === undefined) {
      conn.reply('-ERR invalid uuid');
      return;
    }
    session = conn.host.findSession?.(uuid);
    if (!session || !session.channel.up) {
      conn.reply('-ERR invalid uuid');
      return;
    }
    conn.attachSession(session);
  }
  conn.myEvents = true;
  conn.subscription.add([format, 'ALL']);
  conn.reply('+OK Events Enabled');
}

function divertEvents(conn: EslConnection, args: string): void {
  const on = (words(args)[0] ?? '').toLowerCase();
  if (on !== 'on' && on !== 'off') {
    conn.reply('-ERR invalid parameters');
    return;
  }
  if (!conn.session) {
    conn.reply(NOT_CONTROLLING);
    return;
  }
  conn.divertEvents = on === 'on';
  conn.reply(conn.divertEvents ? '+OK events diverted' : '+OK events not diverted');
}

function linger(conn: EslConnection, args: string): void {
  if (!conn.session) {
    conn.reply(NOT_CONTROLLING);
    return;
  }
  const word = words(args)[0];
  const secs = word === undefined ? DEFAULT_LINGER_SECS : Number.parseInt(word, 10);
  if (!Number.isFinite(secs) || secs <= 0) {
    conn.reply('-ERR invalid linger time');
    return;
  }
  conn.lingerSecs = secs;
  conn.reply(`+OK will linger ${secs} seconds`);
}

function nolinger(conn: EslConnection): void {
  if (!conn.session) {
    conn.reply(NOT_CONTROLLING);
    return;
  }
  conn.lingerSecs = undefined;
  conn.reply('+OK will not linger');
}

function resume(conn: EslConnection): void {
  if (!conn.session) {
    conn.reply(NOT_CONTROLLING);
    return;
  }
  conn.resume = true;
  conn.reply('+OK');
}

/** Outbound only: the channel data, which is how the server learns whose call it has. */
function connect(conn: EslConnection): void {
  const session = conn.session;
  if (!conn.outbound || !session) {
    conn.reply('-ERR command not found');
    return;
  }
  const ev = session.channel.event('CHANNEL_STATE');
  ev.addHeader('Event-Name', 'CHANNEL_DATA');
  conn.write(connectReply(ev, conn.outbound.async, conn.outbound.full));
}

export const SESSION_COMMANDS: [string, EslHandler][] = [
  ['sendmsg', sendmsg],
  ['myevents', myevents],
  ['divert_events', divertEvents],
  ['linger', linger],
  ['nolinger', nolinger],
  ['resume', resume],
  ['connect', connect],
];
