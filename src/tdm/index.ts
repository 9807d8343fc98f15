export * from './tdm-types.js';
export { TdmCard, type DtmfOptions, type TdmCardEvents } from './tdm-card.js';
export { TdmChannel, type TdmChannelEvents } from './tdm-channel.js';
export { detectDahdi, openDefaultCard, DEFAULT_DAHDI_DIR, type DefaultCardOptions } from './detect.js';
