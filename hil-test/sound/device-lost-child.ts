/**
 * Run by sound-loopback.test.ts in its own process: builds a private loopback, opens both
 * directions, kills the PulseAudio daemon and reports the device-lost events as one JSON line.
 * It then simply returns, and the parent checks that the process ended by itself.
 */
import { pbkdf2 } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findDevice, type SoundDeviceLost } from '../../src/sound/index.js';
import { makeSoundSystem } from './sound-binding.js';
import { sleep } from './sound-capture.js';
import { setupSoundLoopback } from './sound-loopback.js';

const made = setupSoundLoopback(join(tmpdir(), `tsw-sound-loop-lost-${process.pid}`));
if (!made.ok) {
  console.log(JSON.stringify({ skip: made.reason, lost: [] }));
  process.exit(0); // nothing was opened, so nothing can hold the exit
}
const { loop } = made;
const lost: (SoundDeviceLost & { direction: string; afterMs: number })[] = [];
let killedAt = 0;
try {
  const sys = makeSoundSystem(500);
  const list = sys.listDevices();
  const input = await sys.openInput({
    deviceId: findDevice(list, loop.input)?.id ?? -1,
    sampleRate: 8000,
    stallMs: 500,
  });
  const output = await sys.openOutput({
    deviceId: findDevice(list, loop.output)?.id ?? -1,
    sampleRate: 8000,
    stallMs: 500,
  });
  let heard = 0;
  input.on('readable', () => {
    while (input.read()) heard++;
  });
  for (const s of [input, output]) {
    s.on('device-lost', (l) => lost.push({ ...l, direction: s.direction, afterMs: Date.now() - killedAt }));
  }
  // Only a loss after the kill counts: wait until audio flows both ways first.
  for (let i = 0; i < 60 && (heard < 5 || output.stats().framesOut < 5); i++) await sleep(50);
  if (lost.length > 0 || heard < 5) throw new Error(`no audio before the kill (heard ${heard} frames)`);
  // The parent runs this with UV_THREADPOOL_SIZE=1: work queued on the libuv pool finishes only
  // if no open stream holds the pool's one thread.
  const poolFree = await Promise.race([
    new Promise<boolean>((resolve) => pbkdf2('x', 'y', 1, 16, 'sha256', () => resolve(true))),
    sleep(3000).then(() => false),
  ]);
  killedAt = Date.now();
  process.kill(loop.daemonPid, 'SIGKILL');
  // The watchdog allows 5 s after opening, then `stallMs`.
  for (let i = 0; i < 160 && lost.length < 2; i++) await sleep(50);
  const closing = Date.now();
  await Promise.all([input.close(), output.close()]);
  report({ lost, states: [input.state, output.state], closeMs: Date.now() - closing, poolFree });
} catch (err) {
  report({ error: String(err), lost });
}

function report(what: object): void {
  loop.teardown();
  process.stdout.write(`${JSON.stringify(what)}\n`);
}
