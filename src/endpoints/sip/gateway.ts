/**
 * One gateway (trunk): keeps a registration with the trunk when `register`
 * is true (RFC 3261 §10.2), answers its 401/407 with the gateway's
 * credentials, refreshes halfway through the granted time, retries failures
 * with a doubling backoff, and sends OPTIONS pings when `ping` is set. Its
 * timers are its own and every callback catches its errors, so a failing
 * gateway affects neither another gateway nor any call. See gateway-state.ts
 * for the state diagram.
 */
import type { TimerHandle } from '../../core/timers.js';
import { errorMessage } from '../../core/errors.js';
import { answerChallenge, authorizationHeaderFor, selectChallenge } from '../../sip/auth/index.js';
import {
  generateCallId,
  generateTag,
  parseUri,
  SipRequest,
  type SipResponse,
  type SipUri,
} from '../../sip/messages/index.js';
import type { SipDnsResolver } from '../../sip/dns/index.js';
import { hostForHeader, type SendTarget } from '../../sip/transport/index.js';
import type { GatewayConfig } from './gateway-config.js';
import { locateUri, sendWithFailover } from './gateway-request.js';
import { checkGatewayMove, GatewayState, refreshDelayMs, retryDelayMs } from './gateway-state.js';
import type { SipProfile } from './profile.js';

export type PingStatus = 'UP' | 'DOWN';

export class Gateway {
  state: GatewayState;
  status: PingStatus = 'UP';
  /** Consecutive registration failures (drives the backoff). */
  failures = 0;
  /** When the next REGISTER goes out (refresh or retry), epoch ms; undefined when none is planned. */
  nextAttemptAt: number | undefined;
  /** When the current registration lapses, epoch ms. */
  expiresAt: number | undefined;
  lastStatus = '';
  pingFailures = 0;
  pingsSent = 0;
  callsIn = 0;
  callsOut = 0;
  /** IPs the trunk's proxies resolved to: inbound INVITEs from them belong to this gateway. */
  readonly addresses = new Set<string>();
  readonly startedAt: number;
  private readonly callId = generateCallId();
  private readonly fromTag = generateTag();
  private cseq = 0;
  private timer: TimerHandle | undefined;
  private pingTimer: TimerHandle | undefined;
  private pingInFlight = false;
  private stopped = false;

  constructor(
    readonly profile: SipProfile,
    readonly cfg: GatewayConfig,
    private readonly resolver?: SipDnsResolver,
  ) {
    this.state = cfg.settings.register ? GatewayState.Unreged : GatewayState.NoReg;
    this.startedAt = profile.core.timers.now();
  }

  get name(): string {
    return this.cfg.name;
  }

  /** The user part of our registered Contact; FreeSWITCH's `gw+<name>`. */
  get contactUser(): string {
    return `gw+${this.name}`;
  }

  get contactUri(): string {
    const t = this.cfg.registerTransport;
    const a = this.profile.address(t);
    const tp = t === 'UDP' ? '' : `;transport=${t.toLowerCase()}`;
    const extra = this.cfg.settings['contact-params'] ?? '';
    const params = extra === '' ? '' : extra.startsWith(';') ? extra : `;${extra}`;
    return `sip:${this.contactUser}@${hostForHeader(a.host)}:${a.port}${tp}${params}`;
  }

  start(): void {
    this.guard('resolve', () => this.learnAddresses());
    if (this.state === GatewayState.Unreged) this.schedule(0);
    const ping = this.cfg.settings.ping;
    if (ping > 0) {
      this.pingTimer = this.profile.core.timers.setInterval(
        () => this.guard('ping', () => this.ping()),
        ping * 1000,
      );
      this.pingTimer.unref?.();
    }
  }

  /** Stops every timer; with `unregister`, sends REGISTER with Expires: 0 when registered. */
  stop(unregister: boolean): void {
    const t = this.profile.core.timers;
    t.clearTimeout(this.timer);
    t.clearInterval(this.pingTimer);
    this.nextAttemptAt = undefined;
    // Registered, or refreshing a registration that still holds (TRYING with expiresAt set).
    const wasReged = this.expiresAt !== undefined && this.state !== GatewayState.Unregister;
    this.stopped = true;
    if (this.state === GatewayState.NoReg) return;
    if (unregister && wasReged) {
      this.move(GatewayState.Unregister);
      this.guard('unregister', () => this.sendRegister(0));
    } else if (this.state !== GatewayState.Unreged) {
      this.move(GatewayState.Unreged);
    }
  }

  private move(to: GatewayState): void {
    if (to === this.state && to !== GatewayState.Trying) return;
    checkGatewayMove(this.state, to);
    this.profile.log.debug(`gateway ${this.name}: ${this.state} -> ${to}`);
    this.state = to;
  }

