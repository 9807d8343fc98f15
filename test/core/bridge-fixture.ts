/**
 * Shared set-up for the bridge and originate tests: a real core with a tiny
 * `tst` dialplan whose extensions are application lists keyed by destination
 * number. `originate loopback/<ext>/default/tst &park` then makes a call whose
 * inbound `-b` leg runs extension `<ext>` (the "a leg" of a bridge), while the
 * parked `-a` leg plays the caller's phone.
 */
import { strict as assert } from 'node:assert';
import type { ApplicationCall } from '../../src/core/application.js';
import { ChannelState } from '../../src/core/channel-state.js';
import type { TswEvent } from '../../src/core/event.js';
import type { Session } from '../../src/core/session.js';
import { startTestCore, waitFor, type TestCore } from '../support/core-harness.js';

export interface Rig extends TestCore {
  routes: Map<string, ApplicationCall[]>;
  /** Defines extension `ext` as `[app, data]` pairs. */
  route(ext: string, ...apps: [string, string?][]): void;
  /** The live session whose channel name is `name`. */
  byName(name: string): Session | undefined;
  eventsFor(uuid: string, name?: string): TswEvent[];
  /** The CHANNEL_HANGUP_COMPLETE event of a channel, once it has fired. */
  hangupComplete(uuid: string): Promise<TswEvent>;
  /** Runs apps on a parked channel, then parks it again; resolves once parked. */
  runApps(uuid: string, ...apps: [string, string?][]): Promise<void>;
  /** Originates a parked null channel and returns its uuid. */
  parkedNull(): Promise<string>;
  idle(): Promise<void>;
}

export async function startRig(): Promise<Rig> {
  const t = await startTestCore();
  const routes = new Map<string, ApplicationCall[]>();
  t.core.dialplans.add('tst', 'test', {
    name: 'tst',
    hunt(s) {
      const dest = s.channel.profile.destination_number;
      const applications = routes.get(dest);
      return applications ? { name: dest, applications } : undefined;
    },
  });
  const eventsFor = (uuid: string, name?: string): TswEvent[] =>
    t.events.filter((e) => e.getHeader('Unique-ID') === uuid && (name === undefined || e.name === name));
  return {
    ...t,
    routes,
    route(ext, ...apps) {
      routes.set(
        ext,
        apps.map(([app, data]) => ({ app, data: data ?? '' })),
      );
    },
    byName: (name) => t.core.sessions.list().find((s) => s.channel.name === name),
    eventsFor,
    async hangupComplete(uuid) {
      await waitFor(() => eventsFor(uuid, 'CHANNEL_HANGUP_COMPLETE').length > 0, 5000, `hangup of ${uuid}`);
      const ev = eventsFor(uuid, 'CHANNEL_HANGUP_COMPLETE')[0];
      assert.ok(ev);
      return ev;
    },
    async runApps(uuid, ...apps) {
      const s = t.core.sessions.get(uuid);
      assert.ok(s, `no channel ${uuid}`);
      s.executeApplications(
        [...apps, ['park'] as [string]].map(([app, data]) => ({ app, data: data ?? '' })),
      );
      await waitFor(() => !s.channel.up || s.channel.state === ChannelState.CS_PARK, 5000, 'apps to finish');
    },
    async parkedNull() {
      const reply = await t.api('originate null/x &park');
      const m = /^\+OK (\S+)\n$/.exec(reply);
      assert.ok(m, `originate replied ${JSON.stringify(reply)}`);
      const uuid = m[1] ?? '';
      await waitFor(() => t.core.sessions.get(uuid)?.channel.state === ChannelState.CS_PARK);
      return uuid;
    },
    async idle() {
      await t.api('hupall');
      await waitFor(() => t.core.sessions.count === 0, 5000, 'all channels gone');
    },
  };
}

/** The uuid in an `+OK <uuid>` reply. */
export function okUuid(reply: string): string {
  const m = /^\+OK (\S+)\n$/.exec(reply);
  assert.ok(m, `expected +OK <uuid>, got ${JSON.stringify(reply)}`);
  return m[1] ?? '';
}
