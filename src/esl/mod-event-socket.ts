/**
 * mod_event_socket: the inbound event socket, configured by
 * event_socket.conf.xml (listen-ip, listen-port, password, apply-inbound-acl).
 * It listens on loopback by default and refuses to listen elsewhere while the
 * stock password is configured.
 */
import { defineSchema } from '../config/schema.js';
import type { TswModule } from '../core/module.js';
import { readNetworkLists } from '../core/acl.js';
import { readModuleSettings, type SettingsCheckInput } from '../core/module-settings.js';
import { channelControl, type ChannelControl } from './esl-channel-control.js';
import { EslServer, isLoopback } from './esl-server.js';
import { eslStatusApi } from './esl-status-api.js';
import { socketApplication } from './outbound-socket.js';

export const EVENT_SOCKET_SCHEMA = defineSchema({
  'listen-ip': { type: 'ip', default: '127.0.0.1', description: 'Address to listen on' },
  'listen-port': { type: 'port', default: 8021, description: 'TCP port' },
  password: { type: 'string', required: true, description: 'Password clients send with auth' },
  'apply-inbound-acl': { type: 'string', description: 'Network list a client must match' },
  'max-connections': { type: 'int', default: 64, min: 1, max: 10_000, description: 'Concurrent clients' },
  'nat-map': { type: 'bool', default: false, description: 'Accepted for compatibility; ignored' },
  'max-queue-events': {
    type: 'int',
    default: 10_000,
    min: 10,
    max: 1_000_000,
    description: 'Events kept for a slow client before new ones are dropped',
  },
  'max-queue-bytes': {
    type: 'int',
    default: 16 * 1024 * 1024,
    min: 64 * 1024,
    max: 1024 * 1024 * 1024,
    description: 'Bytes of events kept for a slow client before new ones are dropped',
  },
  'max-auth-failures': {
    type: 'int',
    default: 5,
    min: 0,
    max: 1000,
    description: 'Failed logins per address and minute before it is refused (0: no limit)',
  },
  'auth-block-seconds': {
    type: 'int',
    default: 60,
    min: 1,
    max: 86_400,
    description: 'How long an address is refused after too many failed logins',
  },
});

/** The password shipped in the default vars.xml; never accepted off loopback. */
export const STOCK_PASSWORD = 'ClueCon';

/** What the schema cannot say: no stock password off loopback, and the ACL list must exist. */
function checkEventSocket({ values, tree, at }: SettingsCheckInput<typeof EVENT_SOCKET_SCHEMA>): string[] {
  const problems: string[] = [];
  const ip = values['listen-ip'];
  if (!isLoopback(ip) && values.password === STOCK_PASSWORD) {
    problems.push(
      at(
        'password',
        `event_socket.conf: refusing to listen on ${ip} with the stock password; set a password of your own`,
      ),
    );
  }
  const acl = values['apply-inbound-acl']?.trim().toLowerCase();
  if (acl !== undefined && acl !== '' && acl !== 'any' && acl !== 'none') {
    const { lists } = readNetworkLists(tree);
    if (!lists.has(acl)) {
      const known = ['any', 'none', ...lists.keys()].sort().join(', ');
      problems.push(
        at(
          'apply-inbound-acl',
          `event_socket.conf: apply-inbound-acl names the unknown network list "${values['apply-inbound-acl'] ?? ''}" (known: ${known})`,
        ),
      );
    }
  }
  return problems;
}

export function createModEventSocket(): TswModule {
  let server: EslServer | undefined;
  let control: ChannelControl | undefined;
  return {
    name: 'mod_event_socket',
    description: 'Event socket (inbound, and outbound through the socket application)',
    async load(ctx) {
      const { values } = readModuleSettings(ctx, 'event_socket.conf', EVENT_SOCKET_SCHEMA, checkEventSocket);
      const ip = values['listen-ip'];
      const core = ctx.core;
      const opts: ConstructorParameters<typeof EslServer>[1] = {
        listenIp: ip,
        listenPort: values['listen-port'],
        password: values.password,
        maxConnections: values['max-connections'],
        maxQueueEvents: values['max-queue-events'],
        maxQueueBytes: values['max-queue-bytes'],
        maxAuthFailures: values['max-auth-failures'],
        authBlockSeconds: values['auth-block-seconds'],
      };
      const acl = values['apply-inbound-acl'];
      if (acl !== undefined && acl !== '') opts.applyInboundAcl = acl;
      control = channelControl(core, ctx.log);
      server = new EslServer(
        {
          bus: core.bus,
          log: ctx.log,
          logs: core.logs,
          api: (cmd, args) => core.apis.execute(cmd, args, { source: 'esl' }),
          aclAllows: (name, ip) => core.acl.allows(name, ip),
          newUuid: () => core.newUuid(),
          findSession: (uuid) => core.sessions.get(uuid),
          hasApplication: (name) => core.applications.get(name) !== undefined,
          unicast: control.unicast,
          nomedia: control.nomedia,
        },
        opts,
      );
      await server.start();
      ctx.addApplication(socketApplication(() => server));
      ctx.addApi(eslStatusApi(() => server));
    },
    async unload() {
      await control?.close();
      control = undefined;
      await server?.stop();
      server = undefined;
    },
  };
}
