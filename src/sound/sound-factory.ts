/**
 * Picks a sound system by name. The endpoint and the API code only see the {@link SoundSystem}
 * contract, so another binding is one more entry here.
 *
 * - `portaudio`: {@link PortAudioSoundSystem}, PortAudio through our addon tsw_sound (drivers/sound),
 *   loaded on first use, so making the system never touches PortAudio.
 * - `mock`: {@link MockSoundSystem}, no hardware; tests drive it.
 * - `none`: no sound system at all (every list is empty, every open fails).
 */
import { TswError } from '../core/errors.js';
import { MockSoundSystem, type MockDeviceSpec } from './mock-sound.js';
import { PortAudioSoundSystem, type PortAudioSoundOptions } from './portaudio-sound.js';
import type { SoundDeviceChanges, SoundInput, SoundOutput, SoundSystem } from './sound-types.js';

export const SOUND_SYSTEM_KINDS = ['portaudio', 'mock', 'none'] as const;
export type SoundSystemKind = (typeof SOUND_SYSTEM_KINDS)[number];

export interface SoundSystemOptions {
  /** Devices a `mock` system starts with. */
  mockDevices?: readonly MockDeviceSpec[];
  /** Options for the `portaudio` binding. */
  portaudio?: PortAudioSoundOptions;
}

export function isSoundSystemKind(name: string): name is SoundSystemKind {
  return (SOUND_SYSTEM_KINDS as readonly string[]).includes(name);
}

/** A system with no devices: what a box without sound support gets. */
class NoSoundSystem implements SoundSystem {
  listDevices(): [] {
    return [];
  }
  rescan(): Promise<SoundDeviceChanges> {
    return Promise.resolve({ devices: [], added: [], removed: [] });
  }
  openInput(): Promise<SoundInput> {
    return Promise.reject(new TswError('TSW_ERR_NOT_FOUND', 'no sound system is configured'));
  }
  openOutput(): Promise<SoundOutput> {
    return Promise.reject(new TswError('TSW_ERR_NOT_FOUND', 'no sound system is configured'));
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Makes the sound system `kind`.
 * @throws TswError TSW_ERR_API_ARGS for an unknown kind.
 */
export function createSoundSystem(kind: string, options: SoundSystemOptions = {}): SoundSystem {
  switch (kind) {
    case 'mock':
      return new MockSoundSystem(options.mockDevices ?? []);
    case 'portaudio':
      return new PortAudioSoundSystem(options.portaudio ?? {});
    case 'none':
      return new NoSoundSystem();
    default:
      throw new TswError(
        'TSW_ERR_API_ARGS',
        `unknown sound system "${kind}"; use one of ${SOUND_SYSTEM_KINDS.join(', ')}`,
      );
  }
}
