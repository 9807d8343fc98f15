/** The SIP user-agent layer (RFC 3261 §12–§15): dialogs, request targets, cause mapping. */
export * from './cause-map.js';
export * from './dialog.js';
export * from './uri-target.js';
