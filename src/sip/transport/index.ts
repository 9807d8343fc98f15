/** The SIP transport layer (RFC 3261 §18): UDP, TCP and TLS with connection reuse and limits. */
export * from './connection-pool.js';
export * from './inbound.js';
export * from './stream-connection.js';
export * from './stream-listener.js';
export * from './transport-layer.js';
export * from './transport-options.js';
export * from './transport-types.js';
export * from './udp-listener.js';
export * from './via-stamp.js';
