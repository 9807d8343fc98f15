/**
 * The gateways of one profile. `apply()` brings the running set in line with
 * a (re)read configuration: a new gateway starts, a removed one unregisters
 * and goes, a changed one starts again with its new config (unregistering
 * first only when it registers as a different account, or no longer does),
 * and an unchanged one is left alone. Calls never belong to a gateway object
 * (their dialogs live in the profile), so none of this touches a call.
 */
import type { SipDnsResolver } from '../../sip/dns/index.js';
import { formatUri } from '../../sip/messages/index.js';
import type { MessageSource } from '../../sip/transport/index.js';
import type { GatewayConfig } from './gateway-config.js';
import { Gateway } from './gateway.js';
import type { SipProfile } from './profile.js';

export interface ApplyResult {
  added: string[];
  changed: string[];
  removed: string[];
}

function sameAccount(a: GatewayConfig, b: GatewayConfig): boolean {
  return (
    a.settings.register &&
    b.settings.register &&
    formatUri(a.registerProxy) === formatUri(b.registerProxy) &&
    a.registerTransport === b.registerTransport &&
    a.realm === b.realm &&
    a.username === b.username &&
    a.fromDomain === b.fromDomain &&
    a.settings['contact-params'] === b.settings['contact-params']
  );
}

export class GatewaySet {
  private readonly byName = new Map<string, Gateway>();
  /** For tests: the resolver every gateway of this set uses. */
  resolver: SipDnsResolver | undefined;

  constructor(private readonly profile: SipProfile) {}

  get size(): number {
    return this.byName.size;
  }

  list(): Gateway[] {
    return [...this.byName.values()];
  }

  get(name: string): Gateway | undefined {
    return this.byName.get(name.toLowerCase());
  }

  apply(configs: readonly GatewayConfig[]): ApplyResult {
    const result: ApplyResult = { added: [], changed: [], removed: [] };
    const wanted = new Map(configs.map((c) => [c.name.toLowerCase(), c]));
    for (const [key, gw] of this.byName) {
      if (!wanted.has(key)) {
        this.kill(gw.name);
        result.removed.push(gw.name);
      }
    }
    for (const [key, cfg] of wanted) {
      const old = this.byName.get(key);
      if (old !== undefined && old.cfg.key === cfg.key) continue;
      if (old !== undefined) {
        // The new REGISTER replaces the binding of an unchanged account (RFC 3261 §10.3 step 7);
        // unregistering first could race it and remove the fresh binding at the trunk.
        old.stop(!sameAccount(old.cfg, cfg));
        result.changed.push(cfg.name);
      } else {
        result.added.push(cfg.name);
      }
      const gw = new Gateway(this.profile, cfg, this.resolver);
      this.byName.set(key, gw);
      gw.start();
    }
    return result;
  }

  /** Unregisters and drops one gateway (`killgw`); true when it existed. */
  kill(name: string): boolean {
    const gw = this.get(name);
    if (gw === undefined) return false;
    gw.stop(true);
    this.byName.delete(name.toLowerCase());
    return true;
  }

  stopAll(unregister: boolean): void {
    for (const gw of this.byName.values()) gw.stop(unregister);
    this.byName.clear();
  }

  /**
   * The gateway an inbound request comes from. Only the source IP counts as
   * proof (the address the trunk's proxies resolve to): anything in the
   * message could be forged. When several gateways share an address, the one
   * whose registered Contact user (`gw+<name>`) is the R-URI user wins.
   */
  matchSource(source: MessageSource, ruriUser: string | undefined): Gateway | undefined {
    const candidates = this.list().filter((g) => g.addresses.has(source.address));
    return candidates.find((g) => g.contactUser === ruriUser) ?? candidates[0];
  }
}
