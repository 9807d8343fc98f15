/**
 * Media for a loopback pair, when mod_media is loaded: each leg gets an RTP port on 127.0.0.1 and
 * the two ports send to each other. RTP rather than two bridged memory ports because it keeps
 * each leg's main port free for the applications to connect to, and because the engine detects
 * DTMF only as RFC 4733 events on RTP ports, so send_dtmf on one leg reaches read on the other.
 */
import type { Core } from '../../core/core.js';
import type { Session } from '../../core/session.js';
import { errorMessage } from '../../core/errors.js';
import { channelMediaOf, type ChannelMedia } from '../../media/channel-media.js';

/**
 * Gives both legs media; does nothing when the core has no mod_media. When the ports cannot be
 * made (RTP port range used up) the call goes on without audio and a warning says why.
 */
export function attachLoopbackMedia(core: Core, a: Session, b: Session): void {
  const media = channelMediaOf(core);
  if (!media) return;
  try {
    attachPorts(media, a, b);
  } catch (err) {
    a.log.warn(`loopback: no media for ${a.channel.name}: ${errorMessage(err)}`, { uuid: a.uuid });
  }
}

function attachPorts(media: ChannelMedia, a: Session, b: Session): void {
  const pa = media.engine.createRtpPort(a.uuid, { ip: '127.0.0.1', ptime: 20 });
  let pb;
  try {
    pb = media.engine.createRtpPort(b.uuid, { ip: '127.0.0.1', ptime: 20 });
  } catch (err) {
    void pa.close();
    throw err;
  }
  pa.setRemote(pb.localIp, pb.localPort);
  pb.setRemote(pa.localIp, pa.localPort);
  media.attach(a.uuid, pa);
  media.attach(b.uuid, pb);
}
