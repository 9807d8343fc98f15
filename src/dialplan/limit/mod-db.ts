/**
 * mod_db: a persistent key/value store in SQLite (`db` application and
 * command) and the `db` limit backend, both in `<db dir>/call_limit.db`.
 *
 *   db insert/<realm>/<key>/<value>   application and API
 *   db delete/<realm>/<key>           application and API
 *   db select/<realm>/<key>           API: the value, or nothing
 *   db exists/<realm>/<key>           API: true or false
 *   db count/<realm>                  API: how many keys the realm holds
 *   db list[/<realm>]                 API: the realms, or a realm's keys, comma-separated
 *
 * `count` and `list` are typeswitch additions.
 */
import { ApiUsageError, type ApiCommand } from '../../core/api.js';
import type { Application } from '../../core/application.js';
import { api, ok } from '../../core/commands/define.js';
import type { TswModule } from '../../core/module.js';
import { DbLimitBackend } from './db-limit-backend.js';
import { DbStore } from './db-store.js';
import { limitService } from './limit-service.js';
import { parseRealmKey } from './realm-key.js';

const APP_SYNTAX = 'insert|delete/<realm>/<key>[/<value>]';
const API_SYNTAX = 'insert|delete|select|exists/<realm>/<key>[/<value>] | count/<realm> | list[/<realm>]';

function dbApplication(store: DbStore): Application {
  return {
    name: 'db',
    description: 'Insert or delete a value in the persistent db',
    syntax: APP_SYNTAX,
    run(_s, data) {
      const { op, realm, key, value } = parseRealmKey(data);
      if (op === 'insert' && realm !== '' && key !== '' && value !== undefined)
        store.insert(realm, key, value);
      else if (op === 'delete' && realm !== '' && key !== '') store.delete(realm, key);
      else throw new Error(`db: expected ${APP_SYNTAX}, got "${data}"`);
    },
  };
}

function dbOp(store: DbStore, args: string): string {
  const { op, realm, key, value } = parseRealmKey(args);
  const bad = (): never => {
    throw new ApiUsageError(`USAGE: db ${API_SYNTAX}`);
  };
  if (op === 'list') return store.list(realm === '' ? undefined : realm).join(',');
  if (realm === '') bad();
  if (op === 'count') return String(store.count(realm));
  if (key === '') bad();
  switch (op) {
    case 'insert':
      if (value === undefined) bad();
      store.insert(realm, key, value ?? '');
      return ok();
    case 'delete':
      store.delete(realm, key);
      return ok();
    case 'select':
      return store.select(realm, key) ?? '';
    case 'exists':
      return store.select(realm, key) === undefined ? 'false' : 'true';
    default:
      return bad();
  }
}

function dbApi(store: DbStore): ApiCommand {
  return api('db', 'Read and write the persistent db', API_SYNTAX, (args) => dbOp(store, args));
}

export function createModDb(): TswModule {
  return {
    name: 'mod_db',
    description: 'Persistent key/value store and the db limit backend (SQLite)',
    load(ctx) {
      const store = DbStore.open(ctx.core.paths.dbDir, ctx.core.hostname);
      // First registered, so it runs last at unload: after the limit backend detaches.
      ctx.onUnload(() => store.close());
      ctx.addApplication(dbApplication(store));
      ctx.addApi(dbApi(store));
      limitService(ctx.core).attach(ctx, new DbLimitBackend(store));
      ctx.log.info(`db store at ${store.path}`);
    },
  };
}
