/**
 * mod_media: the media engine of a core. Loading it starts one {@link MediaEngine} (its RTP port
 * range and thread priority from media.conf.xml), makes {@link ChannelMedia} available to the
 * endpoints, joins the main ports of bridged channels (bridge-media.ts) and registers the media
 * applications. Unloading closes every channel's ports and the engine; the core unloads modules
 * after it has hung up its calls, so no call loses audio early.
 */
import { defineSchema } from '../config/schema.js';
import type { TswModule } from '../core/module.js';
import { readModuleSettings } from '../core/module-settings.js';
import { mediaApplications } from '../dialplan/apps/media-apps.js';
import { BridgeMedia } from './bridge-media.js';
import { ChannelMedia } from './channel-media.js';
import { MediaEngine } from './media-engine.js';

export const MEDIA_SCHEMA = defineSchema({
  'rtp-port-min': { type: 'port', default: 16384, description: 'Lowest UDP port used for RTP' },
  'rtp-port-max': { type: 'port', default: 32767, description: 'Highest UDP port used for RTP' },
  'realtime-priority': {
    type: 'int',
    default: 50,
    min: 0,
    max: 99,
    description: 'SCHED_FIFO priority of the media thread (0: normal priority)',
  },
});

export function createModMedia(): TswModule {
  let media: ChannelMedia | undefined;
  let bridges: BridgeMedia | undefined;
  let engine: MediaEngine | undefined;
  return {
    name: 'mod_media',
    description: 'Media engine, channel media and the media applications',
    load(ctx) {
      const { values } = readModuleSettings(ctx, 'media.conf', MEDIA_SCHEMA, ({ values: v, at }) =>
        v['rtp-port-min'] > v['rtp-port-max']
          ? [
              at(
                'rtp-port-min',
                `media.conf: rtp-port-min (${v['rtp-port-min']}) is above rtp-port-max (${v['rtp-port-max']}); swap them`,
              ),
            ]
          : [],
      );
      const min = values['rtp-port-min'];
      const max = values['rtp-port-max'];
      engine = new MediaEngine({
        rtpPortMin: min,
        rtpPortMax: max,
        realtimePriority: values['realtime-priority'],
        logger: ctx.log,
      });
      engine.start();
      media = new ChannelMedia(ctx.core, engine, ctx.log);
      bridges = new BridgeMedia(ctx.core, media, ctx.log);
      for (const app of mediaApplications(media)) ctx.addApplication(app);
      ctx.log.info(`media engine running, RTP ports ${min}-${max}`);
    },
    async unload() {
      bridges?.close();
      bridges = undefined;
      await media?.close();
      engine?.close();
      media = undefined;
      engine = undefined;
    },
  };
}
