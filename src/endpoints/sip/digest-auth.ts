/**
 * Digest authentication of REGISTER (401, RFC 3261 §22.2) and INVITE (407,
 * §22.3) against the directory. The realm is the domain the request names
 * (the To host for REGISTER, the From host for INVITE); when that host is an
 * IP address and no directory domain has that name, the directory's default
 * domain is used, as a phone configured with the server's address expects.
 * Failures count towards a {@link BanList}.
 */
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import type { Core } from '../../core/core.js';
import type { DirectoryUser } from '../../directory/index.js';
import { directoryService, lookupAuth } from '../../directory/index.js';
import { DigestChallenger, type DigestSecret, parseDigestCredentials } from '../../sip/auth/index.js';
import type { SipRequest, SipResponse } from '../../sip/messages/index.js';
import type { ServerTransaction } from '../../sip/transaction/index.js';
import type { BanList } from './ban-list.js';

export type AuthOutcome =
  | { kind: 'ok'; user: DirectoryUser; username: string; domain: string }
  /** No usable credentials yet (or a stale nonce): send a challenge. */
  | { kind: 'challenge'; stale: boolean }
  | { kind: 'forbidden'; reason: string };

export class SipDigestAuth {
  private readonly challengers = new Map<string, DigestChallenger>();
  private readonly secret = randomBytes(32);

  constructor(
    private readonly core: Core,
    private readonly bans: BanList,
  ) {}

  /** The directory domain a realm maps to. */
  domainFor(realm: string): string {
    const dir = directoryService(this.core)?.directory;
    if (dir?.domain(realm) !== undefined) return realm;
    if (isIP(realm.replace(/^\[|\]$/g, '')) !== 0)
      return directoryService(this.core)?.defaultDomain() ?? realm;
    return realm;
  }

  private challenger(realm: string): DigestChallenger {
    let c = this.challengers.get(realm);
    if (c === undefined) {
      // MD5 only: it is what the directory's a1-hash holds and what phones (and SIPp) answer.
      c = new DigestChallenger({
        realm,
        secret: this.secret,
        algorithms: ['MD5'],
        now: () => this.core.timers.now(),
      });
      this.challengers.set(realm, c);
    }
    return c;
  }

  /**
   * Checks the request's credentials for `realm`. `header` is Authorization
   * (REGISTER) or Proxy-Authorization (INVITE). `mustBeUser`, when given, is
   * the user the credentials must belong to (the To user of a REGISTER).
   */
  check(req: SipRequest, ip: string, realm: string, header: string, mustBeUser?: string): AuthOutcome {
    const values = req.getHeaders(header);
    let chosen: { value: string; username: string } | undefined;
    for (const v of values) {
      try {
        const c = parseDigestCredentials(v);
        if (c.realm === realm) chosen = { value: v, username: c.username };
      } catch {
        // Not Digest, or malformed: a challenge tells the client what we want.
      }
    }
    if (chosen === undefined) return { kind: 'challenge', stale: false };
    const domain = this.domainFor(realm);
    const info = lookupAuth(this.core, domain, chosen.username);
    if (info === undefined) return this.failed(ip, `unknown user ${chosen.username}@${domain}`);
    if (mustBeUser !== undefined && mustBeUser !== chosen.username) {
      return this.failed(ip, `user ${chosen.username} may not act for ${mustBeUser}`);
    }
    let secret: DigestSecret;
    if (info.a1Hash !== undefined) secret = { ha1: { MD5: info.a1Hash.toLowerCase() } };
    else if (info.password !== undefined) secret = { password: info.password };
    else return this.failed(ip, `user ${chosen.username}@${domain} has no password`);
    const r = this.challenger(realm).verify(chosen.value, { method: req.method }, secret);
    if (r.ok) {
      this.bans.succeed(ip);
      return { kind: 'ok', user: info.user, username: chosen.username, domain };
    }
    if (r.stale) return { kind: 'challenge', stale: true };
    return this.failed(ip, `digest ${r.reason} for ${chosen.username}@${domain}`);
  }

  private failed(ip: string, reason: string): AuthOutcome {
    this.bans.fail(ip);
    return { kind: 'forbidden', reason };
  }

  /** Sends a 401 or 407 with a fresh challenge. */
  challenge(
    tx: ServerTransaction,
    status: 401 | 407,
    realm: string,
    stale: boolean,
    decorate: (r: SipResponse) => void,
  ): void {
    const res = tx.createResponse(status);
    const name = status === 401 ? 'WWW-Authenticate' : 'Proxy-Authenticate';
    for (const c of this.challenger(realm).challenge({ stale })) res.addHeader(name, c);
    decorate(res);
    tx.respond(res);
  }
}
