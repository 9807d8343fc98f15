/**
 * The basic call-control applications: answer, pre_answer, ring_ready, hangup,
 * set, unset, park, sleep, log, info and transfer.
 */
import type { Application } from '../../core/application.js';
import { parseHangupCause } from '../../core/hangup-cause.js';
import { LogLevel, parseLogLevel } from '../../core/log.js';
import type { Session } from '../../core/session.js';
import { dumpChannel } from './channel-dump.js';

function app(
  name: string,
  description: string,
  syntax: string,
  run: (s: Session, data: string) => Promise<void> | void,
  inline = false,
): Application {
  return { name, description, syntax, run, flags: { inline } };
}

/** `name=value` → [name, value]; a value may be empty or contain '='. */
export function splitAssignment(data: string): [string, string] | undefined {
  const eq = data.indexOf('=');
  if (eq <= 0) return undefined;
  return [data.slice(0, eq).trim(), data.slice(eq + 1)];
}

export function basicApplications(): Application[] {
  return [
    app('answer', 'Answer the call', '', async (s) => {
      await s.answer();
    }),
    app('pre_answer', 'Send early media (183)', '', async (s) => {
      await s.preAnswer();
    }),
    app('ring_ready', 'Indicate ringing (180)', '', async (s) => {
      await s.ringReady();
    }),
    app('hangup', 'Hang up the call', '[<cause>]', (s, data) => {
      const cause = data.trim() === '' ? 'NORMAL_CLEARING' : parseHangupCause(data);
      if (!cause) s.log.warn(`hangup: unknown cause "${data}", using NORMAL_CLEARING`, { uuid: s.uuid });
      s.hangup(cause ?? 'NORMAL_CLEARING');
    }),
    app(
      'set',
      'Set a channel variable',
      '<varname>=<value>',
      (s, data) => {
        const kv = splitAssignment(data);
        if (!kv) throw new Error(`set: expected <varname>=<value>, got "${data}"`);
        s.setVariable(kv[0], kv[1] === '' ? undefined : kv[1]);
      },
      true,
    ),
    app(
      'unset',
      'Unset a channel variable',
      '<varname>',
      (s, data) => s.setVariable(data.trim(), undefined),
      true,
    ),
    app('park', 'Park the call', '', (s) => s.park()),
    app('sleep', 'Pause the channel for <ms> milliseconds', '<ms>', async (s, data) => {
      const ms = Number(data.trim());
      if (!Number.isFinite(ms) || ms < 0) throw new Error(`sleep: "${data}" is not a number of milliseconds`);
      await s.sleep(ms);
    }),
    app(
      'log',
      'Write a message to the log',
      '[<level>] <message>',
      (s, data) => {
        const m = /^(\S+)\s+([\s\S]*)$/.exec(data);
        const level = m ? parseLogLevel(m[1] ?? '') : undefined;
        const text = level !== undefined && m ? (m[2] ?? '') : data;
        s.log.log(level ?? LogLevel.DEBUG, text, { uuid: s.uuid });
      },
      true,
    ),
    app('info', 'Log the channel variables and headers', '', (s) => {
      s.log.info(`channel info ${s.channel.name}\n${dumpChannel(s.channel)}`, { uuid: s.uuid });
    }),
    app('transfer', 'Route the call to another extension', '<exten> [<dialplan> <context>]', (s, data) => {
      const [exten, dialplan, context] = data.trim().split(/\s+/);
      if (!exten) throw new Error('transfer: no destination given');
      s.transfer(exten, dialplan, context);
    }),
  ];
}
