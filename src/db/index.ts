/**
 * The core database's public surface: open a {@link CoreDb}, write through its
 * batched queue, and list with `show` formatted as FreeSWITCH prints it.
 */
export { CoreDb, CORE_DB_FILE, type CoreDbOptions } from './core-db.js';
export {
  CALL_COLUMNS,
  CHANNEL_COLUMNS,
  INTERFACE_COLUMNS,
  REGISTRATION_COLUMNS,
  TASK_COLUMNS,
  type CallRow,
  type ChannelRow,
  type InterfaceRow,
  type InterfaceType,
  type RegistrationRow,
  type SqlValue,
  type TaskRow,
} from './columns.js';
export { SCHEMA_VERSION } from './schema.js';
export { SHOW_WHATS, parseShowWhat, type ShowWhat } from './show-queries.js';
export { escapeXml, formatShow, parseShowFormat, type ShowFormat, type ShowResult } from './show-format.js';
export type { TimerFunctions, WriteQueueStats } from './write-queue.js';
