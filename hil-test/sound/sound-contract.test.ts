/**
 * The shared sound contract (test/support/sound-contract.ts) against the real PortAudio binding on
 * a private PulseAudio loopback: input on the null sink's monitor (`tsw_loop_in`), output into the
 * sink (`tsw_loop_out`). The device clock is real, so the rig waits for frames to move; losing the
 * device kills the PulseAudio daemon, which is why that test comes last. A rig file
 * (`run-hil.js --rig`) is not used here: a real device cannot be unplugged by the test.
 */
import { after, test } from 'node:test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findDevice, type SoundInput, type SoundOutput } from '../../src/sound/index.js';
import { soundContract } from '../../test/support/sound-contract.js';
import { loadRig } from '../support/rig.js';
import { makeSoundSystem } from './sound-binding.js';
import { sleep } from './sound-capture.js';
import { setupSoundLoopback } from './sound-loopback.js';

const HOW_TO = 'install pulseaudio, pulseaudio-utils and libasound2-plugins for the virtual loopback';

/** Waits until `done` holds, checking every 10 ms; throws after `ms`. */
async function until(done: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(10);
  }
}

const moved = (s: SoundInput | SoundOutput): number =>
  s.direction === 'input' ? s.stats().framesIn : s.stats().framesOut;

const made = loadRig()?.sound
  ? ({
      ok: false,
      reason: 'a rig file names real devices, which the device-loss test cannot unplug',
    } as const)
  : setupSoundLoopback(join(tmpdir(), `tsw-sound-contract-${process.pid}`));

if (!made.ok) {
  test('the sound contract on the real PortAudio binding', (t) => {
    t.skip(`no private loopback (${made.reason}); ${HOW_TO}`);
  });
} else {
  const { loop } = made;
  const system = makeSoundSystem(1000);
  const list = system.listDevices();
  const input = findDevice(list, loop.input, 'input');
  const output = findDevice(list, loop.output, 'output');
  if (!input || !output)
    throw new Error(`PortAudio lists no ${loop.input}/${loop.output}: ${JSON.stringify(list)}`);
  let killed = false;
  after(async () => {
    await system.close();
    loop.teardown();
  });
  soundContract('portaudio on a PulseAudio loopback', () => ({
    system,
    deviceId: input.id,
    outputDeviceId: output.id,
    run: async (streams, frames) => {
      const from = streams.map(moved);
      // The device's own clock: a real frame takes its frameMs, so allow generously for start-up.
      await until(
        () => streams.every((s, i) => moved(s) - (from[i] ?? 0) >= frames),
        5000 + frames * 100,
        `${frames} frames on ${streams.map((s) => s.direction).join(' and ')}`,
      );
    },
    lose: async (streams) => {
      if (!killed) process.kill(loop.daemonPid, 'SIGKILL');
      killed = true;
      // The watchdog allows 5 s after opening, then stallMs (2 s by default).
      await until(() => streams.every((s) => s.state !== 'open'), 12000, 'device-lost on every stream');
    },
  }));
}
