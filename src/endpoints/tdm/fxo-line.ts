/**
 * An FXO (trunk) port: it faces an exchange, or on the loop card the FXS port it is wired to.
 *
 * Inbound: ring bursts (RINGERON/RINGEROFF) are counted; after `rings-before-answer` bursts an
 * inbound channel routes the port's `did` in its context, with the caller ID heard before the
 * first ring (DTMF `A<number>C`, detected in-band by an idle-time monitor port). Answer = seize
 * the line (off-hook). No ring for `ring-timeout` means the caller gave up.
 *
 * Outbound: seize, wait `dial-delay`, dial the number as in-band DTMF through the media engine (a
 * real line only understands tones), then answer supervision (`immediate`, `polarity`, or
 * `delay:<ms>`). The far end hangs up by a loop current drop (ONHOOK) or a battery reversal,
 * as `disconnect-supervision` allows.
 */
import { errorMessage } from '../../core/errors.js';
import type { HangupCause } from '../../core/hangup-cause.js';
import type { Session } from '../../core/session.js';
import type { DtmfEvent } from '../../media/media-events.js';
import type { ToneSpec } from '../../media/tone-spec.js';
import type { TdmEvent } from '../../tdm/index.js';
import { LineState } from './tdm-line-state.js';
import { TdmLine } from './tdm-line.js';

const S = LineState;

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
  #cid = { collecting: false, number: '' };
  #monitorUuid = '';
  readonly #onDtmf = (ev: DtmfEvent): void => this.#cidDigit(ev);
  #polarityWaiter: (() => void) | undefined;

  async start(): Promise<void> {
    this.engine?.on('dtmf', this.#onDtmf);
    await this.#monitor();
  }

  override async stop(): Promise<void> {
    clearTimeout(this.#ringTimer);
    this.engine?.off('dtmf', this.#onDtmf);
    await super.stop();
  }

  /** While idle, a port listens for DTMF caller ID sent before the first ring. */
  async #monitor(): Promise<void> {
    this.#cid = { collecting: false, number: '' };
    if (this.cfg.params['caller-id'] !== 'dtmf') return;
    const port = await this.ownPort('cid');
    this.#monitorUuid = port?.uuid ?? '';
  }

  #cidDigit(ev: DtmfEvent): void {
    if (ev.uuid !== this.#monitorUuid || this.#monitorUuid === '') return;
    if (ev.digit === 'A' || ev.digit === 'D') this.#cid = { collecting: true, number: '' };
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
        this.#armRingTimer();
        break;
      case 'RINGEROFF':
        if (this.state !== S.incoming && this.state !== S.offered) break;
        this.#rings++;
        this.#armRingTimer();
        if (this.state === S.incoming && this.#rings >= this.cfg.params['rings-before-answer']) {
          void this.#offer().catch((err: unknown) =>
            this.log.error(`${this.name}: inbound call failed: ${errorMessage(err)}`),
          );
        }
        break;
      case 'ONHOOK':
        if (this.cfg.disconnect.has('loop-drop')) this.#farEndGone('loop current drop');
        break;
      case 'POLARITY':
        if (this.state === S.proceeding && this.#polarityWaiter) this.#polarityWaiter();
        else if (this.state === S.up && this.cfg.disconnect.has('polarity'))
          this.#farEndGone('polarity reversal');
        break;
      default:
        break;
    }
  }

  #armRingTimer(): void {
    clearTimeout(this.#ringTimer);
    this.#ringTimer = setTimeout(() => void this.#ringStopped(), this.cfg.params['ring-timeout']);
  }

  async #ringStopped(): Promise<void> {
    if (this.state === S.incoming) {
      this.transition(S.idle);
      await this.#monitor();
    } else if (this.state === S.offered) {
      this.session?.hangup('ORIGINATOR_CANCEL');
    }
  }

  #farEndGone(why: string): void {
    const busy = [S.seizing, S.dialing, S.proceeding, S.up].includes(this.state as never);
    if (!busy || !this.session) return;
    this.log.info(`${this.name}: far end hung up (${why})`, { uuid: this.session.uuid });
    this.session.hangup('NORMAL_CLEARING');
  }

  async #offer(): Promise<void> {
    this.transition(S.offered);
    this.counters.callsIn++;
    const cid = this.#cid.number;
    await this.releaseOwnPort(); // the monitor; the call gets its own port
    this.#monitorUuid = '';
    const p = this.cfg.params;
    const s = this.host.core.newSession(this.host.endpoint, {
      name: this.name,
      direction: 'inbound',
      profile: {
        caller_id_number: cid,
        caller_id_name: cid,
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
    this.attachCallMedia(s.uuid);
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
    const p = this.cfg.params;
    if (!(await session.sleep(p['dial-delay'])) || this.session !== session) return;
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
    const wasOffHook = this.lastHook === 'OFFHOOK';
    await this.endCall();
    if (wasOffHook) this.hook('ONHOOK');
    this.transition(S.idle);
    await this.#monitor();
  }
}
