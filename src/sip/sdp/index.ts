/** SDP (RFC 4566) and offer/answer (RFC 3264) for the SIP endpoint. */
export * from './codecs.js';
export * from './offer-answer.js';
export * from './sdp-media.js';
export * from './sdp.js';
