/**
 * OPTIONS keepalives for registered contacts (FreeSWITCH's `nat-options-ping` and
 * `all-reg-options-ping`). Every `ping-mean-interval` seconds each binding that qualifies (one
 * that came through a NAT, or every one) gets an OPTIONS at the address its REGISTER came from,
 * which also keeps the NAT's UDP mapping open (RFC 5626 §3.5 explains why that is needed).
 *
 *     registered ──ping answered (any final but 408/503)──> registered
 *         │
 *         └──no answer within the interval, 408, 503, transport error──> unregistered
 *                                          (with unregister-on-options-fail; else logged)
 *
 * The profile's one-second sweep drives {@link RegistrationPinger.tick}; a re-REGISTER makes a new
 * binding, which starts its own schedule.
 */
import { generateCallId, generateTag, parseUri, SipRequest } from '../../sip/messages/index.js';
import type { SendTarget, TransportProtocol } from '../../sip/transport/index.js';
import type { SipProfile } from './profile.js';
import type { Binding } from './registrar.js';

interface PingState {
  /** When the next ping goes out, ms. */
  nextAt: number;
  /** The ping in flight must be answered by then, ms. */
  deadline: number | undefined;
}

export class RegistrationPinger {
  private readonly state = new WeakMap<Binding, PingState>();
  /** Pings sent, answered and failed (for `sip status profile`). */
  readonly counts = { sent: 0, answered: 0, failed: 0 };

  constructor(private readonly profile: SipProfile) {}

  private get enabled(): boolean {
    const s = this.profile.cfg.settings;
    return s['nat-options-ping'] || s['all-reg-options-ping'];
  }

  private qualifies(b: Binding): boolean {
    const s = this.profile.cfg.settings;
    return s['all-reg-options-ping'] || (s['nat-options-ping'] && b.nat);
  }

  /** Sends the pings that are due and fails those not answered in time. */
  tick(): void {
    if (!this.enabled) return;
    const now = this.profile.core.timers.now();
    const intervalMs = this.profile.cfg.settings['ping-mean-interval'] * 1000;
    for (const b of this.profile.registrar.list()) {
      if (!this.qualifies(b)) continue;
      let st = this.state.get(b);
      if (st === undefined) {
        st = { nextAt: now + intervalMs, deadline: undefined };
        this.state.set(b, st);
        continue;
      }
      if (st.deadline !== undefined && now >= st.deadline) {
        st.deadline = undefined;
        this.failed(b, 'no answer');
        continue;
      }
      if (st.deadline === undefined && now >= st.nextAt) {
        st.nextAt = now + intervalMs;
        st.deadline = now + intervalMs;
        this.send(b, st);
      }
    }
  }

  private send(b: Binding, st: PingState): void {
    const p = this.profile;
    let ruri;
    try {
      ruri = parseUri(b.uri, 'registered contact');
    } catch {
      return;
    }
    if (ruri.kind !== 'sip') return;
    const transport = b.transport.toUpperCase() as TransportProtocol;
    const target: SendTarget = { host: b.networkIp, port: b.networkPort, transport };
    const us = p.address(transport);
    const req = new SipRequest('OPTIONS', ruri);
    req.addHeader('Max-Forwards', '70');
    req.addHeader('From', `<sip:${p.name}@${us.host}:${us.port}>;tag=${generateTag()}`);
    req.addHeader('To', `<${b.uri}>`);
    req.addHeader('Call-ID', generateCallId());
    req.addHeader('CSeq', '1 OPTIONS');
    req.addHeader('User-Agent', p.cfg.settings['user-agent-string']);
    this.counts.sent++;
    const settle = (ok: boolean, why: string): void => {
      if (st.deadline === undefined) return; // already judged
      st.deadline = undefined;
      if (ok) this.counts.answered++;
      else this.failed(b, why);
    };
    try {
      p.layer.sendRequest(req, target, {
        onResponse: (res) => {
          if (res.status < 200) return;
          // Any final answer shows the contact is there, except those that say it is not.
          settle(res.status !== 408 && res.status !== 503, `${res.status}`);
        },
        onTimeout: () => settle(false, 'timeout'),
        onTransportError: () => settle(false, 'transport error'),
      });
    } catch {
      settle(false, 'send failed');
    }
  }

  private failed(b: Binding, why: string): void {
    const p = this.profile;
    this.counts.failed++;
    const who = `${b.user}@${b.domain} (${b.uri} via ${b.networkIp}:${b.networkPort})`;
    if (!p.cfg.settings['unregister-on-options-fail']) {
      p.log.warn(`OPTIONS ping to ${who} failed: ${why}`);
      return;
    }
    p.log.notice(`OPTIONS ping to ${who} failed (${why}); unregistering it`);
    p.registrar.drop(b);
  }
}
