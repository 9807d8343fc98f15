/**
 * The error catalogue. Every error the core raises on purpose is a {@link TswError}
 * with a stable code, so that callers, tests and operators can match on the code
 * rather than on message text. A message says what is wrong and, where it helps,
 * what to do about it. Configuration errors carry the original `file:line`.
 */

export const ErrorCodes = {
  /** An XML file does not parse. */
  TSW_ERR_CONFIG_PARSE: 'TSW_ERR_CONFIG_PARSE',
  /** An X-PRE-PROCESS include names a missing file, or forms a cycle. */
  TSW_ERR_CONFIG_INCLUDE: 'TSW_ERR_CONFIG_INCLUDE',
  /** An X-PRE-PROCESS instruction is malformed or unknown. */
  TSW_ERR_CONFIG_PREPROCESS: 'TSW_ERR_CONFIG_PREPROCESS',
  /** A module's param is unknown, of the wrong type or out of range. */
  TSW_ERR_CONFIG_PARAM: 'TSW_ERR_CONFIG_PARAM',
  /** The config tree is structurally wrong (no root document, bad section). */
  TSW_ERR_CONFIG: 'TSW_ERR_CONFIG',
  /** A module is unknown, fails to load, or cannot be unloaded. */
  TSW_ERR_MODULE: 'TSW_ERR_MODULE',
  /** A name is already registered in a registry. */
  TSW_ERR_REGISTRY: 'TSW_ERR_REGISTRY',
  /** A state machine was asked for a transition its table does not allow. */
  TSW_ERR_STATE: 'TSW_ERR_STATE',
  /** An API command was called with bad arguments. */
  TSW_ERR_API_ARGS: 'TSW_ERR_API_ARGS',
  /** No such channel, endpoint, application or command. */
  TSW_ERR_NOT_FOUND: 'TSW_ERR_NOT_FOUND',
  /** A dial string cannot be parsed or routed. */
  TSW_ERR_DIALSTRING: 'TSW_ERR_DIALSTRING',
  /** The core database failed. */
  TSW_ERR_DB: 'TSW_ERR_DB',
  /** An event socket client sent something the protocol does not allow. */
  TSW_ERR_ESL: 'TSW_ERR_ESL',
  /** The native addon is missing or a native call failed. */
  TSW_ERR_NATIVE: 'TSW_ERR_NATIVE',
  /** A command-line flag is unknown or lacks its value. */
  TSW_ERR_FLAGS: 'TSW_ERR_FLAGS',
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

/** Where in the original (unexpanded) configuration something was found. */
export interface SourceLocation {
  file: string;
  line: number;
}

export function formatLocation(loc: SourceLocation): string {
  return `${loc.file}:${loc.line}`;
}

export class TswError extends Error {
  readonly code: ErrorCode;
  readonly location: SourceLocation | undefined;

  constructor(code: ErrorCode, message: string, options?: { location?: SourceLocation; cause?: unknown }) {
    const where = options?.location ? `${formatLocation(options.location)}: ` : '';
    super(`${where}${message}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TswError';
    this.code = code;
    this.location = options?.location;
  }
}

/** True when `err` is a TswError, optionally with the given code. */
export function isTswError(err: unknown, code?: ErrorCode): err is TswError {
  return err instanceof TswError && (code === undefined || err.code === code);
}

/** A printable message for anything thrown. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
