/**
 * DTMF carried in SIP INFO requests (dtmf-type=info): the `application/dtmf-relay` body that
 * Cisco introduced and most gateways speak (`Signal=5`, `Duration=160` in ms), and the bare
 * `application/dtmf` body (`5`). There is no RFC for either body; RFC 6086 §4 lets INFO carry them
 * inside a dialog.
 *
 *     INFO received ──> digit queued on the channel, DTMF fired (DTMF-Source: INFO)
 *                  └──> the channel's RTP port hands it to its bridge peer (the peer's own mode)
 *     engine dtmf-relay on a port in `signal` mode ──> INFO sent in that call's dialog
 *
 * The media engine does the relay between bridged legs, so a digit from an INFO leg reaches an
 * RFC 4733 leg, an in-band leg or another INFO leg the same way RTP digits do.
 */
import type { Core } from '../../core/core.js';
import { errorMessage } from '../../core/errors.js';
import { channelMediaOf } from '../../media/channel-media.js';
import { RtpPort } from '../../media/media-port.js';
import type { SipRequest } from '../../sip/messages/index.js';
import type { ServerTransaction } from '../../sip/transaction/index.js';
import type { InDialogHost } from './in-dialog.js';

/** A digit read from an INFO body. */
export interface InfoDigit {
  digit: string;
  durationMs: number;
}

/** Default length of a digit whose INFO names none (FreeSWITCH uses the same). */
export const DEFAULT_INFO_DURATION_MS = 160;

const EVENT_DIGITS = '0123456789*#ABCD';

/** One digit from `text`: a character of 0-9 * # A-D, or its RFC 4733 event number 0-15. */
function digitOf(text: string): string | undefined {
  const t = text.trim().toUpperCase();
  if (t.length === 1 && EVENT_DIGITS.includes(t)) return t;
  if (/^\d{1,2}$/.test(t)) return EVENT_DIGITS[Number(t)];
  return undefined;
}

/**
 * Reads the digit of an INFO. `undefined` when the body is not DTMF (another INFO package, or an
 * empty keepalive INFO); an `error` text when it claims to be DTMF but cannot be read.
 */
export function parseInfoDtmf(req: SipRequest): InfoDigit | { error: string } | undefined {
  const type = req.contentType?.split(';')[0]?.trim().toLowerCase();
  const body = req.body.toString('utf8');
  if (type === 'application/dtmf') {
    const digit = digitOf(body);
    return digit === undefined
      ? { error: 'application/dtmf body is not one digit' }
      : { digit, durationMs: DEFAULT_INFO_DURATION_MS };
  }
  if (type !== 'application/dtmf-relay') return undefined;
  let digit: string | undefined;
  let durationMs = DEFAULT_INFO_DURATION_MS;
  for (const line of body.split(/\r?\n/)) {
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq).trim().toLowerCase();
    const value = line.slice(eq + 1).trim();
    if (key === 'signal') digit = digitOf(value);
    if (key === 'duration') {
      const n = Number(value);
      if (!Number.isFinite(n) || n <= 0) return { error: `dtmf-relay Duration "${value}" is not a number` };
      durationMs = Math.min(8000, Math.max(40, Math.round(n)));
    }
  }
  if (digit === undefined) return { error: 'dtmf-relay body has no Signal= digit' };
  return { digit, durationMs };
}

/** Answers an INFO in a call: 200 (a digit is delivered when it carries one), 400 for a bad body. */
export function handleInfo(host: InDialogHost, req: SipRequest, tx: ServerTransaction): void {
  const parsed = parseInfoDtmf(req);
  if (parsed !== undefined && 'error' in parsed) {
    host.profile.reply(tx, 400, `Bad DTMF: ${parsed.error}`);
    return;
  }
  host.profile.reply(tx, 200);
  if (parsed !== undefined) deliverDigit(host.profile.core, host.session.uuid, parsed);
}

/**
 * Queues the digit on channel `uuid` and fires DTMF, as digits from RTP are; with media, the
 * channel's RTP port passes it to the bridged leg.
 */
export function deliverDigit(core: Core, uuid: string, d: InfoDigit): void {
  const leg = channelMediaOf(core)?.get(uuid);
  if (leg !== undefined && !leg.closed) {
    leg.pushDigit({ digit: d.digit, durationMs: d.durationMs });
    if (leg.main instanceof RtpPort && !leg.main.closed) {
      try {
        leg.main.injectDtmf(d.digit, d.durationMs);
      } catch (err) {
        core.log.warn(`INFO digit ${d.digit} not relayed: ${errorMessage(err)}`, { uuid });
      }
    }
  }
  core.sessions.get(uuid)?.channel.fire('DTMF', (e) => {
    e.addHeader('DTMF-Digit', d.digit);
    e.addHeader('DTMF-Duration', String(d.durationMs * 8));
    e.addHeader('DTMF-Source', 'INFO');
  });
}

/** Sends one digit as an `application/dtmf-relay` INFO in the call's dialog. */
export function sendInfoDigit(host: InDialogHost, d: InfoDigit): void {
  const req = host.dialog.createRequest('INFO');
  req.addHeader('Content-Type', 'application/dtmf-relay');
  req.body = Buffer.from(`Signal=${d.digit}\r\nDuration=${d.durationMs}\r\n`);
  const where = host.session.channel.name;
  host.profile.layer.sendRequest(req, host.hop(), {
    onResponse: (res) => {
      if (res.status >= 300) host.profile.log.warn(`INFO digit ${d.digit} on ${where} got ${res.status}`);
    },
    onTimeout: () => host.profile.log.warn(`INFO digit ${d.digit} on ${where} timed out`),
    onTransportError: () => host.profile.log.warn(`INFO digit ${d.digit} on ${where} could not be sent`),
  });
}
