/**
 * A limit backend keeps the counters behind the `limit` application. Each
 * counter is named by a realm and a resource (`limit hash gw fxo 4` counts
 * resource `fxo` in realm `gw`) and remembers which channels it counts, so
 * that a channel is counted once however often its dialplan runs `limit`,
 * and can be released when it hangs up or is transferred.
 *
 * Backends: `hash` (in memory, per core; mod_hash) and `db` (SQLite rows that
 * other processes can read; mod_db).
 */

/** `max` when the dialplan gave none (or a negative one): count, never refuse. */
export const NO_MAX = -1;

export interface LimitRequest {
  /** The channel being counted. */
  uuid: string;
  realm: string;
  resource: string;
  /** Most channels (or, with an interval, most calls per interval); {@link NO_MAX} for none. */
  max: number;
  /** Seconds of the rate window; 0 counts concurrent channels instead. */
  intervalSec: number;
}

export interface LimitOutcome {
  /** False when the channel is over the limit and was not counted. */
  ok: boolean;
  /** Channels counted on the resource now. */
  usage: number;
  /** Calls counted in the current rate window (0 without an interval). */
  rate: number;
}

export interface LimitUsage {
  usage: number;
  rate: number;
}

export interface LimitBackend {
  readonly name: string;
  /** Counts the channel against the resource, or refuses it when that would pass `max`. */
  incr(req: LimitRequest): LimitOutcome;
  /** Releases one resource of a channel, or all of them when realm and resource are omitted. */
  release(uuid: string, realm?: string, resource?: string): void;
  usage(realm: string, resource: string): LimitUsage;
  /** Starts a new rate window now. False when the backend keeps no rates. */
  resetInterval(realm: string, resource: string): boolean;
  /** One line per counter, for `hash_dump`-style listings. */
  dump?(): string[];
}
