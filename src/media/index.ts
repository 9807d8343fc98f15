/** The media facade: the engine, its port handles, events and tone specs. */
export * from './media-addon.js';
export * from './media-engine.js';
export * from './media-events.js';
export * from './media-port.js';
export * from './tone-spec.js';
export * from './tone-detect.js';
export * from './tdm-port.js';
export * from './rtcp-stats.js';
export * from './media-mixer.js';
