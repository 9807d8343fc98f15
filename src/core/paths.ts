/**
 * Where the core reads and writes. Every path comes from flags (or their
 * defaults relative to the base dir), never from constants: the appliance image
 * runs read-only under /usr with state in /etc and /var/lib, and a checkout runs
 * in place.
 */
import { resolve } from 'node:path';

export interface CorePaths {
  baseDir: string;
  confDir: string;
  logDir: string;
  dbDir: string;
  runDir: string;
}

export function defaultPaths(baseDir: string, overrides: Partial<CorePaths> = {}): CorePaths {
  const base = resolve(baseDir);
  return {
    baseDir: base,
    confDir: resolve(overrides.confDir ?? `${base}/conf`),
    logDir: resolve(overrides.logDir ?? `${base}/log`),
    dbDir: resolve(overrides.dbDir ?? `${base}/db`),
    runDir: resolve(overrides.runDir ?? `${base}/run`),
  };
}
