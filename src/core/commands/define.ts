/** A small helper for declaring API commands with their help text. */
import type { ApiCommand, ApiContext } from '../api.js';

export function api(
  name: string,
  description: string,
  syntax: string,
  run: (args: string, ctx: ApiContext) => Promise<string> | string,
): ApiCommand {
  return { name, description, syntax, run };
}

/** FreeSWITCH's success reply. */
export function ok(text = ''): string {
  return text === '' ? '+OK\n' : `+OK ${text}\n`;
}
