/**
 * Shared setup for the XML dialplan tests: a real core whose conf/dialplan
 * holds chosen fixture files, a settable clock for time conditions, and a
 * `hunt` helper that routes a throwaway channel without running it.
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Dialplan } from '../../src/core/application.js';
import type { CallerProfile } from '../../src/core/caller-profile.js';
import type { Core } from '../../src/core/core.js';
import { realTimers, type Timers } from '../../src/core/timers.js';
import { makeBaseDir, startTestCore, type TestCore } from '../support/core-harness.js';

/** test/fixtures/dialplan, found from dist/test/dialplan at run time. */
export const DP_FIXTURES = fileURLToPath(new URL('../../../test/fixtures/dialplan/', import.meta.url));

/** Wall-clock time the core sees; tests move it. */
export interface TestClock {
  now: number;
}

export function clockTimers(clock: TestClock): Timers {
  return { ...realTimers, now: () => clock.now };
}

/**
 * Boots a core with the shipped conf/ plus the named fixture files copied
 * into conf/dialplan/ (as `zz-<name>` so they load after the shipped files).
 */
export async function startDialplanCore(fixtures: readonly string[], clock?: TestClock): Promise<TestCore> {
  const base = makeBaseDir();
  for (const f of fixtures) copyFileSync(join(DP_FIXTURES, f), dialplanFile(base, f));
  return startTestCore({ base, ...(clock ? { timers: clockTimers(clock) } : {}) });
}

/** Where a fixture lands in a test core's conf dir. */
export function dialplanFile(base: string, fixture: string): string {
  return join(base, 'conf', 'dialplan', `zz-${basename(fixture)}`);
}

export function writeDialplanFile(base: string, name: string, xml: string): string {
  const file = dialplanFile(base, name);
  writeFileSync(file, xml);
  return file;
}

export function xmlDialplan(core: Core): Dialplan {
  const dp = core.dialplans.get('XML');
  if (!dp) throw new Error('the XML dialplan is not registered');
  return dp;
}

export interface HuntCase {
  context: string;
  profile?: Partial<CallerProfile>;
  variables?: Record<string, string>;
}

export interface HuntOutcome {
  /** The extension name, or undefined when nothing matched. */
  name: string | undefined;
  /** `app(data)` for each application, in order. */
  apps: string[];
  /** The channel's variables after hunting (inline actions change them). */
  variables: ReadonlyMap<string, string>;
}

/** Routes a channel that is created for the purpose and discarded afterwards. */
export async function hunt(core: Core, c: HuntCase, arg = ''): Promise<HuntOutcome> {
  const endpoint = core.endpoints.get('loopback');
  if (!endpoint) throw new Error('mod_loopback is not loaded');
  const session = core.newSession(endpoint, {
    name: 'loopback/hunt-test',
    direction: 'inbound',
    profile: { context: c.context, ...c.profile },
    variables: new Map(Object.entries(c.variables ?? {})),
  });
  try {
    const ext = await xmlDialplan(core).hunt(session, arg);
    return {
      name: ext?.name,
      apps: ext?.applications.map((a) => `${a.app}(${a.data})`) ?? [],
      variables: new Map(session.channel.variables.entries()),
    };
  } finally {
    core.sessions.remove(session);
  }
}
