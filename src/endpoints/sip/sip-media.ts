/**
 * Media hooks backed by the native media engine. While mod_media is loaded, each SIP channel gets
 * an engine RTP port when the endpoint first needs a local address for SDP, so the port written in
 * the offer or answer is the one the socket is bound to. The port becomes the channel's main port
 * in {@link ChannelMedia}, which is what playback, record, echo and read talk to, and what
 * bridge-media.ts joins to the other leg of a bridge.
 *
 *     allocate ──> RTP port bound (rtp-ip) ──> main port of the channel
 *     negotiated ──> send to the SDP's c=/m= address (symmetric RTP latches on later)
 *     release ──> channel media detached: every port of the channel closed
 *
 * Without mod_media (checked on every allocate, so the order in which modules load does not
 * matter) the hooks fall back to {@link placeholderMediaHooks}: port numbers only.
 *
 * The port is made with the first G.711 codec of the profile's preference list for the call's
 * direction and the profile's `rfc2833-pt`; each finished offer/answer then switches it to the
 * negotiated codec (RtpPort.setCodec: PCMU, PCMA, G.722, opus on its negotiated payload type). The
 * telephone-event payload type stays fixed; a peer that uses another one gets a warning.
 *
 * With `dtmf-type` info the port's DTMF mode is `signal`: digits for the far end become engine
 * `dtmf-relay` events, which these hooks send as SIP INFO in the call's dialog (info-dtmf.ts).
 *
 * `rtp-timeout-sec` becomes the port's media timeout: an answered call that receives no RTP for
 * that long, while the far end is meant to send, is hung up with MEDIA_TIMEOUT. The engine counts
 * from when the port opens and reports once per silence, so a timeout that falls before the
 * answer is ignored and only a later silence (after packets have flowed) ends the call.
 */
import { errorMessage } from '../../core/errors.js';
import { channelMediaOf } from '../../media/channel-media.js';
import type { MediaEngine } from '../../media/media-engine.js';
import type { DtmfMode, RtpCodecName } from '../../media/media-addon.js';
import type { DtmfEvent, MediaEngineEvents, MediaTimeoutEvent } from '../../media/media-events.js';
import type { RtpPort } from '../../media/media-port.js';
import type { CodecName, Negotiation } from '../../sip/sdp/index.js';
import { sendInfoDigit } from './info-dtmf.js';
import { type MediaCallInfo, type MediaHooks, placeholderMediaHooks } from './media-hooks.js';
import type { SipProfile } from './profile.js';

type G711 = 'PCMU' | 'PCMA';

/** The slice of a profile the hooks use; narrow so tests and other endpoints can provide it. */
export type SipMediaProfile = Pick<SipProfile, 'core' | 'cfg' | 'log' | 'ports' | 'calls'>;

/** The first G.711 codec in `list`; PCMU when there is none. */
export function preferredG711(list: readonly string[]): G711 {
  for (const name of list) {
    if (name === 'PCMU' || name === 'PCMA') return name;
  }
  return 'PCMU';
}

/** The address RTP sockets bind to: rtp-ip, else sip-ip (ext-rtp-ip is only written in SDP). */
export function rtpBindIp(profile: SipMediaProfile): string {
  const s = profile.cfg.settings;
  return s['rtp-ip'] ?? s['sip-ip'];
}

interface EnginePort {
  port: RtpPort;
  /** Opus's payload type on the port (the other codecs have static ones). */
  codecPt?: number;
  dtmfPt: number;
  /** False while the far end is not meant to send (we are sendonly or inactive: held). */
  expectRtp: boolean;
}

/** Hooks that give SIP channels engine RTP ports when mod_media is loaded. */
export function sipMediaHooks(profile: SipMediaProfile): MediaHooks {
  const fallback = placeholderMediaHooks(profile.ports);
  const ports = new Map<string, EnginePort>();
  const timeoutMs = profile.cfg.settings['rtp-timeout-sec'] * 1000;
  const timeouts = mediaTimeoutWatch(profile, ports);
  const infoDigits = engineWatch('dtmf-relay', (ev: DtmfEvent) => {
    const host = profile.calls.get(ev.uuid)?.inDialog?.host;
    if (ports.has(ev.uuid) && host !== undefined) sendInfoDigit(host, ev);
  });

  const codecFor = (uuid: string): G711 => {
    const outbound = profile.core.sessions.get(uuid)?.channel.direction === 'outbound';
    return preferredG711(outbound ? profile.cfg.outboundCodecs : profile.cfg.inboundCodecs);
  };

  return {
    allocate(call, ip) {
      const have = ports.get(call.uuid);
      if (have !== undefined) return { ip, port: have.port.localPort };
      const media = channelMediaOf(profile.core);
      if (media === undefined) return fallback.allocate(call, ip);
      const codec = codecFor(call.uuid);
      const dtmfPt = profile.cfg.settings['rfc2833-pt'];
      const dtmfMode: DtmfMode = profile.cfg.settings['dtmf-type'] === 'info' ? 'signal' : 'rfc4733';
      let port: RtpPort;
      try {
        port = media.engine.createRtpPort(call.uuid, {
          ip: rtpBindIp(profile),
          codec,
          ptime: 20,
          latch: true,
          dtmfPayloadType: dtmfPt,
          dtmfMode,
          mediaTimeoutMs: timeoutMs,
        });
      } catch (err) {
        profile.log.warn(`no RTP port for ${call.uuid}: ${errorMessage(err)}`, { uuid: call.uuid });
        return undefined;
      }
      try {
        media.attach(call.uuid, port);
      } catch (err) {
        void port.close();
        profile.log.warn(`channel ${call.uuid} cannot take an RTP port: ${errorMessage(err)}`, {
          uuid: call.uuid,
        });
        return undefined;
      }
      ports.set(call.uuid, { port, dtmfPt, expectRtp: true });
      if (timeoutMs > 0) timeouts.watch(media.engine);
      if (dtmfMode === 'signal') infoDigits.watch(media.engine);
      return { ip, port: port.localPort };
    },

    negotiated(call, n) {
      const have = ports.get(call.uuid);
      if (have === undefined) {
        fallback.negotiated(call, n);
        return;
      }
      applyNegotiation(profile, call, have, n);
    },

    release(call) {
      const have = ports.get(call.uuid);
      if (have === undefined) {
        fallback.release(call);
        return;
      }
      ports.delete(call.uuid);
      if (ports.size === 0) {
        timeouts.unwatch();
        infoDigits.unwatch();
      }
      const media = channelMediaOf(profile.core);
      if (media?.get(call.uuid)?.main === have.port) {
        void media.detach(call.uuid);
      } else {
        void have.port.close();
      }
    },
  };
}

