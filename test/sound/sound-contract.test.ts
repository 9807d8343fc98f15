/**
 * The sound contract (test/support/sound-contract.ts) against the mock and against the PortAudio
 * binding over a stand-in addon. The real addon runs the loopback suite in hil-test/sound.
 */
import { MockSoundSystem } from '../../src/sound/mock-sound.js';
import { PortAudioSoundSystem } from '../../src/sound/portaudio-sound.js';
import type { SoundInput, SoundOutput } from '../../src/sound/sound-types.js';
import { FakePortAudio } from '../support/fake-portaudio.js';
import { soundContract } from '../support/sound-contract.js';

soundContract('mock', () => {
  const system = new MockSoundSystem([{ name: 'headset' }]);
  return {
    system,
    deviceId: 0,
    capture: (_input, samples) => system.inject('headset', samples),
    play: (_output, frames) => {
      system.clearPlayed('headset');
      system.advance(frames);
      return system.played('headset');
    },
    run: (streams, frames) => {
      for (const s of streams) {
        if (s.direction === 'input') system.inject('headset', new Int16Array(frames * s.frameSamples));
      }
      if (streams.some((s) => s.direction === 'output')) system.advance(frames);
      return Promise.resolve();
    },
    lose: () => system.fail('headset', 'device unplugged'),
  };
});

soundContract('portaudio', () => {
  const native = new FakePortAudio();
  const system = new PortAudioSoundSystem({ native });
  // Stream ids in the fake follow creation order; remember which one each stream got.
  const ids = new Map<SoundInput | SoundOutput, number>();
  const idOf = (s: SoundInput | SoundOutput): number => {
    let id = ids.get(s);
    if (id === undefined) {
      const direction = s.direction === 'input';
      id = [...native.streams.entries()]
        .reverse()
        .find(([, f]) => f.spec.input === direction && f.opened)?.[0];
      if (id === undefined) throw new Error('no fake stream');
      ids.set(s, id);
    }
    return id;
  };
  return {
    system,
    deviceId: 0,
    capture: (input, samples) => native.capture(idOf(input), samples),
    play: (output, frames) => native.play(idOf(output), frames),
    run: async (streams, frames) => {
      for (const s of streams) {
        if (s.direction === 'input') native.capture(idOf(s), new Int16Array(frames * s.frameSamples));
        else for (let i = 0; i < frames; i++) native.play(idOf(s), 1);
      }
      await new Promise((r) => setImmediate(r));
    },
    lose: (streams) => {
      for (const s of streams) if (!native.streams.get(idOf(s))?.status.finished) native.finish(idOf(s));
    },
  };
});
