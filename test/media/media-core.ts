/**
 * A real core with mod_media for the channel media tests: its own RTP port range, and a helper
 * that places a loopback call whose legs both park, so the tests can run applications on either.
 */
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChannelState } from '../../src/core/channel-state.js';
import type { Session } from '../../src/core/session.js';
import { channelMediaOf, type ChannelMedia } from '../../src/media/channel-media.js';
import { makeBaseDir, startTestCore, waitFor, type TestCore } from '../support/core-harness.js';

export const MEDIA_TEST_MODULES = ['mod_commands', 'mod_dptools', 'mod_media', 'mod_loopback'];

export function writeMediaConf(base: string, params: Record<string, string>): void {
  const lines = Object.entries(params).map(([k, v]) => `    <param name="${k}" value="${v}"/>`);
  writeFileSync(
    join(base, 'conf', 'autoload_configs', 'media.conf.xml'),
    `<configuration name="media.conf">\n  <settings>\n${lines.join('\n')}\n  </settings>\n</configuration>\n`,
  );
}

/** Starts a core with mod_media on RTP ports `min`..`min+999` and SCHED_FIFO off. */
export async function startMediaCore(min: number, modules = MEDIA_TEST_MODULES): Promise<TestCore> {
  const base = makeBaseDir(modules);
  writeMediaConf(base, {
    'rtp-port-min': String(min),
    'rtp-port-max': String(min + 999),
    'realtime-priority': '0',
  });
  return startTestCore({ base });
}

export function mediaOf(t: TestCore): ChannelMedia {
  const media = channelMediaOf(t.core);
  assert.ok(media, 'mod_media is loaded');
  return media;
}

export interface ParkedPair {
  a: Session;
  b: Session;
}

/** Originates `loopback/answer,park` with the a leg parked; both legs end up answered and parked. */
export async function parkedPair(t: TestCore): Promise<ParkedPair> {
  const reply = await t.api('originate loopback/answer\\,park/default/inline &park');
  const m = /^\+OK (\S+)/.exec(reply);
  assert.ok(m, `originate replied ${reply}`);
  const a = t.core.sessions.get(m[1] ?? '');
  assert.ok(a, 'a leg exists');
  const b = t.core.sessions.get(a.getVariable('other_loopback_leg_uuid') ?? '');
  assert.ok(b, 'b leg exists');
  await waitFor(
    () => b.channel.state === ChannelState.CS_PARK && a.channel.state === ChannelState.CS_PARK,
    3000,
    'both legs parked',
  );
  return { a, b };
}
