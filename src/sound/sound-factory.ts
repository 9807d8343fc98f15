/**
 * Picks a sound system by name. The endpoint and the API code only see the {@link SoundSystem}
 * contract, so another binding (a PortAudio or ALSA addon of our own, say) is one more entry here.
 *
 * - `mock`: {@link MockSoundSystem}, no hardware; tests drive it.
 * - `naudiodon`: PortAudio through the naudiodon package, loaded on first use.
 * - `none`: no sound system at all (every list is empty, every open fails).
 */
import { TswError } from '../core/errors.js';
import { MockSoundSystem, type MockDeviceSpec } from './mock-sound.js';
import { NaudiodonSoundSystem, type NaudiodonSoundOptions } from './naudiodon-sound.js';
import type { SoundDeviceChanges, SoundInput, SoundOutput, SoundSystem } from './sound-types.js';

export const SOUND_SYSTEM_KINDS = ['mock', 'naudiodon', 'none'] as const;
export type SoundSystemKind = (typeof SOUND_SYSTEM_KINDS)[number];

export interface SoundSystemOptions {
  /** Devices a `mock` system starts with. */
  mockDevices?: readonly MockDeviceSpec[];
  /** Options for the `naudiodon` binding. */
  naudiodon?: NaudiodonSoundOptions;
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
    case 'naudiodon':
      return new NaudiodonSoundSystem(options.naudiodon ?? {});
    case 'none':
      return new NoSoundSystem();
    default:
      throw new TswError(
        'TSW_ERR_API_ARGS',
        `unknown sound system "${kind}"; use one of ${SOUND_SYSTEM_KINDS.join(', ')}`,
      );
  }
}
