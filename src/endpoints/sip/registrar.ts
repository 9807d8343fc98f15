/**
 * The registrar of one profile (RFC 3261 §10.3). Bindings are kept in memory,
 * where dial strings read them synchronously, and mirrored into the core DB's
 * registrations table for `show registrations`. A sweep removes bindings as
 * they expire. A binding whose REGISTER came through a NAT (the Via got
 * `received` or a filled `rport`) is reached at the address the REGISTER came
 * from, not at the address its Contact names.
 */
import { formatUri, type SipRequest, type SipResponse } from '../../sip/messages/index.js';
import type { ServerTransaction } from '../../sip/transaction/index.js';
import { hostForHeader, type MessageSource } from '../../sip/transport/index.js';
import type { SipProfile } from './profile.js';

export interface Binding {
  user: string;
  domain: string;
  /** The Contact URI, as registered. */
  uri: string;
  callId: string;
  cseq: number;
  /** Absolute expiry, ms. */
  expiresAt: number;
  networkIp: string;
  networkPort: number;
  transport: string;
  nat: boolean;
  userAgent: string;
}

const DEFAULT_EXPIRES = 3600;

export class Registrar {
  /** `user@domain` → contact URI → binding. */
  private readonly byAor = new Map<string, Map<string, Binding>>();

  constructor(private readonly profile: SipProfile) {}

  get count(): number {
    let n = 0;
    for (const m of this.byAor.values()) n += m.size;
    return n;
  }

  list(): Binding[] {
    return [...this.byAor.values()].flatMap((m) => [...m.values()]);
  }

  bindings(user: string, domain: string): Binding[] {
    return [...(this.byAor.get(`${user}@${domain}`.toLowerCase())?.values() ?? [])];
  }

  /** The dial-string target of a binding: `<contact>` plus `fs_path` when reached through NAT. */
  dialTarget(b: Binding): string {
    const path = b.nat ? `;fs_path=${hostForHeader(b.networkIp)}:${b.networkPort}` : '';
    const transport =
      b.transport !== 'UDP' && !/;transport=/i.test(b.uri) ? `;transport=${b.transport.toLowerCase()}` : '';
    return `sip/${this.profile.name}/${b.uri}${transport}${path}`;
  }

  handle(req: SipRequest, tx: ServerTransaction, source: MessageSource): void {
    const to = req.to;
    if (to?.uri.kind !== 'sip' || to.uri.user === undefined) {
      this.profile.reply(tx, 400, 'Bad To');
      return;
    }
    const user = to.uri.user;
    const realm = to.uri.host;
    const auth = this.profile.auth.check(req, source.address, realm, 'Authorization', user);
    if (auth.kind === 'challenge') {
      this.profile.auth.challenge(tx, 401, realm, auth.stale, (r) => this.profile.decorate(r));
      return;
    }
    if (auth.kind === 'forbidden') {
      this.profile.log.warn(`REGISTER from ${source.address}:${source.port} refused: ${auth.reason}`);
      this.profile.reply(tx, 403);
      return;
    }
    const outcome = this.apply(req, auth.username, auth.domain, source);
    if (typeof outcome === 'number') {
      const res = tx.createResponse(outcome);
      if (outcome === 423)
        res.addHeader('Min-Expires', String(this.profile.cfg.settings['min-register-expires']));
      this.profile.decorate(res);
      tx.respond(res);
      return;
    }
    const res = tx.createResponse(200);
    this.addContacts(res, auth.username, auth.domain);
    this.profile.decorate(res);
    tx.respond(res);
  }

  private addContacts(res: SipResponse, user: string, domain: string): void {
    const now = this.profile.core.timers.now();
    for (const b of this.bindings(user, domain)) {
      res.addHeader('Contact', `<${b.uri}>;expires=${Math.max(0, Math.round((b.expiresAt - now) / 1000))}`);
    }
  }

