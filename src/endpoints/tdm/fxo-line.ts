/**
 * An FXO (trunk) port: it faces an exchange, or on the loop card the FXS port it is wired to.
 *
 * Inbound: ring bursts (RINGERON/RINGEROFF) are counted; after `rings-before-answer` bursts an
 * inbound channel routes the port's `did` in its context, with the caller ID the idle-time monitor
 * port heard: DTMF `A<number>C` before the first ring, or an FSK message (Bell 202 or V.23,
 * decoded in the media thread) after the first ring or after a polarity reversal, as
 * `caller-id-start` says. With FSK after the first ring, the call is offered once the message
 * is in, or at the second ring without it. Answer = seize the line (off-hook). No ring for
 * `ring-timeout` means the caller gave up.
 *
 * Outbound: seize, wait for dial tone (`wait-for-dial-tone`, detected in the media thread) or a
 * fixed `dial-delay`, dial the number as in-band DTMF through the media engine (a real line only
 * understands tones), then answer supervision (`immediate`, `polarity`, or `delay:<ms>`).
 *
 * Disconnect supervision holds for the whole call: a loop current drop (ONHOOK), a battery
 * reversal, busy/reorder/disconnect tone by frequency and cadence, or `silence-timeout`, as
 * `disconnect-supervision` allows (fxo-supervision.ts).
 */
import { errorMessage } from '../../core/errors.js';
import type { HangupCause } from '../../core/hangup-cause.js';
import type { Session } from '../../core/session.js';
import type { CallerIdEvent, DtmfEvent, SilenceEvent, ToneEvent } from '../../media/media-events.js';
import type { TdmPortOptions } from '../../media/tdm-port.js';
import type { ToneSpec } from '../../media/tone-spec.js';
import { parseCallerIdHex } from '../../tdm/caller-id.js';
import type { TdmEvent } from '../../tdm/index.js';
import { fxoSupervision } from './fxo-supervision.js';
import { LineState } from './tdm-line-state.js';
import { TdmLine } from './tdm-line.js';

const S = LineState;

/** With FSK after the first ring: how long to wait for the message when no second ring comes. */
const FSK_WAIT_MS = 4000;
/** With `caller-id-start=polarity`: how long after the reversal an FSK message is taken. */
const POLARITY_CID_MS = 5000;

/** ITU-T Q.23 row and column frequencies. */
const DTMF: Record<string, [number, number]> = {
  '1': [697, 1209], '2': [697, 1336], '3': [697, 1477], A: [697, 1633],
  '4': [770, 1209], '5': [770, 1336], '6': [770, 1477], B: [770, 1633],
  '7': [852, 1209], '8': [852, 1336], '9': [852, 1477], C: [852, 1633],
  '*': [941, 1209], '0': [941, 1336], '#': [941, 1477], D: [941, 1633],
}; // prettier-ignore

/** The tone that dials `digits` with `onMs` per digit and as long a gap. */
export function dtmfTone(digits: string, onMs: number): ToneSpec {
  return {
    segments: [...digits].map((d) => {
      const [f1, f2] = DTMF[d] ?? [0, 0];
      return { onMs, offMs: onMs, f1, f2, levelDbm0: -8 };
    }),
    loops: 1,
  };
}

export class FxoLine extends TdmLine {
  #rings = 0;
  #ringTimer: NodeJS.Timeout | undefined;
  #cid = { collecting: false, number: '', name: '' };
  #monitorUuid = '';
  /** Card time is not needed: FSK is accepted until this Date.now() (polarity start). */
  #fskArmedUntil = 0;
  #fskOffer: NodeJS.Timeout | undefined;
  #callPortId = -1;
  #dialToneWaiter: (() => void) | undefined;
  readonly #onDtmf = (ev: DtmfEvent): void => this.#cidDigit(ev);
  readonly #onCallerId = (ev: CallerIdEvent): void => this.#cidFsk(ev);
  readonly #onTone = (ev: ToneEvent): void => this.#tone(ev);
  readonly #onSilence = (ev: SilenceEvent): void => {
    if (this.#isCallPort(ev)) this.#farEndGone(`silence for ${ev.timeoutMs} ms`);
  };
  #polarityWaiter: (() => void) | undefined;

