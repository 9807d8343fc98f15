import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { isTswError } from '../../src/core/errors.js';
import { loadMediaAddonFrom } from '../../src/media/media-addon.js';
import { MediaEngine } from '../../src/media/media-engine.js';
import { firstAbove, measureFrequency, sine } from './media-helpers.js';

// Each media test file has its own RTP range: node runs two files at once.
const RANGE = { rtpPortMin: 41000, rtpPortMax: 41999 };
const engines: MediaEngine[] = [];
function newEngine(): MediaEngine {
  const e = new MediaEngine(RANGE);
  engines.push(e);
  return e;
}
after(() => engines.forEach((e) => e.close()));

async function canBind(port: number): Promise<boolean> {
  const sock = createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      sock.once('error', reject);
      sock.bind(port, '127.0.0.1', resolve);
    });
    return true;
  } catch {
    return false;
  } finally {
    sock.close();
  }
}

test('the media clock ticks about 50 times a second at the default 20 ms ptime', async () => {
  const engine = newEngine();
  engine.createMemoryPort('uuid-clock');
  engine.start();
  await sleep(100);
  const before = engine.counters();
  await sleep(1000);
  const afterwards = engine.counters();
  const ticks = afterwards.ticks - before.ticks;
  assert.equal(afterwards.periodMs, 20);
  assert.ok(ticks >= 35 && ticks <= 65, `ticks in 1 s: ${ticks}`);
  assert.ok(afterwards.cpuNs > 0);
  assert.equal(typeof afterwards.lateTicks, 'number');
  engine.close();
  assert.equal(engine.counters().running, false);
});

test('a port with a 10 ms ptime makes the clock tick every 10 ms', async () => {
  const engine = newEngine();
  engine.createMemoryPort('uuid-10', { ptime: 10 });
  engine.start();
  await sleep(300);
  assert.equal(engine.counters().periodMs, 10);
  engine.close();
});

test('an engine stopped and started again keeps its ports and its clock, and refuses a move from closed', async () => {
  const engine = newEngine();
  const a = engine.createMemoryPort('uuid-r');
  const b = engine.createMemoryPort('uuid-r');
  engine.bridge(a, b);
  engine.start();
  await sleep(100);
  engine.stop();
  assert.equal(engine.state, 'stopped');
  const ticksWhenStopped = engine.counters().ticks;
  await sleep(100);
  assert.equal(engine.counters().ticks, ticksWhenStopped, 'no ticks while stopped');
  a.push(sine(1000, 8000, 800, 8000));
  engine.start();
  await sleep(200);
  assert.ok(engine.counters().ticks > ticksWhenStopped);
  assert.ok(firstAbove(b.pull(), 1000) >= 0, 'the bridge carried audio after the restart');
  engine.stop();
  await b.close(); // closes at once while stopped
  assert.equal(b.closed, true);
  assert.throws(
    () => b.pull(),
    (err: unknown) => isTswError(err, 'TSW_ERR_STATE'),
  );
  engine.close();
  assert.equal(engine.state, 'closed');
  assert.throws(
    () => engine.start(),
    (err: unknown) => isTswError(err, 'TSW_ERR_STATE'),
  );
});

test('two bridged memory ports hand each other their audio sample for sample', async () => {
  const engine = newEngine();
  const a = engine.createMemoryPort('uuid-a');
  const b = engine.createMemoryPort('uuid-b');
  engine.bridge(a, b);
  const toB = sine(1000, 8000, 1600, 8000);
  const toA = sine(450, 8000, 1600, 6000);
  a.push(toB);
  b.push(toA);
  engine.start();
  await sleep(400);
  const atB = b.pull();
  const atA = a.pull();
  // What a port got before the pushes were read is silence; after it, exactly what was pushed.
  const startB = firstAbove(atB, 0);
  const startA = firstAbove(atA, 0);
  assert.ok(startB >= 0 && startA >= 0, 'both directions carried audio');
  assert.deepEqual(Array.from(atB.subarray(startB - 1, startB - 1 + 1600)), Array.from(toB));
  assert.deepEqual(Array.from(atA.subarray(startA - 1, startA - 1 + 1600)), Array.from(toA));
  assert.equal(engine.counters().bridges, 1);
  assert.equal(engine.unbridge(a), true);
  assert.equal(engine.unbridge(a), false);
  engine.close();
});

