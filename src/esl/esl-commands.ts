/**
 * The inbound event socket's commands. Replies, their wording and the order of
 * checks follow mod_event_socket's parse_command, because ESL libraries match on
 * the reply text (`+OK accepted`, `+OK Job-UUID: ...`).
 *
 * Before authentication only `auth`, `exit` and `...` do anything; every other
 * command is answered `-ERR command not found` without being run, and the
 * connection stays open, as FreeSWITCH does.
 */
import { randomUUID } from 'node:crypto';
import { isEventName } from '../core/event-names.js';
import { LogLevel, parseLogLevel } from '../core/log.js';
import { errorMessage } from '../core/errors.js';
import type { EslCommand } from './command-reader.js';
import type { EslConnection } from './esl-connection.js';
import { apiResponse } from './esl-frames.js';
import { header, splitFirst, words, type EslHandler } from './command-words.js';
import { SESSION_COMMANDS } from './esl-session-commands.js';

type Handler = EslHandler;

const NOT_FOUND = '-ERR command not found';

function exit(conn: EslConnection): void {
  conn.reply('+OK bye');
  conn.close();
}

function auth(conn: EslConnection, args: string): void {
  if (conn.authenticate(args.trim())) {
    conn.host.log.info(`event socket ${conn.peer}: authenticated`);
    conn.reply('+OK accepted');
    return;
  }
  conn.host.log.warn(`event socket ${conn.peer}: wrong password`);
  conn.reply('-ERR invalid');
  conn.close();
}

async function api(conn: EslConnection, args: string): Promise<void> {
  const [command, rest] = splitFirst(args);
  const reply = await runApi(conn, command, rest ?? '');
  conn.write(apiResponse(reply));
}

/** host.api is documented never to reject; a broken one still must not break the connection. */
async function runApi(conn: EslConnection, command: string, args: string): Promise<string> {
  try {
    return await conn.host.api(command, args);
  } catch (err) {
    return `-ERR ${errorMessage(err)}\n`;
  }
}

function bgapi(conn: EslConnection, args: string, cmd: EslCommand): void {
  const [command, rest] = splitFirst(args);
  const jobUuid = header(cmd, 'Job-UUID') || (conn.host.newUuid ?? randomUUID)();
  conn.reply(`+OK Job-UUID: ${jobUuid}`, [['Job-UUID', jobUuid]]);
  remember(conn.jobs, jobUuid);
  const { bus } = conn.host;
  void runApi(conn, command, rest ?? '').then((reply) => {
    const ev = bus.create('BACKGROUND_JOB');
    ev.addHeader('Job-UUID', jobUuid).addHeader('Job-Command', command).addHeader('Job-Command-Arg', rest);
    ev.body = reply;
    bus.fire(ev);
  });
}

/** Keeps the most recent job ids only, so a client issuing endless bgapi calls cannot grow the set. */
function remember(set: Set<string>, id: string): void {
  set.add(id);
  if (set.size > 1024) {
    const oldest = set.values().next();
    if (oldest.done !== true) set.delete(oldest.value);
  }
}

function event(conn: EslConnection, args: string): void {
  const sub = conn.subscription;
  if (sub.add(words(args)) === 0) {
    conn.reply('-ERR no keywords supplied');
    return;
  }
  conn.reply(`+OK event listener enabled ${sub.format}`);
}

function nixevent(conn: EslConnection, args: string): void {
  if (conn.subscription.remove(words(args)) === 0) {
    conn.reply('-ERR no keywords supplied');
    return;
  }
  conn.reply('+OK events nixed');
}

function noevents(conn: EslConnection): void {
  conn.reply(
    conn.subscription.clear() ? '+OK no longer listening for events' : '-ERR not listening for events',
  );
}

/** `filter <header> <value>`, `filter add ...`, `filter delete <header> [<value>]`, `filter delete all`. */
function filter(conn: EslConnection, args: string): void {
  let [name, value] = splitFirst(args.replace(/^ +/, ''));
  if (name.toLowerCase() === 'delete' && value !== undefined) {
    [name, value] = splitFirst(value);
    if (name.toLowerCase() === 'all') conn.filters.clear();
    else conn.filters.delete(name, value);
    conn.reply(`+OK filter deleted. [${name}][${value ?? ''}]`);
    return;
  }
  if (value === undefined) {
    conn.reply('-ERR invalid syntax');
    return;
  }
  if (name.toLowerCase() === 'add') {
    [name, value] = splitFirst(value);
    if (value === undefined) {
      conn.reply('-ERR invalid syntax');
      return;
    }
  }
  conn.filters.add(name, value);
  conn.reply(`+OK filter added. [${name}]=[${value}]`);
}