/** Points the port at the negotiated remote address and reports what the port cannot follow. */
function applyNegotiation(
  profile: SipMediaProfile,
  call: MediaCallInfo,
  have: EnginePort,
  n: Negotiation,
): void {
  if (have.port.closed || n.rejected) return;
  have.expectRtp = n.direction === 'sendrecv' || n.direction === 'recvonly';
  const meta = { uuid: call.uuid };
  if (n.remote !== undefined && n.remote.port > 0 && n.remote.ip !== '0.0.0.0') {
    try {
      have.port.setRemote(n.remote.ip, n.remote.port);
    } catch (err) {
      profile.log.warn(`RTP remote ${n.remote.ip}:${n.remote.port} refused: ${errorMessage(err)}`, meta);
    }
  }
  const codec = n.codec === undefined ? undefined : ENGINE_CODECS[n.codec.name];
  if (n.codec !== undefined && codec !== undefined) {
    // The PT we send with; an answer to an offer reuses the offerer's numbers (RFC 3264 §6.1), so
    // it is also the one we receive on.
    const pt = codec === 'OPUS' ? n.codec.pt : 111;
    if (codec !== have.port.codec || (codec === 'OPUS' && pt !== have.codecPt)) {
      try {
        have.port.setCodec(codec, pt);
        have.codecPt = pt;
      } catch (err) {
        profile.log.warn(`${call.uuid}: RTP port cannot switch to ${codec}: ${errorMessage(err)}`, meta);
      }
    }
  }
  const te = n.telephoneEventPt;
  if (te !== undefined && te !== have.dtmfPt) {
    profile.log.warn(
      `${call.uuid}: the far end uses telephone-event payload type ${te}, the RTP port ${have.dtmfPt}; ` +
        `set rfc2833-pt to ${te} for its RFC 4733 digits`,
      meta,
    );
  }
}

/** The engine's name of each SDP audio codec. */
const ENGINE_CODECS: Readonly<Record<CodecName, RtpCodecName | undefined>> = {
  PCMU: 'PCMU',
  PCMA: 'PCMA',
  G722: 'G722',
  G729: 'G729',
  opus: 'OPUS',
  'telephone-event': undefined,
};

/** Holds one engine listener while it is wanted, so an idle profile holds none. */
function engineWatch<K extends 'dtmf-relay' | 'media-timeout'>(
  name: K,
  listener: (ev: MediaEngineEvents[K][0]) => void,
): { watch(engine: MediaEngine): void; unwatch(): void } {
  let engine: MediaEngine | undefined;
  const unwatch = (): void => {
    engine?.off(name, listener as never);
    engine = undefined;
  };
  return {
    watch(e) {
      if (engine === e) return;
      unwatch();
      engine = e;
      e.on(name, listener as never);
    },
    unwatch,
  };
}

/**
 * Listens for the engine's media-timeout events while the hooks have ports (so an idle profile
 * holds no listener on the engine) and hangs up the answered calls that went silent.
 */
function mediaTimeoutWatch(
  profile: SipMediaProfile,
  ports: ReadonlyMap<string, EnginePort>,
): { watch(engine: MediaEngine): void; unwatch(): void } {
  return engineWatch('media-timeout', (ev: MediaTimeoutEvent) => {
    const have = ports.get(ev.uuid);
    const session = profile.core.sessions.get(ev.uuid);
    if (have === undefined || !have.expectRtp || session === undefined || !session.channel.answered) return;
    profile.log.warn(`no RTP for ${ev.timeoutMs} ms on ${session.channel.name}; hanging up`, {
      uuid: ev.uuid,
    });
    session.hangup('MEDIA_TIMEOUT');
  });
}
