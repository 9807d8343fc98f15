/**
 * The real sound binding the HIL suites exercise: PortAudioSoundSystem on the tsw_sound addon.
 * `TSW_SOUND_DEVICE_FRAMES` sets its `deviceQueueFrames` and `TSW_SOUND_LATENCY` its
 * `suggestedLatency` (seconds); `TSW_SOUND_REALTIME=0` turns its real-time callback thread off.
 */
import { PortAudioSoundSystem } from '../../src/sound/index.js';

export function makeSoundSystem(closeTimeoutMs?: number): PortAudioSoundSystem {
  const deviceQueueFrames = Number(process.env.TSW_SOUND_DEVICE_FRAMES ?? '') || undefined;
  const suggestedLatency = Number(process.env.TSW_SOUND_LATENCY ?? '') || undefined;
  return new PortAudioSoundSystem({
    ...(deviceQueueFrames ? { deviceQueueFrames } : {}),
    ...(suggestedLatency ? { suggestedLatency } : {}),
    realtime: process.env.TSW_SOUND_REALTIME !== '0',
    ...(closeTimeoutMs ? { closeTimeoutMs } : {}),
  });
}
