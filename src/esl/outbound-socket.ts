/**
 * The outbound event socket: the `socket <host:port> [async] [full]`
 * application. It connects to an external program, which then controls the call
 * over the same protocol as the inbound socket (without `auth`): it sends
 * `connect` and gets the channel's data, then `sendmsg`, `myevents`, `event`,
 * `api`, `linger`, `resume`, `exit` and so on.
 *
 * The application keeps the channel under the program's control until:
 * - the program sends `exit` or closes the socket: the channel hangs up with
 *   NORMAL_CLEARING, or, after `resume`, carries on with the dialplan;
 * - the channel hangs up: the program gets a text/disconnect-notice at once, or
 *   after the `linger` time, during which the channel's last events still flow.
 *
 * A connection that cannot be made is logged, `socket_error` is set on the
 * channel and the dialplan carries on, as in FreeSWITCH.
 */
import { connect as netConnect, type Socket } from 'node:net';
import type { Application } from '../core/application.js';
import type { Session } from '../core/session.js';
import { errorMessage } from '../core/errors.js';
import type { EslServer } from './esl-server.js';
import type { OutboundMode } from './esl-connection.js';

const CONNECT_TIMEOUT_MS = 5_000;

export interface SocketTarget {
  host: string;
  port: number;
  mode: OutboundMode;
}

/** Parses `host:port [async] [full]` (`[v6addr]:port` for IPv6); undefined when malformed. */
export function parseSocketArgs(data: string): SocketTarget | undefined {
  const [where = '', ...flags] = data.trim().split(/\s+/);
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(where);
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return undefined;
  const lower = flags.map((f) => f.toLowerCase());
  return {
    host: m[1] ?? m[2] ?? '',
    port,
    mode: { async: lower.includes('async'), full: lower.includes('full') },
  };
}

function connectTo(host: string, port: number, signal: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock = netConnect({ host, port });
    const fail = (err: Error): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      sock.destroy();
      reject(err);
    };
    const onAbort = (): void => fail(new Error('the channel hung up'));
    const timer = setTimeout(
      () => fail(new Error(`no connection within ${CONNECT_TIMEOUT_MS} ms`)),
      CONNECT_TIMEOUT_MS,
    );
    signal.addEventListener('abort', onAbort, { once: true });
    sock.once('error', fail);
    sock.once('connect', () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      sock.off('error', fail);
      resolve(sock);
    });
  });
}

/** Runs the application: returns when the program lets go of the channel or the channel ends. */
export async function runSocketApp(server: EslServer, session: Session, data: string): Promise<void> {
  const target = parseSocketArgs(data);
  if (!target) {
    session.log.error(`socket: expected <host:port> [async] [full], got "${data}"`, { uuid: session.uuid });
    session.setVariable('socket_error', 'invalid arguments');
    return;
  }
  const where = `${target.host}:${target.port}`;
  let sock: Socket;
  try {
    sock = await connectTo(target.host, target.port, session.channel.hangupSignal);
  } catch (err) {
    session.log.error(`socket: cannot connect to ${where}: ${errorMessage(err)}`, { uuid: session.uuid });
    session.setVariable('socket_error', errorMessage(err));
    return;
  }
  session.log.info(`socket: ${session.channel.name} is under the control of ${where}`, {
    uuid: session.uuid,
  });
  const conn = server.adoptOutbound(sock, session, target.mode);
  const closed = new Promise<void>((resolve) => conn.onClosed(() => resolve()));
  const signal = session.channel.hangupSignal;
  const hungUp = new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await Promise.race([closed, hungUp]);
  if (!session.channel.up) return;
  if (conn.resume) {
    session.log.info(`socket: ${where} let go of the channel; resuming the dialplan`, { uuid: session.uuid });
    return;
  }
  session.log.info(`socket: ${where} went away; hanging up`, { uuid: session.uuid });
  session.hangup('NORMAL_CLEARING');
}

export function socketApplication(server: () => EslServer | undefined): Application {
  return {
    name: 'socket',
    description: 'Hand the call to an outbound event socket server',
    syntax: '<host:port> [async] [full]',
    async run(session, data) {
      const s = server();
      if (!s) {
        session.log.error('socket: the event socket is not running', { uuid: session.uuid });
        return;
      }
      await runSocketApp(s, session, data);
    },
  };
}
