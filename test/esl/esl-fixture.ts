/**
 * A real EventBus and LogManager plus a tiny `api` function, wired into an
 * EslServer on an ephemeral loopback port.
 */
import { EventBus } from '../../src/core/event-bus.js';
import { LogManager, type LogRecord } from '../../src/core/log.js';
import { EslServer } from '../../src/esl/esl-server.js';
import type { EslHost, EslServerOptions } from '../../src/esl/esl-types.js';

export const PASSWORD = 'ClueCon';
export const STATUS_TEXT = 'UP 0 years, 0 days\nsessions: 0 — ready ✓\n';

export interface Fixture {
  bus: EventBus;
  logs: LogManager;
  host: EslHost;
  server: EslServer;
  port: number;
  /** Every log record written while the fixture ran. */
  records: LogRecord[];
  /** Every api call, as `command args`. */
  calls: string[];
  stop(): Promise<void>;
}

const identity = { coreUuid: 'core-1', hostname: 'gw', switchname: 'gw', ipv4: '127.0.0.1', ipv6: '::1' };

export async function startFixture(
  opts: Partial<EslServerOptions> = {},
  hostExtra: Partial<EslHost> = {},
): Promise<Fixture> {
  const bus = new EventBus(identity);
  const logs = new LogManager();
  const records: LogRecord[] = [];
  logs.tap((r) => records.push(r));
  const calls: string[] = [];
  let uuids = 0;
  const host: EslHost = {
    bus,
    log: logs.logger('mod_event_socket'),
    logs,
    api: (command, args) => {
      calls.push(args === '' ? command : `${command} ${args}`);
      if (command === 'status') return Promise.resolve(STATUS_TEXT);
      if (command === 'echo') return Promise.resolve(args);
      if (command === 'slow') return new Promise((resolve) => setTimeout(() => resolve('slow done\n'), 20));
      return Promise.resolve(`-ERR ${command} Command not found!\n`);
    },
    newUuid: () => `uuid-${++uuids}`,
    ...hostExtra,
  };
  const server = new EslServer(host, { listenIp: '127.0.0.1', listenPort: 0, password: PASSWORD, ...opts });
  const { port } = await server.start();
  return { bus, logs, host, server, port, records, calls, stop: () => server.stop() };
}
