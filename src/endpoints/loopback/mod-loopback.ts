/** mod_loopback: the loopback and null endpoints. */
import type { TswModule } from '../../core/module.js';
import { createLoopbackEndpoint } from './loopback-endpoint.js';
import { createNullEndpoint } from './null-endpoint.js';

export function createModLoopback(): TswModule {
  return {
    name: 'mod_loopback',
    description: 'Loopback and null endpoints',
    load(ctx) {
      ctx.addEndpoint(createLoopbackEndpoint(ctx.core));
      ctx.addEndpoint(createNullEndpoint(ctx.core));
    },
  };
}
