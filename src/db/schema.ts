/**
 * The core database schema and its migrations. The schema version lives in
 * `PRAGMA user_version`: each migration moves the file from version N-1 to N
 * inside one transaction, so a crash half-way leaves the old version intact.
 */
import type Database from 'better-sqlite3';
import { TswError } from '../core/errors.js';

/** The version this code writes. A file with a higher version came from newer code. */
export const SCHEMA_VERSION = 2;

interface Migration {
  /** The version the file has after this migration. */
  readonly version: number;
  readonly sql: string;
}

// Version 1: FreeSWITCH's core tables (switch_core_sqldb.c) with column types
// SQLite understands, plus the registrar columns and the two calls views.
const V1 = `
CREATE TABLE channels (
  uuid TEXT NOT NULL,
  direction TEXT,
  created TEXT,
  created_epoch INTEGER,
  name TEXT,
  state TEXT,
  cid_name TEXT,
  cid_num TEXT,
  ip_addr TEXT,
  dest TEXT,
  application TEXT,
  application_data TEXT,
  dialplan TEXT,
  context TEXT,
  read_codec TEXT,
  read_rate TEXT,
  read_bit_rate TEXT,
  write_codec TEXT,
  write_rate TEXT,
  write_bit_rate TEXT,
  secure TEXT,
  hostname TEXT NOT NULL,
  presence_id TEXT,
  presence_data TEXT,
  accountcode TEXT,
  callstate TEXT,
  callee_name TEXT,
  callee_num TEXT,
  callee_direction TEXT,
  call_uuid TEXT,
  sent_callee_name TEXT,
  sent_callee_num TEXT,
  initial_cid_name TEXT,
  initial_cid_num TEXT,
  initial_ip_addr TEXT,
  initial_dest TEXT,
  initial_dialplan TEXT,
  initial_context TEXT
);
CREATE UNIQUE INDEX channels_uuid ON channels (uuid);
CREATE INDEX channels_hostname ON channels (hostname, created_epoch);
CREATE INDEX channels_call_uuid ON channels (call_uuid);

CREATE TABLE calls (
  call_uuid TEXT NOT NULL,
  call_created TEXT,
  call_created_epoch INTEGER,
  caller_uuid TEXT NOT NULL,
  callee_uuid TEXT NOT NULL,
  hostname TEXT NOT NULL
);
CREATE INDEX calls_hostname ON calls (hostname);
CREATE INDEX calls_caller ON calls (caller_uuid, hostname);
CREATE INDEX calls_callee ON calls (callee_uuid);
CREATE INDEX calls_call_uuid ON calls (call_uuid);

CREATE TABLE interfaces (
  type TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT,
  ikey TEXT NOT NULL,
  filename TEXT,
  syntax TEXT,
  hostname TEXT NOT NULL
);
CREATE INDEX interfaces_type_name ON interfaces (hostname, type, name);
CREATE INDEX interfaces_ikey ON interfaces (hostname, ikey);

CREATE TABLE registrations (
  reg_user TEXT NOT NULL,
  realm TEXT NOT NULL,
  token TEXT NOT NULL,
  url TEXT,
  expires INTEGER NOT NULL DEFAULT 0,
  network_ip TEXT,
  network_port TEXT,
  network_proto TEXT,
  hostname TEXT NOT NULL,
  metadata TEXT,
  contact TEXT,
  user_agent TEXT,
  call_id TEXT,
  cseq INTEGER,
  profile_name TEXT,
  registered_epoch INTEGER
);
CREATE UNIQUE INDEX registrations_binding ON registrations (hostname, reg_user, realm, token);
CREATE INDEX registrations_expires ON registrations (expires);
CREATE INDEX registrations_call_id ON registrations (call_id);

CREATE TABLE tasks (
  task_id INTEGER NOT NULL,
  task_desc TEXT,
  task_group TEXT,
  task_runtime INTEGER,
  task_sql_manager INTEGER,
  hostname TEXT NOT NULL
);
CREATE UNIQUE INDEX tasks_id ON tasks (hostname, task_id);

${callsView('basic_calls', false)}
${callsView('detailed_calls', true)}
`;

// Version 2: one row per loaded module. FreeSWITCH derives `show modules` from
// the interfaces table, which leaves out a module that registers no interface
// (a log sink, the event socket); this table lists every module that loaded.
const V2 = `
CREATE TABLE modules (
  ikey TEXT NOT NULL,
  filename TEXT,
  description TEXT,
  loaded_epoch INTEGER,
  hostname TEXT NOT NULL
);
CREATE UNIQUE INDEX modules_ikey ON modules (hostname, ikey);
`;

const MIGRATIONS: readonly Migration[] = [
  { version: 1, sql: V1 },
  { version: 2, sql: V2 },
];

/**
 * Builds FreeSWITCH's calls views: each a-leg with its b-leg side by side, plus
 * every channel that is in no call at all. FreeSWITCH filters the b-legs out
 * with `NOT IN (SELECT callee_uuid ...)`; NOT EXISTS is used here because NOT IN
 * hides every row once the subquery yields a NULL.
 */
function callsView(name: string, detailed: boolean): string {
  const shared = ['uuid', 'direction', 'created', 'created_epoch', 'name', 'state', 'cid_name', 'cid_num'];
  const tail = ['ip_addr', 'dest'];
  const detail = detailed
    ? [
        'application',
        'application_data',
        'dialplan',
        'context',
        'read_codec',
        'read_rate',
        'read_bit_rate',
        'write_codec',
        'write_rate',
        'write_bit_rate',
        'secure',
      ]
    : [];
  const presence = ['presence_id', 'presence_data', 'accountcode', 'callstate'];
  const callee = ['callee_name', 'callee_num', 'callee_direction'];
  const aCols = [
    ...shared,
    ...tail,
    ...detail,
    ...(detailed ? ['hostname'] : []),
    ...presence,
    ...callee,
    'call_uuid',
    ...(detailed ? [] : ['hostname']),
    'sent_callee_name',
    'sent_callee_num',
  ];
  const bCols = [
    ...shared,
    ...tail,
    ...detail,
    ...(detailed ? ['hostname'] : []),
    ...presence,
    ...callee,
    ...(detailed ? ['call_uuid'] : []),
    'sent_callee_name',
    'sent_callee_num',
  ];
  const select = [
    ...aCols.map((c) => `a.${c} AS ${c}`),
    ...bCols.map((c) => `b.${c} AS b_${c}`),
    'c.call_created_epoch AS call_created_epoch',
  ].join(', ');
  return (
    `CREATE VIEW ${name} AS SELECT ${select} FROM channels a ` +
    'LEFT JOIN calls c ON a.uuid = c.caller_uuid AND a.hostname = c.hostname ' +
    'LEFT JOIN channels b ON b.uuid = c.callee_uuid AND b.hostname = c.hostname ' +
    'WHERE a.uuid = c.caller_uuid OR NOT EXISTS (SELECT 1 FROM calls x WHERE x.callee_uuid = a.uuid);'
  );
}

/**
 * Brings the file up to {@link SCHEMA_VERSION}. Throws TSW_ERR_DB when the file
 * was written by a newer typeswitch, since this code cannot know its layout.
 */
export function migrate(db: Database.Database, file: string): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new TswError(
      'TSW_ERR_DB',
      `${file} has schema version ${current}, newer than this build's ${SCHEMA_VERSION}; ` +
        'run the matching typeswitch or move the file away',
    );
  }
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      // PRAGMA takes no bound parameters; the value is an integer constant from this file.
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return db.pragma('user_version', { simple: true }) as number;
}
