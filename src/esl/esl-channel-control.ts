/**
 * The core side of the `sendmsg` call-commands that reach past the session into the endpoint
 * and the media engine (`unicast`, `nomedia`). mod_event_socket hands these to its server as
 * {@link EslHost} functions, so the server itself never touches a core class.
 */
import type { Core } from '../core/core.js';
import type { ChannelMessage } from '../core/endpoint.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { channelMediaOf } from '../media/channel-media.js';
import type { EslHost } from './esl-types.js';
import { UnicastTable, type UnicastSpec } from './esl-unicast.js';

export interface ChannelControl extends Required<Pick<EslHost, 'unicast' | 'nomedia'>> {
  /** Ends every unicast stream (module unload). */
  close(): Promise<void>;
}

export function channelControl(core: Core, log: Logger): ChannelControl {
  const streams = new UnicastTable(log);
  return {
    async unicast(uuid: string, spec: UnicastSpec): Promise<string | undefined> {
      const session = core.sessions.get(uuid);
      if (!session?.channel.up) return `invalid session id [${uuid}]`;
      const media = channelMediaOf(core);
      if (!media) return 'unicast needs mod_media, which is not loaded';
      const leg = media.get(uuid);
      if (!leg || leg.closed) return `channel ${session.channel.name} has no media`;
      try {
        await streams.start(leg, spec, session.channel.hangupSignal);
        return undefined;
      } catch (err) {
        return errorMessage(err);
      }
    },

    async nomedia(uuid: string): Promise<string | undefined> {
      const session = core.sessions.get(uuid);
      if (!session?.channel.up) return `invalid session id [${uuid}]`;
      const endpoint = session.endpoint;
      if (!endpoint.io.receiveMessage) return `nomedia not supported by ${endpoint.name}`;
      // FreeSWITCH re-invites the bridged partner too (SMF_REBRIDGE); the endpoint gets its UUID.
      const msg: ChannelMessage = { type: 'nomedia', peer: session.channel.bridgedTo ?? '' };
      try {
        const ok = await endpoint.io.receiveMessage(session, msg);
        return ok ? undefined : `nomedia not supported by ${endpoint.name}`;
      } catch (err) {
        return `nomedia failed on ${endpoint.name}: ${errorMessage(err)}`;
      }
    },

    close: () => streams.stopAll(),
  };
}
