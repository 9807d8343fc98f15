/** Small helpers for picking apart an event socket command line and its headers. */
import type { EslCommand } from './command-reader.js';
import type { EslConnection } from './esl-connection.js';

/** Splits `word rest` at the first space; `rest` is undefined when there is no space. */
export function splitFirst(s: string): [string, string | undefined] {
  const i = s.indexOf(' ');
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

export function words(s: string): string[] {
  return s.split(' ').filter((w) => w.length > 0);
}

/** A header of the command, by case-insensitive name. */
export function header(cmd: EslCommand, name: string): string | undefined {
  const n = name.toLowerCase();
  return cmd.headers.find(([h]) => h.toLowerCase() === n)?.[1];
}

/** What runs one command word; `args` is the rest of the command line. */
export type EslHandler = (conn: EslConnection, args: string, cmd: EslCommand) => void | Promise<void>;
