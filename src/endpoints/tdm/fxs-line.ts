/**
 * An FXS (station) port: a phone hangs on it.
 *
 * - Phone off-hook: dial tone from the port's tone country, then digits detected in-band by the
 *   TDM media port (spandsp dtmf_rx) or dialled by pulses (the card's PULSEDIGIT), ended by a
 *   digit-map match, `#`, or the inter-digit timeout; then an inbound channel routes the digits
 *   in the port's context.
 * - A call to the port rings it (the card's ring cadence; on the loop card with DTMF caller ID
 *   before the first ring) and answers when the phone goes off-hook.
 * - When the far end leaves first: an open switch interval (loop current drop, if
 *   `loop-drop-on-hangup`), then busy or reorder tone until the phone hangs up.
 */
import { errorMessage } from '../../core/errors.js';
import type { HangupCause } from '../../core/hangup-cause.js';
import type { Session } from '../../core/session.js';
import type { MediaLeg } from '../../media/channel-media.js';
import type { TdmPort } from '../../media/tdm-port.js';
import { buildCallerId } from '../../tdm/caller-id.js';
import type { TdmEvent } from '../../tdm/index.js';
import { dtmfTone } from './fxo-line.js';
import { LineState } from './tdm-line-state.js';
import { TdmLine } from './tdm-line.js';

const S = LineState;

/** GR-30: FSK caller ID starts at least 500 ms after the first ring ends. */
const FSK_AFTER_RING_MS = 500;
/** DTMF caller ID: 70 ms tones and gaps, then the first ring this long after the last digit. */
const DTMF_CID_MS = 70;
const DTMF_CID_RING_DELAY_MS = 300;

export class FxsLine extends TdmLine {
  /** Aborts digit collection when the phone hangs up during dial tone. */
  #collect: AbortController | undefined;
  #pendingUuid: string | undefined;
  /** FSK caller ID the engine sends after the first ring (cards without their own generator). */
  #fskAfterRing: { port: TdmPort; standard: 'bell202' | 'v23'; message: Uint8Array } | undefined;

  start(): Promise<void> {
    return Promise.resolve();
  }

  onEvent(ev: TdmEvent): void {
    if (ev.type === 'RINGOFFHOOK') {
      if (this.state === S.idle) void this.#offHook();
      else if (this.state === S.ringing) this.#answeredByPhone();
    } else if (ev.type === 'ONHOOK') {
      void this.#onHook();
    } else if (ev.type === 'PULSEDIGIT' && this.state === S.dialtone && this.#pendingUuid) {
      // A rotary phone: the card counted the breaks; the digit joins the in-band ones.
      const digit = String.fromCharCode(ev.value);
      if (/^[0-9]$/.test(digit)) this.media?.get(this.#pendingUuid)?.pushDigit({ digit, durationMs: 0 });
    } else if (ev.type === 'RINGEROFF' && this.state === S.ringing && this.#fskAfterRing) {
      const { port, standard, message } = this.#fskAfterRing;
      this.#fskAfterRing = undefined;
      try {
        if (!port.closed) port.sendFsk(standard, message, FSK_AFTER_RING_MS);
      } catch (err) {
        this.log.warn(`${this.name}: caller ID not sent: ${errorMessage(err)}`);
      }
    }
  }

  async #offHook(): Promise<void> {
    this.transition(S.dialtone);
    this.counters.callsOut++;
    const uuid = this.host.core.newUuid();
    this.#pendingUuid = uuid;
    const leg = this.attachCallMedia(uuid);
    const abort = new AbortController();
    this.#collect = abort;
    let digits = '';
    try {
      digits = await this.#collectDigits(leg, abort.signal);
    } catch (err) {
      this.log.warn(`${this.name}: digit collection failed: ${errorMessage(err)}`);
    }
    this.#collect = undefined;
    if (abort.signal.aborted || this.state !== S.dialtone) return;
    if (leg === undefined) digits = 's';
    if (digits === '') {
      // Nothing dialled in time: reorder until the phone hangs up, as an exchange does.
      this.#pendingUuid = undefined;
      await this.media?.detach(uuid);
      this.transition(S.hangupTone);
      await this.ownPort('reorder', this.repeatingTone('reorder'));
      return;
    }
    this.#pendingUuid = undefined;
    this.#route(uuid, digits);
  }

