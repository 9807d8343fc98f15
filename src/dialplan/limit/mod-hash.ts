/**
 * mod_hash: an in-memory key/value store (`hash` application and command,
 * `hash_dump`) and the `hash` limit backend. Everything lives in this core's
 * memory and is lost when it stops.
 *
 *   hash insert/<realm>/<key>/<value>      application and API
 *   hash insert_ifempty/<realm>/<key>/<value>
 *   hash delete/<realm>/<key>
 *   hash delete_ifmatch/<realm>/<key>/<value>
 *   hash select/<realm>/<key>              API only: replies with the value
 */
import { ApiUsageError, type ApiCommand } from '../../core/api.js';
import type { Application } from '../../core/application.js';
import { api, ok } from '../../core/commands/define.js';
import type { TswModule } from '../../core/module.js';
import { HashLimitBackend } from './hash-limit-backend.js';
import { HashStore } from './hash-store.js';
import { limitService } from './limit-service.js';
import { parseRealmKey } from './realm-key.js';

const APP_SYNTAX = 'insert|insert_ifempty|delete|delete_ifmatch/<realm>/<key>[/<value>]';
const API_SYNTAX = 'insert|insert_ifempty|select|delete|delete_ifmatch/<realm>/<key>[/<value>]';

/** Runs one hash operation; returns the reply text, or undefined for bad arguments. */
function hashOp(store: HashStore, text: string, allowSelect: boolean): string | undefined {
  const { op, realm, key, value } = parseRealmKey(text);
  if (realm === '' || key === '') return undefined;
  switch (op) {
    case 'insert':
      if (value === undefined) return undefined;
      store.set(realm, key, value);
      return ok();
    case 'insert_ifempty':
      if (value === undefined) return undefined;
      if (store.get(realm, key) !== undefined) return '-ERR key already exists\n';
      store.set(realm, key, value);
      return ok();
    case 'delete':
      return store.delete(realm, key) ? ok() : '-ERR Not found\n';
    case 'delete_ifmatch': {
      if (value === undefined) return undefined;
      if (store.get(realm, key) === undefined) return '-ERR Not found\n';
      return store.delete(realm, key, value) ? ok() : "-ERR Doesn't match\n";
    }
    case 'select':
      return allowSelect ? (store.get(realm, key) ?? '') : undefined;
    default:
      return undefined;
  }
}

function hashApplication(store: HashStore): Application {
  return {
    name: 'hash',
    description: 'Insert or delete a value in the in-memory hash',
    syntax: APP_SYNTAX,
    flags: { inline: true },
    run(s, data) {
      if (hashOp(store, data, false) === undefined)
        throw new Error(`hash: expected ${APP_SYNTAX}, got "${data}"`);
    },
  };
}

function hashApis(store: HashStore, backend: HashLimitBackend): ApiCommand[] {
  return [
    api('hash', 'Read and write the in-memory hash', API_SYNTAX, (args) => {
      const reply = hashOp(store, args, true);
      if (reply === undefined) throw new ApiUsageError(`Usage: hash ${API_SYNTAX}`);
      return reply;
    }),
    api('hash_dump', 'List hash values (D/) and limit counters (L/)', 'all|limit|db [<realm>]', (args) => {
      const [what = '', realm] = args.split(/\s+/);
      if (!['all', 'limit', 'db'].includes(what))
        throw new ApiUsageError('USAGE: hash_dump all|limit|db [<realm>]');
      const lines: string[] = [];
      if (what !== 'db') lines.push(...backend.dump());
      if (what !== 'limit') {
        for (const [r, k, v] of store.entries(realm)) lines.push(`D/${r}_${k}/${v}`);
      }
      return lines.map((l) => `${l}\n`).join('');
    }),
  ];
}

export function createModHash(): TswModule {
  return {
    name: 'mod_hash',
    description: 'In-memory key/value store and the hash limit backend',
    load(ctx) {
      const store = new HashStore();
      const backend = new HashLimitBackend(() => ctx.core.timers.now());
      ctx.addApplication(hashApplication(store));
      for (const cmd of hashApis(store, backend)) ctx.addApi(cmd);
      limitService(ctx.core).attach(ctx, backend);
    },
  };
}