function log(conn: EslConnection, args: string): void {
  if (!conn.host.logs) {
    conn.reply('-ERR permission denied');
    return;
  }
  const levelWord = words(args)[0] ?? '';
  // FreeSWITCH: `log` alone means debug.
  const level = levelWord === '' ? LogLevel.DEBUG : parseLogLevel(levelWord);
  if (level === undefined) {
    conn.reply('-ERR invalid log level');
    return;
  }
  conn.logLevel = level;
  conn.reply(`+OK log level ${levelWord} [${level}]`);
}

function nolog(conn: EslConnection): void {
  if (conn.logLevel === undefined) {
    // Spelling as FreeSWITCH sends it.
    conn.reply('-ERR not loging');
    return;
  }
  conn.logLevel = undefined;
  conn.reply('+OK no longer logging');
}

/**
 * `sendevent <NAME>` with the event's headers and optional body. Headers are
 * taken as sent; Content-Length describes the command's body and is not copied.
 */
function sendevent(conn: EslConnection, args: string, cmd: EslCommand): void {
  const name = (words(args)[0] ?? '').toUpperCase();
  if (!isEventName(name)) {
    conn.reply(`-ERR invalid event name [${name}]`);
    return;
  }
  const { bus } = conn.host;
  const ev = bus.create(name, name === 'CUSTOM' ? header(cmd, 'Event-Subclass') : undefined);
  const uuid = (conn.host.newUuid ?? randomUUID)();
  for (const [h, v] of cmd.headers) {
    const lower = h.toLowerCase();
    if (lower === 'content-length' || lower === 'event-name' || lower === 'event-subclass') continue;
    ev.addHeader(h, v);
  }
  ev.addHeader('Event-UUID', uuid);
  if (cmd.body !== undefined) ev.body = cmd.body;
  bus.fire(ev);
  conn.reply(`+OK ${uuid}`);
}

// Maps, not object literals: a command word such as `constructor` must not find a prototype member.
const BEFORE_AUTH: ReadonlyMap<string, Handler> = new Map([
  ['exit', exit],
  ['...', exit],
]);

const AFTER_AUTH: ReadonlyMap<string, Handler> = new Map<string, Handler>([
  ['exit', exit],
  ['...', exit],
  ['api', api],
  ['bgapi', bgapi],
  ['event', event],
  ['nixevent', nixevent],
  ['noevents', noevents],
  ['filter', filter],
  ['log', log],
  ['nolog', nolog],
  ['sendevent', sendevent],
  ...SESSION_COMMANDS,
]);

/** Commands that take no arguments may be followed by nothing at all. */
const NEEDS_ARGS = new Set(['api', 'bgapi', 'filter']);

function logCommand(conn: EslConnection, line: string): void {
  // Printable characters only and a bounded length: the line comes from the network.
  const clean = line.replace(/[^\x20-\x7e\t]/g, '').slice(0, 256);
  conn.host.log.debug(`event socket command from ${conn.peer}: ${clean}`);
}

/** Runs one command and writes its reply. */
export async function executeCommand(conn: EslConnection, cmd: EslCommand): Promise<void> {
  const [word, rest] = splitFirst(cmd.line);
  const key = word.toLowerCase();
  if (!conn.authenticated) {
    if (key === 'auth' && rest !== undefined) {
      auth(conn, rest);
      return;
    }
    const h = BEFORE_AUTH.get(key);
    if (h) await h(conn, rest ?? '', cmd);
    else conn.reply(NOT_FOUND);
    return;
  }
  logCommand(conn, cmd.line);
  const h = AFTER_AUTH.get(key);
  if (!h || (NEEDS_ARGS.has(key) && rest === undefined)) {
    conn.reply(NOT_FOUND);
    return;
  }
  await h(conn, rest ?? '', cmd);
}