  get #fsk(): 'bell202' | 'v23' | undefined {
    const c = this.cfg.params['caller-id'];
    return c === 'bell202' || c === 'v23' ? c : undefined;
  }

  async start(): Promise<void> {
    this.engine?.on('dtmf', this.#onDtmf);
    this.engine?.on('caller-id', this.#onCallerId);
    this.engine?.on('tone', this.#onTone);
    this.engine?.on('silence', this.#onSilence);
    await this.#monitor();
  }

  override async stop(): Promise<void> {
    clearTimeout(this.#ringTimer);
    clearTimeout(this.#fskOffer);
    this.engine?.off('dtmf', this.#onDtmf);
    this.engine?.off('caller-id', this.#onCallerId);
    this.engine?.off('tone', this.#onTone);
    this.engine?.off('silence', this.#onSilence);
    await super.stop();
  }

  /** While idle, a port listens for caller ID: DTMF before the first ring, or FSK. */
  async #monitor(): Promise<void> {
    this.#cid = { collecting: false, number: '', name: '' };
    this.#fskArmedUntil = 0;
    const fsk = this.#fsk;
    if (this.cfg.params['caller-id'] !== 'dtmf' && !fsk) return;
    const port = await this.ownPort('cid', undefined, fsk ? { fsk, detectDtmf: false } : {});
    this.#monitorUuid = port?.uuid ?? '';
  }

  /** An FSK message on the monitor port, taken when the standard's start signal came first. */
  #cidFsk(ev: CallerIdEvent): void {
    if (ev.uuid !== this.#monitorUuid || this.#monitorUuid === '') return;
    const byPolarity = this.cfg.params['caller-id-start'] === 'polarity';
    const armed = byPolarity
      ? Date.now() <= this.#fskArmedUntil
      : this.state === S.incoming && this.#rings >= 1;
    if (!armed) {
      this.log.debug(`${this.name}: FSK caller ID outside its window ignored`);
      return;
    }
    try {
      const m = parseCallerIdHex(ev.hex);
      const number = m.number !== '' ? m.number : (m.numberAbsent ?? '');
      this.#cid = { collecting: false, number, name: m.name !== '' ? m.name : (m.nameAbsent ?? '') };
      this.log.info(
        `${this.name}: ${ev.standard} ${m.format} caller ID "${this.#cid.name}" <${number}> ${m.dateTime}`,
      );
    } catch (err) {
      this.log.warn(`${this.name}: FSK caller ID not read: ${errorMessage(err)}`);
      return;
    }
    if (this.#fskOffer !== undefined) this.#offerNow();
  }

  #cidDigit(ev: DtmfEvent): void {
    if (ev.uuid !== this.#monitorUuid || this.#monitorUuid === '') return;
    if (ev.digit === 'A' || ev.digit === 'D') this.#cid = { collecting: true, number: '', name: '' };
    else if (ev.digit === 'C' || ev.digit === '#') this.#cid.collecting = false;
    else if (this.#cid.collecting) this.#cid.number += ev.digit;
  }

  onEvent(ev: TdmEvent): void {
    switch (ev.type) {
      case 'RINGERON':
        if (this.state === S.idle) {
          this.transition(S.incoming);
          this.#rings = 0;
        }
        if (this.#fskOffer !== undefined) this.#offerNow(); // the second ring: no FSK came
        this.#armRingTimer();
        break;
      case 'RINGEROFF':
        if (this.state !== S.incoming && this.state !== S.offered) break;
        this.#rings++;
        this.#armRingTimer();
        if (this.state === S.incoming && this.#rings >= this.cfg.params['rings-before-answer']) {
          const fskAfterRing = this.#fsk && this.cfg.params['caller-id-start'] === 'ring';
          if (fskAfterRing && this.#rings === 1 && this.#cid.number === '') {
            // The message comes in this silence: offer when it is in, or at the next ring.
            this.#fskOffer = setTimeout(() => this.#offerNow(), FSK_WAIT_MS);
          } else {
            this.#offerNow();
          }
        }
        break;
      case 'ONHOOK':
        if (this.cfg.disconnect.has('loop-drop')) this.#farEndGone('loop current drop');
        break;
      case 'POLARITY':
        if (this.state === S.idle && this.cfg.params['caller-id-start'] === 'polarity') {
          this.#fskArmedUntil = Date.now() + POLARITY_CID_MS;
        }
        if (this.state === S.proceeding && this.#polarityWaiter) this.#polarityWaiter();
        else if (this.state === S.up && this.cfg.disconnect.has('polarity'))
          this.#farEndGone('polarity reversal');
        break;
      default:
        break;
    }
  }

  #offerNow(): void {
    clearTimeout(this.#fskOffer);
    this.#fskOffer = undefined;
    if (this.state !== S.incoming) return;
    void this.#offer().catch((err: unknown) =>
      this.log.error(`${this.name}: inbound call failed: ${errorMessage(err)}`),
    );
  }

  #armRingTimer(): void {
    clearTimeout(this.#ringTimer);
    this.#ringTimer = setTimeout(() => void this.#ringStopped(), this.cfg.params['ring-timeout']);
  }

  async #ringStopped(): Promise<void> {
    clearTimeout(this.#fskOffer);
    this.#fskOffer = undefined;
    if (this.state === S.incoming) {
      this.transition(S.idle);
      await this.#monitor();
    } else if (this.state === S.offered) {
      this.session?.hangup('ORIGINATOR_CANCEL');
    }
  }

  #farEndGone(why: string, cause: HangupCause = 'NORMAL_CLEARING'): void {
    const busy = [S.seizing, S.dialing, S.proceeding, S.up].includes(this.state as never);
    if (!busy || !this.session) return;
    this.log.info(`${this.name}: far end hung up (${why})`, { uuid: this.session.uuid });
    this.session.setVariable('tdm_disconnect_reason', why);
    this.session.hangup(cause);
  }

  #isCallPort(ev: { uuid: string; portId: number }): boolean {
    return this.session !== undefined && ev.uuid === this.session.uuid && ev.portId === this.#callPortId;
  }

  /** Tones on the call's port: dial tone while seizing, disconnect tones for the whole call. */
  #tone(ev: ToneEvent): void {
    if (!this.#isCallPort(ev)) return;
    if (ev.name === 'dial') {
      this.#dialToneWaiter?.();
      return;
    }
    if (!this.cfg.disconnect.has('tone')) return;
    // Before answer the tone says why the call failed; after it, only that the far end left.
    const answered = this.session?.channel.answered ?? false;
    const cause: HangupCause =
      answered || ev.name === 'disconnect'
        ? 'NORMAL_CLEARING'
        : ev.name === 'busy'
          ? 'USER_BUSY'
          : 'NORMAL_CIRCUIT_CONGESTION';
    this.#farEndGone(`${ev.name} tone`, cause);
  }

  protected override callPortOptions(): TdmPortOptions {
    return {
      ...super.callPortOptions(),
      ...fxoSupervision(
        this.cfg,
        (k) => this.tone(k),
        (text) => this.log.warn(`${this.name}: ${text}`),
      ),
    };
  }

  /** Waits up to `ms` for the dial tone event; false on timeout or hang-up. */
  #waitDialTone(session: Session, ms: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const done = (heard: boolean): void => {
        clearTimeout(timer);
        this.#dialToneWaiter = undefined;
        session.channel.hangupSignal.removeEventListener('abort', gone);
        resolve(heard);
      };
      const gone = (): void => done(false);
      const timer = setTimeout(() => done(false), ms);
      this.#dialToneWaiter = () => done(true);
      session.channel.hangupSignal.addEventListener('abort', gone, { once: true });
    });
  }

  async #offer(): Promise<void> {
    this.transition(S.offered);
    this.counters.callsIn++;
    const cid = this.#cid.number;
    const cidName = this.#cid.name !== '' ? this.#cid.name : cid;
    await this.releaseOwnPort(); // the monitor; the call gets its own port
    this.#monitorUuid = '';
    const p = this.cfg.params;
    const s = this.host.core.newSession(this.host.endpoint, {
      name: this.name,
      direction: 'inbound',
      profile: {
        caller_id_number: cid,
        caller_id_name: cidName,
        destination_number: p.did,
        context: p.context,
        dialplan: p.dialplan,
        network_addr: '',
      },
      variables: new Map([
        ['tdm_span', String(this.cfg.span)],
        ['tdm_channel', String(this.cfg.channel)],
      ]),
    });
    this.takeSession(s);
    this.#callPortId = this.attachCallMedia(s.uuid)?.main.id ?? -1;
    this.log.info(`${this.name}: incoming call from "${cid}" after ${this.#rings} ring(s)`, { uuid: s.uuid });
    s.start();
  }

  answer(session: Session): boolean {
    if (this.session !== session) return false;
    if (this.state === S.offered) {
      clearTimeout(this.#ringTimer);
      this.hook('OFFHOOK');
      this.transition(S.up);
    }
    return true;
  }

  async outgoing(session: Session, number: string): Promise<void> {
    this.transition(S.seizing);
    this.counters.callsOut++;
    this.takeSession(session);
    await this.releaseOwnPort();
    this.#monitorUuid = '';
    this.hook('OFFHOOK');
    const leg = this.attachCallMedia(session.uuid);
    this.#callPortId = leg?.main.id ?? -1;
    const p = this.cfg.params;
    const wait = p['wait-for-dial-tone'];
    if (wait > 0 && leg) {
      const heard = await this.#waitDialTone(session, wait);
      if (this.session !== session || !session.channel.up) return;
      if (!heard) {
        this.log.warn(`${this.name}: no dial tone within ${wait} ms; the call fails`, { uuid: session.uuid });
        this.counters.failed++;
        session.setVariable('tdm_disconnect_reason', 'no dial tone');
        session.hangup('NORMAL_TEMPORARY_FAILURE');
        return;
      }
    } else if (!(await session.sleep(p['dial-delay'])) || this.session !== session) return;
    this.transition(S.dialing);
    if (leg && number !== '') {
      const player = leg.own(
        leg.engine.createPlayer(leg.uuid, { tone: dtmfTone(number, p['dtmf-duration']) }),
      );
      leg.connect(player);
      await session.sleep(number.length * 2 * p['dtmf-duration'] + 60);
      if (!player.closed) await leg.release(player);
    }
    if (this.session !== session) return;
    this.transition(S.proceeding);
    session.channel.markRinging();
    const a = this.cfg.answer;
    if (a.kind === 'delay') {
      if (!(await session.sleep(a.ms))) return;
    } else if (a.kind === 'polarity') {
      await new Promise<void>((resolve) => {
        this.#polarityWaiter = resolve;
        session.channel.hangupSignal.addEventListener('abort', () => resolve(), { once: true });
      });
      this.#polarityWaiter = undefined;
    }
    if (this.session !== session || !session.channel.up) return;
    this.transition(S.up);
    session.channel.markAnswered();
  }

  async kill(session: Session, _cause: HangupCause): Promise<void> {
    if (this.session !== session) return;
    clearTimeout(this.#ringTimer);
    this.#callPortId = -1;
    this.#dialToneWaiter = undefined;
    const wasOffHook = this.lastHook === 'OFFHOOK';
    await this.endCall();
    if (wasOffHook) this.hook('ONHOOK');
    this.transition(S.idle);
    await this.#monitor();
  }
}