  /** Applies the REGISTER's Contacts; a number is an error status to send. */
  private apply(req: SipRequest, user: string, domain: string, source: MessageSource): number | undefined {
    const s = this.profile.cfg.settings;
    const headerExpires = parseExpires(req.getHeader('Expires'));
    const key = `${user}@${domain}`.toLowerCase();
    if (req.contactStar) {
      // §10.3 step 6: `*` only with Expires: 0 and no other Contact.
      if (headerExpires !== 0 || req.contacts.length > 0) return 400;
      for (const b of this.bindings(user, domain)) this.remove(b, 'unregister');
      return undefined;
    }
    const now = this.profile.core.timers.now();
    let map = this.byAor.get(key);
    const via = req.via;
    const nat = via !== undefined && (via.received !== undefined || typeof via.rport === 'number');
    for (const c of req.contacts) {
      const uri = formatUri(c.uri);
      let expires = c.expires ?? headerExpires ?? DEFAULT_EXPIRES;
      const existing = map?.get(uri);
      if (expires === 0) {
        if (existing !== undefined) this.remove(existing, 'unregister');
        continue;
      }
      if (expires < s['min-register-expires']) return 423;
      expires = Math.min(expires, s['max-register-expires']);
      const max = s['max-registrations-per-user'];
      if (existing === undefined && max > 0 && (map?.size ?? 0) >= max) return 403;
      const b: Binding = {
        user,
        domain,
        uri,
        callId: req.callId ?? '',
        cseq: req.cseq?.seq ?? 0,
        expiresAt: now + expires * 1000,
        networkIp: source.address,
        networkPort: source.port,
        transport: source.transport,
        nat,
        userAgent: req.getHeader('User-Agent') ?? '',
      };
      if (map === undefined) {
        map = new Map();
        this.byAor.set(key, map);
      }
      map.set(uri, b);
      this.store(b, expires);
    }
    return undefined;
  }

  private store(b: Binding, expires: number): void {
    const p = this.profile;
    p.core.db.upsertRegistration({
      reg_user: b.user,
      realm: b.domain,
      token: b.uri,
      url: this.dialTarget(b),
      expires: Math.floor(b.expiresAt / 1000),
      network_ip: b.networkIp,
      network_port: b.networkPort,
      network_proto: b.transport.toLowerCase(),
      contact: `<${b.uri}>`,
      user_agent: b.userAgent,
      call_id: b.callId,
      cseq: b.cseq,
      profile_name: p.name,
    });
    p.fireRegEvent('sofia::register', b, expires);
  }

  private remove(b: Binding, why: 'unregister' | 'expire'): void {
    const key = `${b.user}@${b.domain}`.toLowerCase();
    const map = this.byAor.get(key);
    map?.delete(b.uri);
    if (map?.size === 0) this.byAor.delete(key);
    const p = this.profile;
    p.core.db.deleteRegistration(b.user, b.domain, b.uri);
    p.fireRegEvent(`sofia::${why}`, b, 0);
  }

  /** Removes one binding as an unregistration (e.g. its contact stopped answering pings). */
  drop(b: Binding): void {
    if (this.byAor.get(`${b.user}@${b.domain}`.toLowerCase())?.get(b.uri) === b) this.remove(b, 'unregister');
  }

  /** Drops every binding whose time is up; returns how many went. */
  sweep(): number {
    const now = this.profile.core.timers.now();
    const gone = this.list().filter((b) => b.expiresAt <= now);
    for (const b of gone) this.remove(b, 'expire');
    return gone.length;
  }

  /** On unload: forget every binding (and its DB row). */
  clear(): void {
    for (const b of this.list()) {
      this.profile.core.db.deleteRegistration(b.user, b.domain, b.uri);
    }
    this.byAor.clear();
  }
}

function parseExpires(v: string | undefined): number | undefined {
  if (v === undefined || !/^\s*\d{1,10}\s*$/.test(v)) return undefined;
  return Number(v);
}
