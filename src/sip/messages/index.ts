/** The SIP message layer: URIs, headers, messages, parser, serializer, framing. */
export * from './builders.js';
export * from './header-map.js';
export * from './headers.js';
export * from './message.js';
export * from './name-addr.js';
export * from './params.js';
export * from './parse-error.js';
export * from './parser.js';
export * from './reason-phrases.js';
export * from './serializer.js';
export * from './stream-framer.js';
export * from './uri.js';
export * from './validate.js';
export * from './via.js';
