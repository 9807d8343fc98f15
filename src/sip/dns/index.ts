/** RFC 3263 server location: NAPTR → SRV → A/AAAA, with an injectable resolver. */
export * from './locate.js';
export * from './resolver.js';
export * from './srv-order.js';