  async #collectDigits(leg: MediaLeg | undefined, signal: AbortSignal): Promise<string> {
    if (!leg) return '';
    const p = this.cfg.params;
    const tone = this.repeatingTone('dial');
    const player = tone ? leg.own(leg.engine.createPlayer(leg.uuid, { tone })) : undefined;
    if (player) leg.connect(player);
    let digits = '';
    let timeout = p['first-digit-timeout'];
    for (;;) {
      const d = await leg.nextDigit(timeout, signal);
      if (!d) break;
      if (player && digits === '') await leg.release(player); // the first digit stops dial tone
      if (d.digit === '#' && digits !== '') break;
      digits += d.digit;
      if (this.cfg.digitMap?.test(digits)) break;
      timeout = p['interdigit-timeout'];
    }
    if (player && !player.closed) await leg.release(player);
    return digits;
  }

  #route(uuid: string, digits: string): void {
    const p = this.cfg.params;
    const s = this.host.core.newSession(this.host.endpoint, {
      name: this.name,
      direction: 'inbound',
      profile: {
        caller_id_number:
          p['caller-id-number'] || `${this.cfg.span}${String(this.cfg.channel).padStart(2, '0')}`,
        caller_id_name: p['caller-id-name'] || this.name,
        destination_number: digits,
        context: p.context,
        dialplan: p.dialplan,
        network_addr: '',
      },
      variables: new Map([
        ['origination_uuid', uuid],
        ['tdm_span', String(this.cfg.span)],
        ['tdm_channel', String(this.cfg.channel)],
      ]),
    });
    this.takeSession(s);
    this.transition(S.up);
    this.log.info(`${this.name}: phone dialled ${digits}`, { uuid });
    s.start();
    // The phone is already off-hook: the call leg is answered from the line's point of view
    // once the dialplan answers it (receiveMessage answer is a no-op here).
  }

  #answeredByPhone(): void {
    const s = this.session;
    this.#fskAfterRing = undefined;
    this.transition(S.up);
    this.hook('OFFHOOK'); // answer: battery reversal on cards that do it
    s?.channel.markAnswered();
  }

  async #onHook(): Promise<void> {
    const st = this.state;
    if (st === S.dialtone) {
      this.#collect?.abort();
      const uuid = this.#pendingUuid;
      this.#pendingUuid = undefined;
      this.transition(S.idle);
      if (uuid) await this.media?.detach(uuid);
    } else if (st === S.up) {
      const s = this.session;
      this.transition(S.idle);
      // Hang up before the media goes: applications waiting on the leg must see the hangup first.
      s?.hangup('NORMAL_CLEARING');
      await this.endCall();
    } else if (st === S.hangupTone) {
      this.transition(S.idle);
      await this.releaseOwnPort();
    }
  }

  async outgoing(session: Session, _number: string): Promise<void> {
    this.transition(S.ringing);
    this.counters.callsIn++;
    this.takeSession(session);
    const leg = this.attachCallMedia(session.uuid);
    const number = session.channel.profile.caller_id_number;
    const cid = this.cfg.params['caller-id'];
    const byCard = this.card.kind === 'loop' && this.cfg.params['caller-id-generator'] === 'auto';
    if (!byCard && cid !== 'none' && number !== '' && leg) {
      // The engine generates caller ID into the call's TDM port: DTMF before the first ring, FSK
      // in the silence after it (GR-30; chan_dahdi sends its "CID spill" on RINGEROFF alike).
      const port = leg.main as TdmPort;
      const name = session.channel.profile.caller_id_name;
      if (cid === 'dtmf') {
        const digits = `A${number.replace(/[^0-9*#]/g, '')}C`;
        const player = leg.own(leg.engine.createPlayer(leg.uuid, { tone: dtmfTone(digits, DTMF_CID_MS) }));
        leg.connect(player);
        const ok = await session.sleep(digits.length * 2 * DTMF_CID_MS + DTMF_CID_RING_DELAY_MS);
        if (!player.closed) await leg.release(player);
        if (!ok || this.session !== session) return;
      } else {
        const format = this.cfg.params['caller-id-format'];
        if (this.cfg.params['caller-id-start'] === 'polarity') {
          this.log.warn(
            `${this.name}: caller ID before ringing (polarity) is not generated; sent after the first ring`,
          );
        }
        this.#fskAfterRing = { port, standard: cid, message: buildCallerId({ format, number, name }) };
      }
      this.hook('RING');
    } else if (byCard && cid !== 'none' && number !== '') {
      const fsk = cid === 'bell202' || cid === 'v23';
      this.card.ringWithCallerId(this.cfg.channel, number, {
        mode: cid,
        name: session.channel.profile.caller_id_name,
        ...(fsk
          ? { format: this.cfg.params['caller-id-format'], start: this.cfg.params['caller-id-start'] }
          : {}),
      });
    } else {
      this.hook('RING');
    }
    session.channel.markRinging();
    return Promise.resolve();
  }

  answer(): boolean {
    return true;
  }

  async kill(session: Session, _cause: HangupCause): Promise<void> {
    if (this.session !== session) return;
    const st = this.state;
    this.#fskAfterRing = undefined;
    await this.endCall();
    if (st === S.ringing) {
      this.hook('RINGOFF');
      this.transition(S.idle);
      return;
    }
    if (st !== S.up) return;
    // The phone is still off-hook: signal the disconnect, then tone until it hangs up.
    this.transition(S.hangupTone);
    if (this.cfg.params['loop-drop-on-hangup']) this.hook('ONHOOK');
    const kind = this.cfg.params['hangup-tone'];
    if (kind !== 'none') await this.ownPort(kind, this.repeatingTone(kind));
  }
}