  /** Runs `fn`, logging instead of throwing: a gateway never takes anything else down. */
  private guard(what: string, fn: () => Promise<void> | void): void {
    try {
      const r = fn();
      if (r instanceof Promise) r.catch((err: unknown) => this.oops(what, err));
    } catch (err) {
      this.oops(what, err);
    }
  }

  private oops(what: string, err: unknown): void {
    this.profile.log.error(`gateway ${this.name}: ${what} failed: ${errorMessage(err)}`);
    if (what !== 'register' || this.stopped) return;
    try {
      this.failed(`error: ${errorMessage(err)}`);
    } catch (again) {
      // Only a bug in the state table gets here; stay quiet rather than crash the switch.
      this.profile.log.error(`gateway ${this.name}: cannot schedule a retry: ${errorMessage(again)}`);
    }
  }

  private async learnAddresses(): Promise<void> {
    const uris = [this.cfg.proxy, this.cfg.registerProxy, this.cfg.outboundProxy];
    for (const u of uris) {
      if (u === undefined) continue;
      for (const t of await locateUri(u, this.resolver)) this.addresses.add(t.host);
    }
  }

  private schedule(ms: number): void {
    const t = this.profile.core.timers;
    t.clearTimeout(this.timer);
    this.nextAttemptAt = t.now() + ms;
    this.timer = t.setTimeout(() => {
      this.nextAttemptAt = undefined;
      if (this.stopped) return;
      this.guard('register', () => {
        if (this.state === GatewayState.Reged && this.expiresAt !== undefined && t.now() >= this.expiresAt) {
          this.move(GatewayState.Expired);
        }
        this.move(GatewayState.Register);
        return this.sendRegister(this.cfg.settings['expire-seconds']);
      });
    }, ms);
    this.timer.unref?.();
  }

  private async sendRegister(expires: number): Promise<void> {
    const targets = await locateUri(this.cfg.registerProxy, this.resolver, this.cfg.registerTransport);
    for (const t of targets) this.addresses.add(t.host);
    if (targets.length === 0) throw new Error(`${this.cfg.registerProxy.host} did not resolve`);
    if (expires > 0) this.move(GatewayState.Trying);
    this.attemptRegister(targets, expires, undefined, false);
  }

  private buildRegister(expires: number, auth: [string, string] | undefined): SipRequest {
    const c = this.cfg;
    const tp = c.registerTransport === 'UDP' ? '' : `;transport=${c.registerTransport.toLowerCase()}`;
    const req = new SipRequest('REGISTER', parseUri(`sip:${c.realm}${tp}`, 'gateway realm'));
    const aor = `<sip:${c.username}@${c.fromDomain}>`;
    req.addHeader('Max-Forwards', '70');
    req.addHeader('From', `${aor};tag=${this.fromTag}`);
    req.addHeader('To', aor);
    req.addHeader('Call-ID', this.callId);
    req.addHeader('CSeq', `${++this.cseq} REGISTER`);
    req.addHeader('Contact', `<${this.contactUri}>`);
    req.addHeader('Expires', String(expires));
    req.addHeader('User-Agent', this.profile.cfg.settings['user-agent-string']);
    if (auth !== undefined) req.addHeader(auth[0], auth[1]);
    return req;
  }

  private attemptRegister(
    targets: SendTarget[],
    expires: number,
    auth: [string, string] | undefined,
    challenged: boolean,
  ): void {
    const req = (): SipRequest => this.buildRegister(expires, auth);
    sendWithFailover(this.profile.layer, targets, req, {
      onResponse: (res) =>
        this.guard('register', () => this.onRegisterResponse(res, targets, expires, challenged)),
      onFailure: (reason) => this.guard('register', () => this.registerFailed(expires, reason)),
    });
  }

  private registerFailed(expires: number, reason: string): void {
    if (expires === 0) this.unregistered();
    else if (!this.stopped) this.failed(reason);
  }

  private onRegisterResponse(
    res: SipResponse,
    targets: SendTarget[],
    expires: number,
    challenged: boolean,
  ): void {
    if (res.status < 200) return;
    this.lastStatus = `${res.status} ${res.reason}`;
    if (expires === 0) {
      if ((res.status === 401 || res.status === 407) && !challenged) {
        this.retryWithAuth(res, targets, expires);
        return;
      }
      this.unregistered();
      return;
    }
    if (this.stopped) return;
    if (res.status < 300) {
      this.registered(res, expires);
    } else if ((res.status === 401 || res.status === 407) && !challenged) {
      this.retryWithAuth(res, targets, expires);
    } else if (res.status === 423 && !challenged) {
      const min = Number(res.getHeader('Min-Expires') ?? '');
      if (Number.isInteger(min) && min > expires) this.attemptRegister(targets, min, undefined, false);
      else this.failed(this.lastStatus);
    } else {
      this.failed(this.lastStatus);
    }
  }

