/**
 * The `db` limit backend: one `limit_data` row per counted channel in mod_db's
 * SQLite file, so the counts can be read from outside the process and shared
 * by cores using the same file. It counts concurrent channels only; a rate
 * (`max/interval`) needs the hash backend, and asking the db backend for one
 * is a dialplan error rather than a silently different limit.
 */
import type { LimitBackend, LimitOutcome, LimitRequest, LimitUsage } from './limit-backend.js';
import type { DbStore } from './db-store.js';

export class DbLimitBackend implements LimitBackend {
  readonly name = 'db';

  constructor(private readonly store: DbStore) {}

  incr(req: LimitRequest): LimitOutcome {
    if (req.intervalSec > 0) {
      throw new Error(
        `limit db ${req.realm} ${req.resource}: the db backend counts channels, not rates; use "limit hash" for <max>/<interval>`,
      );
    }
    const r = this.store.limitIncr(req.uuid, req.realm, req.resource, req.max);
    return { ok: r.ok, usage: r.usage, rate: 0 };
  }

  release(uuid: string, realm?: string, resource?: string): void {
    this.store.limitRelease(uuid, realm, resource);
  }

  usage(realm: string, resource: string): LimitUsage {
    return { usage: this.store.limitUsage(realm, resource), rate: 0 };
  }

  resetInterval(): boolean {
    return false;
  }
}
