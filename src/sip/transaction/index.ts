/** The SIP transaction layer (RFC 3261 §17). */
export * from './client-transaction.js';
export * from './server-transaction.js';
export * from './transaction-base.js';
export * from './transaction-key.js';
export * from './transaction-layer.js';
export * from './transaction-state.js';
export * from './transaction-timers.js';
export * from './two-hundred-retransmitter.js';