  private retryWithAuth(res: SipResponse, targets: SendTarget[], expires: number): void {
    const header = res.status === 401 ? 'WWW-Authenticate' : 'Proxy-Authenticate';
    const challenge = selectChallenge(res.getHeaders(header));
    const password = this.cfg.settings.password;
    if (challenge === undefined || password === undefined) {
      this.registerFailed(expires, `${this.lastStatus} (cannot answer the challenge)`);
      return;
    }
    const tp =
      this.cfg.registerTransport === 'UDP' ? '' : `;transport=${this.cfg.registerTransport.toLowerCase()}`;
    const answer = answerChallenge(
      challenge,
      { username: this.cfg.username, password },
      'REGISTER',
      `sip:${this.cfg.realm}${tp}`,
    );
    if (expires > 0) this.move(GatewayState.Trying);
    this.attemptRegister(targets, expires, [authorizationHeaderFor(res.status), answer.header], true);
  }

  private registered(res: SipResponse, asked: number): void {
    const mine = res.contacts.find((c) => c.uri.kind === 'sip' && c.uri.user === this.contactUser);
    const header = Number(res.getHeader('Expires') ?? '');
    const granted = mine?.expires ?? (Number.isInteger(header) && header > 0 ? header : asked);
    const t = this.profile.core.timers;
    this.move(GatewayState.Reged);
    this.failures = 0;
    this.expiresAt = t.now() + granted * 1000;
    this.profile.log.info(`gateway ${this.name} registered for ${granted} s`);
    this.fireState();
    this.schedule(refreshDelayMs(granted));
  }

  private failed(reason: string): void {
    if (this.state === GatewayState.NoReg || this.state === GatewayState.Unregister) return;
    this.move(GatewayState.Failed);
    this.failures++;
    this.expiresAt = undefined;
    this.lastStatus = reason;
    const delay = retryDelayMs(this.cfg.settings['retry-seconds'], this.failures);
    this.profile.log.warn(`gateway ${this.name} registration failed (${reason}); retry in ${delay / 1000} s`);
    this.fireState();
    this.move(GatewayState.FailWait);
    this.schedule(delay);
  }

  private unregistered(): void {
    this.expiresAt = undefined;
    if (this.state === GatewayState.Unregister) this.move(GatewayState.Unreged);
    this.fireState();
  }

  private fireState(): void {
    const ev = this.profile.core.bus.create('CUSTOM', 'sofia::gateway_state');
    ev.addHeaders([
      ['Gateway', this.name],
      ['State', this.state],
      ['Ping-Status', this.status],
      ['Phrase', this.lastStatus],
    ]);
    this.profile.core.bus.fire(ev);
  }

  /** The host:port OPTIONS pings and calls go to: outbound-proxy, else proxy. */
  get callUri(): SipUri {
    return this.cfg.outboundProxy ?? this.cfg.proxy;
  }

  private async ping(): Promise<void> {
    if (this.pingInFlight || this.stopped) return;
    this.pingInFlight = true;
    let targets: SendTarget[];
    try {
      targets = await locateUri(this.callUri, this.resolver);
    } catch {
      targets = [];
    }
    if (targets.length === 0) {
      this.pingInFlight = false;
      this.pingResult(false);
      return;
    }
    const build = (): SipRequest => {
      const req = new SipRequest('OPTIONS', { ...this.cfg.proxy, user: undefined, headers: [] });
      const tag = generateTag();
      req.addHeader('Max-Forwards', '70');
      req.addHeader('From', `<sip:${this.cfg.fromUser}@${this.cfg.fromDomain}>;tag=${tag}`);
      req.addHeader('To', `<sip:${this.cfg.fromDomain}>`);
      req.addHeader('Call-ID', generateCallId());
      req.addHeader('CSeq', '1 OPTIONS');
      req.addHeader('User-Agent', this.profile.cfg.settings['user-agent-string']);
      return req;
    };
    this.pingsSent++;
    sendWithFailover(this.profile.layer, targets, build, {
      onResponse: (res) => {
        if (res.status < 200) return;
        this.pingInFlight = false;
        // Any answer shows the trunk is alive, except those that say it is not (as FreeSWITCH judges).
        this.pingResult(res.status !== 408 && res.status !== 503);
      },
      onFailure: () => {
        this.pingInFlight = false;
        this.pingResult(false);
      },
    });
  }

  private pingResult(ok: boolean): void {
    const before = this.status;
    if (ok) {
      this.pingFailures = 0;
      this.status = 'UP';
    } else if (++this.pingFailures >= this.cfg.settings['ping-max']) {
      this.status = 'DOWN';
    }
    if (before !== this.status) {
      this.profile.log.notice(`gateway ${this.name} is ${this.status}`);
      this.fireState();
    }
  }
}
