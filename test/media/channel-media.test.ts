import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { channelMediaOf } from '../../src/media/channel-media.js';
import { RtpPort } from '../../src/media/media-port.js';
import { makeBaseDir, startTestCore, waitFor } from '../support/core-harness.js';
import { MEDIA_TEST_MODULES, mediaOf, parkedPair, startMediaCore, writeMediaConf } from './media-core.js';
import { readWav } from './media-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tsw-channel-media-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('each loopback leg gets an RTP port aimed at the other, and hangup closes every port', async () => {
  const t = await startMediaCore(47000);
  try {
    const media = mediaOf(t);
    const { a, b } = await parkedPair(t);
    const legA = media.get(a.uuid);
    const legB = media.get(b.uuid);
    assert.ok(legA?.main instanceof RtpPort && legB?.main instanceof RtpPort);
    assert.ok(legA.main.localPort >= 47000 && legA.main.localPort <= 47999);
    // A recorder that is still running when the call ends is closed with the channel.
    const file = join(dir, 'cut.wav');
    const recording = a.queueApplication('record', file);
    await waitFor(() => legA.connected !== undefined, 2000, 'recorder connected');
    // The media thread takes new ports on its next tick.
    await waitFor(() => media.engine.counters().ports === 3, 1000, 'two RTP ports and one more');
    await b.queueApplication('playback', 'tone_stream://%(300,0,800)');
    a.hangup();
    await recording;
    await Promise.all([a.done(), b.done()]);
    await waitFor(() => media.engine.counters().ports === 0, 2000, 'all ports closed');
    assert.equal(media.size, 0);
    assert.equal(media.engine.counters().bridges, 0);
    assert.ok(legA.closed && legB.closed && legA.main.closed);
    assert.ok(readWav(file).samples.length > 0, 'the recording was completed');
  } finally {
    await t.stop();
  }
});

test('a channel destroyed mid-playback has its player closed too', async () => {
  const t = await startMediaCore(48000);
  try {
    const media = mediaOf(t);
    const { a, b } = await parkedPair(t);
    const playing = b.queueApplication('playback', 'tone_stream://%(1000,0,440);loops=-1');
    await waitFor(() => media.get(b.uuid)?.connected !== undefined, 2000, 'player connected');
    // The media thread takes new ports on its next tick.
    await waitFor(() => media.engine.counters().ports === 3, 1000, 'two RTP ports and one more');
    a.hangup();
    await playing;
    await waitFor(() => media.engine.counters().ports === 0, 2000, 'all ports closed');
    assert.equal(b.getVariable('playback_status'), 'HANGUP');
  } finally {
    await t.stop();
  }
});

test('unloading mod_media at shutdown closes the media engine', async () => {
  const t = await startMediaCore(49000);
  const media = mediaOf(t);
  await parkedPair(t);
  await t.stop();
  assert.equal(media.engine.state, 'closed');
  assert.equal(channelMediaOf(t.core), undefined);
});

test('loopback calls work without mod_media: no media, and the media applications are absent', async () => {
  const t = await startTestCore({ modules: ['mod_commands', 'mod_dptools', 'mod_loopback'] });
  try {
    assert.equal(channelMediaOf(t.core), undefined);
    assert.equal(t.core.applications.get('playback'), undefined);
    const reply = await t.api('originate loopback/answer\\,park/default/inline &park');
    assert.match(reply, /^\+OK /);
  } finally {
    await t.stop();
  }
});

test('media.conf with rtp-port-min above rtp-port-max keeps mod_media from loading', async () => {
  const base = makeBaseDir(MEDIA_TEST_MODULES);
  writeMediaConf(base, { 'rtp-port-min': '30000', 'rtp-port-max': '20000' });
  const t = await startTestCore({ base });
  try {
    assert.equal(channelMediaOf(t.core), undefined);
    assert.equal(t.core.applications.get('playback'), undefined);
  } finally {
    await t.stop();
  }
});