test('a bridge between 8 kHz and 16 kHz ports resamples, keeping the frequency', async () => {
  const engine = newEngine();
  const narrow = engine.createMemoryPort('uuid-n', { rate: 8000 });
  const wide = engine.createMemoryPort('uuid-w', { rate: 16000 });
  engine.bridge(narrow, wide);
  narrow.push(sine(1000, 8000, 8000, 8000));
  engine.start();
  await sleep(700);
  const got = wide.pull();
  const start = firstAbove(got, 1000);
  assert.ok(start >= 0);
  const f = measureFrequency(got.subarray(start + 320, start + 320 + 8000), 16000);
  assert.ok(Math.abs(f - 1000) < 5, `frequency at 16 kHz: ${f}`);
  engine.close();
});

test('bridging refuses mismatched ptimes and ports already bridged', () => {
  const engine = newEngine();
  const a = engine.createMemoryPort('u', { ptime: 20 });
  const b = engine.createMemoryPort('u', { ptime: 30 });
  const c = engine.createMemoryPort('u');
  assert.throws(() => engine.bridge(a, b), /same ptime/);
  engine.bridge(a, c);
  assert.throws(() => engine.bridge(c, a), /already bridged/);
  assert.throws(
    () => engine.createMemoryPort('u', { ptime: 25 }),
    (err: unknown) => isTswError(err, 'TSW_ERR_API_ARGS'),
  );
  engine.close();
});

test('closing the engine frees every RTP socket, and closing one port frees its own', async () => {
  const engine = newEngine();
  const ports = [engine.createRtpPort('u1'), engine.createRtpPort('u2'), engine.createRtpPort('u3')];
  for (const p of ports) {
    assert.equal(p.localPort % 2, 0, 'RTP ports are even');
    assert.equal(await canBind(p.localPort), false, `port ${p.localPort} is held while open`);
  }
  engine.start();
  await sleep(60);
  const [first] = ports;
  assert.ok(first);
  await first.close();
  assert.equal(await canBind(first.localPort), true, 'a closed port is free at once');
  engine.close();
  for (const p of ports) {
    assert.equal(p.closed, true);
    assert.equal(await canBind(p.localPort), true, `port ${p.localPort} is free after close()`);
  }
  assert.throws(
    () => engine.createRtpPort('u4'),
    (err: unknown) => isTswError(err, 'TSW_ERR_STATE'),
  );
});

test('when SCHED_FIFO is refused the engine still ticks and logs a warning saying why', (t) => {
  const child = join(dirname(fileURLToPath(import.meta.url)), 'realtime-child.js');
  // As root the request would succeed; setpriv drops CAP_SYS_NICE for the child alone.
  const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));
  const cmd = setpriv ?? process.execPath;
  const args = setpriv ? ['--bounding-set=-sys_nice', process.execPath, child] : [child];
  const res = spawnSync(cmd, args, { encoding: 'utf8' });
  assert.equal(res.status, 0, res.stderr);
  const out = JSON.parse(res.stdout) as { logged: string[]; emitted: string[]; ticks: number };
  if (out.emitted.length === 0) {
    t.skip('SCHED_FIFO was granted without CAP_SYS_NICE (RLIMIT_RTPRIO?), so nothing to refuse');
    return;
  }
  assert.match(out.emitted[0] ?? '', /SCHED_FIFO priority 50 refused .*Operation not permitted/);
  assert.deepEqual(out.logged, [`media engine: ${out.emitted[0]}`]);
  assert.ok(out.ticks >= 5, `ticks at normal priority: ${out.ticks}`);
});

test('a missing addon build is reported as TSW_ERR_NATIVE with the command that builds it', () => {
  assert.throws(
    () => loadMediaAddonFrom('/nonexistent/tsw_media.node'),
    (err: unknown) => isTswError(err, 'TSW_ERR_NATIVE') && /npm run build:native/.test(err.message),
  );
});
