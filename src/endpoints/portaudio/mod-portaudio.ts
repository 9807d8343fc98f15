/**
 * mod_portaudio: local sound devices as call legs (portaudio.conf.xml). Loading picks the sound
 * system (sound-factory.ts), registers the `portaudio` endpoint and the `pa` API. It loads on a box
 * with no sound device, or with a sound system that cannot start: `pa devlist` is then empty and
 * calls to portaudio are refused with CHANNEL_UNACCEPTABLE. Unloading hangs up the module's calls
 * and closes the devices.
 */
import type { Core } from '../../core/core.js';
import { TswError } from '../../core/errors.js';
import type { TswModule } from '../../core/module.js';
import { createSoundSystem } from '../../sound/index.js';
import { paApi } from './pa-api.js';
import { readPortaudioConfig } from './pa-config.js';
import { createPaEndpoint } from './pa-endpoint.js';
import { PaRuntime } from './pa-runtime.js';

const runtimes = new WeakMap<Core, PaRuntime>();

/** The sound endpoint's runtime in `core` (tests reach the mock sound system through it). */
export function portaudioOf(core: Core): PaRuntime | undefined {
  return runtimes.get(core);
}

export function createModPortaudio(): TswModule {
  let rt: PaRuntime | undefined;
  let core: Core | undefined;
  return {
    name: 'mod_portaudio',
    description: 'Local sound devices (PortAudio) as call legs',
    load(ctx) {
      const { config, errors } = readPortaudioConfig(ctx.core.xml.configuration('portaudio.conf'));
      if (errors.length > 0) {
        for (const e of errors) ctx.log.error(e.message);
        throw new TswError(
          'TSW_ERR_CONFIG_PARAM',
          `portaudio.conf: ${errors.length} invalid param(s): ${errors.map((e) => e.message).join('; ')}`,
        );
      }
      const system = createSoundSystem(config.params['sound-system']);
      rt = new PaRuntime(ctx.core, system, config, ctx.log);
      const endpoint = createPaEndpoint(rt);
      rt.endpoint = endpoint;
      ctx.addEndpoint(endpoint);
      ctx.addApi(paApi(rt));
      core = ctx.core;
      runtimes.set(core, rt);
      const devices = rt.devices();
      const b = rt.bindings();
      ctx.log.info(
        `portaudio: ${config.params['sound-system']} sound system, ${devices.length} device(s); ` +
          `indev ${b.indev ? `#${b.indev.id} ${b.indev.name}` : 'none'}, ` +
          `outdev ${b.outdev ? `#${b.outdev.id} ${b.outdev.name}` : 'none'}, ` +
          `${config.sampleRate} Hz, ${config.frameMs} ms` +
          (rt.systemError ? ` (${rt.systemError})` : ''),
      );
    },
    async unload() {
      if (core) runtimes.delete(core);
      await rt?.close();
      rt = undefined;
    },
  };
}
