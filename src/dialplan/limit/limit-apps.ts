/**
 * The `limit` application and its API commands, with FreeSWITCH's syntax:
 *
 *   limit <backend> <realm> <resource> [<max>[/<interval>]] [<dest> [<dialplan> [<context>]]]
 *
 * Over the limit, the call is transferred to `<dest>` (default
 * `limit_exceeded`, in the channel's current dialplan and context unless
 * given); a destination written `!CAUSE` hangs the call up with that cause
 * instead. Without `<max>` (or with a negative one) the application only counts.
 */
import type { ApiCommand } from '../../core/api.js';
import { ApiUsageError, splitArgs } from '../../core/api.js';
import type { Application } from '../../core/application.js';
import { api, ok } from '../../core/commands/define.js';
import { parseHangupCause } from '../../core/hangup-cause.js';
import type { Session } from '../../core/session.js';
import { NO_MAX } from './limit-backend.js';
import type { LimitCall, LimitService } from './limit-service.js';

/** FreeSWITCH's default overflow extension. */
export const LIMIT_DEFAULT_DESTINATION = 'limit_exceeded';

export const LIMIT_SYNTAX =
  '<backend> <realm> <resource> [<max>[/<interval>]] [<transfer_destination_number> [<dialplan> [<context>]]]';

export interface LimitArgs extends LimitCall {
  destination: string;
  dialplan: string | undefined;
  context: string | undefined;
}

/** Parses the `limit` application's argument; throws with the usage on bad input. */
export function parseLimitArgs(data: string): LimitArgs {
  const [backend, realm, resource, maxText, destination, dialplan, context] = data.trim().split(/\s+/);
  if (!backend || !realm || !resource) throw new Error(`limit: expected ${LIMIT_SYNTAX}, got "${data}"`);
  let max = NO_MAX;
  let intervalSec = 0;
  if (maxText !== undefined) {
    const m = /^(-?\d+)(?:\/(\d+))?$/.exec(maxText);
    if (!m) throw new Error(`limit: "${maxText}" is not <max> or <max>/<interval seconds>`);
    const n = Number(m[1]);
    max = n < 0 ? NO_MAX : n;
    intervalSec = m[2] === undefined ? 0 : Number(m[2]);
  }
  return {
    backend,
    realm,
    resource,
    max,
    intervalSec,
    destination: destination ?? LIMIT_DEFAULT_DESTINATION,
    dialplan,
    context,
  };
}

function runLimit(service: LimitService, s: Session, data: string): void {
  const a = parseLimitArgs(data);
  const out = service.incr(s, a);
  if (out.ok) return;
  const what = a.intervalSec > 0 ? `${out.rate} calls in ${a.intervalSec}s` : `${out.usage} channels`;
  s.log.info(`limit ${a.backend} ${a.realm}/${a.resource} is at ${what} (max ${a.max}); refusing`, {
    uuid: s.uuid,
  });
  if (a.destination.startsWith('!')) {
    const cause = parseHangupCause(a.destination.slice(1));
    if (!cause) s.log.warn(`limit: unknown cause "${a.destination}", using USER_BUSY`, { uuid: s.uuid });
    s.hangup(cause ?? 'USER_BUSY');
    return;
  }
  s.transfer(a.destination, a.dialplan, a.context);
}

export function limitApplications(service: LimitService): Application[] {
  return [
    {
      name: 'limit',
      description: 'Limit the channels (or call rate) on a resource; overflow is transferred or hung up',
      syntax: LIMIT_SYNTAX,
      run: (s, data) => runLimit(service, s, data),
    },
    {
      // Not in FreeSWITCH, which offers only the uuid_limit_release API.
      name: 'limit_release',
      description: "Release this channel's limit counts before it hangs up",
      syntax: '<backend> [<realm> <resource>]',
      run: (s, data) => {
        const [backend, realm, resource] = data.trim().split(/\s+/);
        if (!backend) throw new Error('limit_release: expected <backend> [<realm> <resource>]');
        service.release(s.uuid, backend, realm, resource);
      },
    },
  ];
}

function need(args: string[], n: number, cmd: string, syntax: string): void {
  if (args.length < n || args.slice(0, n).some((a) => a === '')) {
    throw new ApiUsageError(`USAGE: ${cmd} ${syntax}`);
  }
}

export function limitApis(service: LimitService): ApiCommand[] {
  return [
    api(
      'limit_usage',
      'Channels counted on a limit resource',
      '<backend> <realm> <resource> [rate]',
      (args) => {
        const a = splitArgs(args);
        need(a, 3, 'limit_usage', '<backend> <realm> <resource> [rate]');
        const u = service.backend(a[0] ?? '').usage(a[1] ?? '', a[2] ?? '');
        return a[3]?.toLowerCase() === 'rate' ? `${u.usage}/${u.rate}` : String(u.usage);
      },
    ),
    api(
      'limit_hash_usage',
      'Channels counted on a hash limit resource (old name)',
      '<realm> <resource>',
      (args) => {
        const a = splitArgs(args);
        need(a, 2, 'limit_hash_usage', '<realm> <resource>');
        return String(service.backend('hash').usage(a[0] ?? '', a[1] ?? '').usage);
      },
    ),
    api(
      'uuid_limit_release',
      "Release a channel's limit counts",
      '<uuid> <backend> [<realm> <resource>]',
      (args) => {
        const a = splitArgs(args);
        need(a, 2, 'uuid_limit_release', '<uuid> <backend> [<realm> <resource>]');
        const uuid = a[0] ?? '';
        if (!service.core.sessions.get(uuid)) throw new ApiUsageError('No such channel!');
        service.release(uuid, a[1], a[2], a[3]);
        return ok();
      },
    ),
    api(
      'limit_interval_reset',
      'Start a new rate window on a limit resource',
      '<backend> <realm> <resource>',
      (args) => {
        const a = splitArgs(args);
        need(a, 3, 'limit_interval_reset', '<backend> <realm> <resource>');
        const done = service.backend(a[0] ?? '').resetInterval(a[1] ?? '', a[2] ?? '');
        if (!done) throw new ApiUsageError(`the ${a[0]} backend keeps no rate windows`);
        return ok();
      },
    ),
  ];
}
