/**
 * Column lists and row types of the core database tables. The names and their
 * order follow FreeSWITCH's core schema (switch_core_sqldb.c), because `show`
 * output and ESL clients that parse it depend on both.
 */

/** A value SQLite can bind: what better-sqlite3 accepts as a parameter. */
export type SqlValue = string | number | bigint | Buffer | null;

/** The `channels` table, in FreeSWITCH's column order. */
export const CHANNEL_COLUMNS = [
  'uuid',
  'direction',
  'created',
  'created_epoch',
  'name',
  'state',
  'cid_name',
  'cid_num',
  'ip_addr',
  'dest',
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
  'hostname',
  'presence_id',
  'presence_data',
  'accountcode',
  'callstate',
  'callee_name',
  'callee_num',
  'callee_direction',
  'call_uuid',
  'sent_callee_name',
  'sent_callee_num',
  'initial_cid_name',
  'initial_cid_num',
  'initial_ip_addr',
  'initial_dest',
  'initial_dialplan',
  'initial_context',
] as const;
export type ChannelColumn = (typeof CHANNEL_COLUMNS)[number];

/**
 * A channel row. Only `uuid` is required: a channel is inserted when it is
 * created and filled in by later updates, as FreeSWITCH's event handlers do.
 * `hostname` defaults to the core's own.
 */
export type ChannelRow = { uuid: string } & Partial<
  Record<Exclude<ChannelColumn, 'uuid'>, string | number | null>
>;

/** The `calls` table: one row per bridged pair of legs. */
export const CALL_COLUMNS = [
  'call_uuid',
  'call_created',
  'call_created_epoch',
  'caller_uuid',
  'callee_uuid',
  'hostname',
] as const;
export type CallColumn = (typeof CALL_COLUMNS)[number];

export interface CallRow {
  /** Identifies the call; FreeSWITCH uses the a-leg's uuid. */
  call_uuid: string;
  caller_uuid: string;
  callee_uuid: string;
  /** When the legs were bridged; defaults to the core's clock. */
  created?: Date;
}

/** The `interfaces` table. `ikey` is the name of the module that registered the interface. */
export const INTERFACE_COLUMNS = [
  'type',
  'name',
  'description',
  'ikey',
  'filename',
  'syntax',
  'hostname',
] as const;
export type InterfaceColumn = (typeof INTERFACE_COLUMNS)[number];

/** Interface kinds as FreeSWITCH names them in the `type` column. */
export type InterfaceType =
  | 'api'
  | 'json_api'
  | 'application'
  | 'chat_application'
  | 'endpoint'
  | 'dialplan'
  | 'codec'
  | 'file'
  | 'timer'
  | 'chat'
  | 'say'
  | 'management'
  | 'limit'
  | 'asr'
  | 'tts'
  | 'directory';

export interface InterfaceRow {
  type: InterfaceType;
  name: string;
  /** The module that registered it. */
  ikey: string;
  description?: string;
  /** The module's file; typeswitch modules are JS files, so this is a path or a package name. */
  filename?: string;
  syntax?: string;
}

/**
 * The `registrations` table. The first ten columns are FreeSWITCH's; the rest
 * hold what a SIP registrar needs to answer and refresh a binding
 * (RFC 3261 §10.3: Call-ID and CSeq order REGISTER requests, Contact is the binding).
 */
export const REGISTRATION_COLUMNS = [
  'reg_user',
  'realm',
  'token',
  'url',
  'expires',
  'network_ip',
  'network_port',
  'network_proto',
  'hostname',
  'metadata',
  'contact',
  'user_agent',
  'call_id',
  'cseq',
  'profile_name',
  'registered_epoch',
] as const;
export type RegistrationColumn = (typeof REGISTRATION_COLUMNS)[number];

/** The columns `show registrations` prints: FreeSWITCH's, in its order. */
export const REGISTRATION_SHOW_COLUMNS = REGISTRATION_COLUMNS.slice(0, 10);

export interface RegistrationRow {
  reg_user: string;
  realm: string;
  /**
   * The binding's key within the user's registrations. FreeSWITCH's registrar
   * stores the Call-ID here; a registrar that allows one binding per user can
   * use a constant.
   */
  token: string;
  url?: string;
  /** Absolute expiry, seconds since the epoch (FreeSWITCH's meaning); 0 never expires. */
  expires: number;
  network_ip?: string;
  network_port?: string | number;
  network_proto?: string;
  metadata?: string;
  contact?: string;
  user_agent?: string;
  call_id?: string;
  cseq?: number;
  profile_name?: string;
  /** When the binding was last refreshed, seconds since the epoch. */
  registered_epoch?: number;
}

/** The `modules` table: one row per loaded module, whether or not it registered interfaces. */
export const MODULE_COLUMNS = ['ikey', 'filename', 'description', 'loaded_epoch', 'hostname'] as const;
export type ModuleColumn = (typeof MODULE_COLUMNS)[number];

export interface ModuleRow {
  /** The module's name (`mod_logfile`), the same key its interfaces carry. */
  ikey: string;
  filename?: string;
  description?: string;
  /** When it loaded, seconds since the epoch; defaults to now. */
  loaded_epoch?: number;
}

/** The `tasks` table (FreeSWITCH's scheduler tasks). */
export const TASK_COLUMNS = [
  'task_id',
  'task_desc',
  'task_group',
  'task_runtime',
  'task_sql_manager',
  'hostname',
] as const;
export type TaskColumn = (typeof TASK_COLUMNS)[number];

export interface TaskRow {
  task_id: number;
  task_desc?: string;
  task_group?: string;
  /** When the task runs next, seconds since the epoch. */
  task_runtime?: number;
  task_sql_manager?: number;
}
