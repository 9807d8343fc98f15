/**
 * Which real sound binding the HIL suites exercise: `TSW_SOUND_BINDING=portaudio` (our addon,
 * the default) or `naudiodon`. `TSW_SOUND_MAX_QUEUE` sets naudiodon's `maxQueue`;
 * `TSW_SOUND_DEVICE_FRAMES` sets the addon's `deviceQueueFrames` and `TSW_SOUND_LATENCY` its
 * `suggestedLatency` (seconds); `TSW_SOUND_REALTIME=0` turns its real-time callback thread off.
 */
import { NaudiodonSoundSystem, PortAudioSoundSystem, type SoundSystem } from '../../src/sound/index.js';

export type SoundBindingName = 'portaudio' | 'naudiodon';

export function soundBindingName(): SoundBindingName {
  return process.env.TSW_SOUND_BINDING === 'naudiodon' ? 'naudiodon' : 'portaudio';
}

export function makeSoundSystem(closeTimeoutMs?: number): SoundSystem {
  if (soundBindingName() === 'naudiodon') {
    const maxQueue = Number(process.env.TSW_SOUND_MAX_QUEUE ?? '') || undefined;
    return new NaudiodonSoundSystem({
      ...(maxQueue ? { maxQueue } : {}),
      ...(closeTimeoutMs ? { closeTimeoutMs } : {}),
    });
  }
  const deviceQueueFrames = Number(process.env.TSW_SOUND_DEVICE_FRAMES ?? '') || undefined;
  const suggestedLatency = Number(process.env.TSW_SOUND_LATENCY ?? '') || undefined;
  return new PortAudioSoundSystem({
    ...(deviceQueueFrames ? { deviceQueueFrames } : {}),
    ...(suggestedLatency ? { suggestedLatency } : {}),
    realtime: process.env.TSW_SOUND_REALTIME !== '0',
    ...(closeTimeoutMs ? { closeTimeoutMs } : {}),
  });
}
