/**
 * Audio through a bridge: with mod_media loaded, the bridge app's two legs have their main ports
 * joined in the media engine, so a tone played on one call is recorded on the other.
 *
 *     caller (plays 1004 Hz) ─RTP─ leg "call" ══bridge══ leg b ─RTP─ leg "rec" (records)
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ApplicationCall } from '../../src/core/application.js';
import { ChannelState } from '../../src/core/channel-state.js';
import { channelMediaOf } from '../../src/media/channel-media.js';
import { waitFor, type TestCore } from '../support/core-harness.js';
import { startMediaCore } from '../media/media-core.js';
import { firstAbove, measureFrequency, readWav } from '../media/media-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tsw-bridge-media-'));
const routes = new Map<string, ApplicationCall[]>();
let t: TestCore;

before(async () => {
  t = await startMediaCore(50000);
  t.core.dialplans.add('tst', 'test', {
    name: 'tst',
    hunt(s) {
      const dest = s.channel.profile.destination_number;
      const applications = routes.get(dest);
      return applications ? { name: dest, applications } : undefined;
    },
  });
});
after(async () => {
  await t.stop();
  rmSync(dir, { recursive: true, force: true });
});

function route(ext: string, ...apps: [string, string?][]): void {
  routes.set(
    ext,
    apps.map(([app, data]) => ({ app, data: data ?? '' })),
  );
}

/**
 * Places `loopback/<ext>` with its caller side parked, waits until the bridge is up and plays a
 * one-second 1004 Hz tone on the caller side. Resolves with the caller session's UUID.
 */
async function callAndPlay(ext: string): Promise<string> {
  const reply = await t.api(`originate loopback/${ext}/default/tst &park`);
  const m = /^\+OK (\S+)/.exec(reply);
  assert.ok(m, `originate replied ${reply}`);
  const caller = t.core.sessions.get(m[1] ?? '');
  assert.ok(caller, 'the caller leg exists');
  await waitFor(() => caller.channel.state === ChannelState.CS_PARK, 5000, 'the caller leg parked');
  await waitFor(
    () => t.events.some((e) => e.name === 'CHANNEL_BRIDGE'),
    5000,
    'CHANNEL_BRIDGE of the bridge app',
  );
  await caller.queueApplication('playback', 'tone_stream://%(1000,0,1004)');
  await new Promise((r) => setTimeout(r, 200)); // the last frames cross two RTP hops
  return caller.uuid;
}

test('a tone played on one call is recorded on the call it is bridged to', async () => {
  const file = join(dir, 'bridged.wav');
  route('rec', ['answer'], ['record', `${file} 10`]);
  route('call', ['bridge', 'loopback/rec/default/tst']);
  t.events.length = 0;
  const caller = await callAndPlay('call');
  await t.api(`uuid_kill ${caller}`);
  await waitFor(() => t.core.sessions.count === 0, 5000, 'every leg hung up');
  await waitFor(() => existsSync(file), 2000, 'the recording');
  const s = readWav(file).samples;
  const start = firstAbove(s, 300);
  assert.ok(start >= 0, 'the recording holds the tone');
  const tone = s.subarray(start + 160, start + 7000);
  const f = measureFrequency(tone, 8000);
  assert.ok(Math.abs(f - 1004) / 1004 < 0.005, `frequency ${f}`);
  assert.ok(firstAbove(s.subarray(start + 6000), 300) >= 0, 'the tone lasts most of a second');
});

test('once the ports are parted, the bridged call hears nothing more', async () => {
  const file = join(dir, 'unbridged.wav');
  route('rec2', ['answer'], ['record', `${file} 10`]);
  route('call2', ['bridge', 'loopback/rec2/default/tst']);
  t.events.length = 0;
  const caller = await callAndPlay('call2');
  const bridged = t.events.find((e) => e.name === 'CHANNEL_BRIDGE');
  const a = bridged?.getHeader('Bridge-A-Unique-ID') ?? '';
  // Undo the media join by hand while the signalling bridge stays up, then play again.
  const leg = channelMediaOf(t.core)?.get(a);
  assert.ok(leg?.connected, 'the bridged leg has the other leg connected');
  leg.disconnect(leg.connected);
  const s0 = Date.now();
  const callerSession = t.core.sessions.get(caller);
  assert.ok(callerSession);
  await callerSession.queueApplication('playback', 'tone_stream://%(500,0,1004)');
  assert.ok(Date.now() - s0 >= 400, 'the second tone played');
  await t.api(`uuid_kill ${caller}`);
  await waitFor(() => t.core.sessions.count === 0, 5000, 'every leg hung up');
  await waitFor(() => existsSync(file), 2000, 'the recording');
  const s = readWav(file).samples;
  const start = firstAbove(s, 300);
  assert.ok(start >= 0, 'the first tone was heard while joined');
  // After the first tone (1 s from start, plus concealment) nothing more arrives.
  const after = s.subarray(start + 8000 + 800);
  assert.equal(firstAbove(after, 300), -1, 'nothing is heard once the ports are parted');
});
