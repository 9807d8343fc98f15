/** The sound-device binding: contract, mock, PortAudio implementation and the media bridge. */
export * from './device-list.js';
export * from './frame-ring.js';
export * from './loop-latency.js';
export * from './mock-sound.js';
export * from './portaudio-addon.js';
export * from './portaudio-sound.js';
export * from './stall-watchdog.js';
export * from './sound-factory.js';
export * from './sound-media-bridge.js';
export type * from './sound-types.js';
