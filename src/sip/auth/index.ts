/** SIP Digest authentication: headers, computation, server challenger, client answers. */
export * from './digest-challenger.js';
export * from './digest-client.js';
export * from './digest-compute.js';
export * from './digest-header.js';
export * from './nonce.js';
