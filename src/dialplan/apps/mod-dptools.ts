/** mod_dptools: the call-control applications, the inline dialplan and the error endpoint. */
import type { TswModule } from '../../core/module.js';
import { createInlineDialplan } from '../inline-dialplan.js';
import { basicApplications } from './basic-apps.js';
import { bridgeApplication } from './bridge-app.js';
import { miscApplications } from './misc-apps.js';
import { variableApplications } from './variable-apps.js';
import { createErrorEndpoint } from './error-endpoint.js';

export function createModDptools(): TswModule {
  return {
    name: 'mod_dptools',
    description: 'Dialplan tools: call-control applications and the inline dialplan',
    load(ctx) {
      for (const a of basicApplications()) ctx.addApplication(a);
      ctx.addApplication(bridgeApplication());
      for (const a of variableApplications()) ctx.addApplication(a);
      for (const a of miscApplications()) ctx.addApplication(a);
      ctx.addDialplan(createInlineDialplan());
      ctx.addEndpoint(createErrorEndpoint());
    },
  };
}
