/**
 * Declared module settings. A module describes its params once:
 *
 * ```ts
 * const schema = defineSchema({
 *   'listen-ip': { type: 'ip', default: '127.0.0.1' },
 *   'listen-port': { type: 'port', default: 8021 },
 *   password: { type: 'string', required: true },
 *   'apply-inbound-acl': { type: 'string' },
 * });
 * const { values, errors } = readSettings(tree.configuration('event_socket'), schema);
 * values['listen-port']; // number
 * ```
 *
 * and gets typed values plus one TSW_ERR_CONFIG_PARAM per problem, each naming
 * the param's original file:line. This replaces the chains of string compares
 * FreeSWITCH modules use to read `<settings><param name=".." value=".."/>`.
 */
import { isIP, isIPv4 } from 'node:net';
import { TswError } from '../core/errors.js';
import type { SourceLocation } from '../core/errors.js';
import { parseSwitchBool } from './bool-words.js';
import { firstChild } from './xml-node.js';
import type { XmlNode } from './xml-node.js';

interface ParamBase {
  description?: string;
  required?: boolean;
}
export interface StringParam extends ParamBase {
  type: 'string';
  default?: string;
  /** When given, the value must match. */
  pattern?: RegExp;
}
export interface IntParam extends ParamBase {
  type: 'int';
  default?: number;
  min?: number;
  max?: number;
}
/** A UDP/TCP port: an int in 1..65535 unless min/max say otherwise (0 may mean "any"). */
export interface PortParam extends ParamBase {
  type: 'port';
  default?: number;
  min?: number;
  max?: number;
}
export interface BoolParam extends ParamBase {
  type: 'bool';
  default?: boolean;
}
export interface EnumParam<V extends string = string> extends ParamBase {
  type: 'enum';
  values: readonly V[];
  default?: V;
}
/** An address: `ipv4` only dotted quads, `ip` either family. */
export interface IpParam extends ParamBase {
  type: 'ip' | 'ipv4';
  default?: string;
}
/** A network in CIDR form (`192.168.0.0/16`, `2001:db8::/32`). */
export interface CidrParam extends ParamBase {
  type: 'cidr';
  default?: string;
}

export type ParamSpec = StringParam | IntParam | PortParam | BoolParam | EnumParam | IpParam | CidrParam;
export type Schema = Record<string, ParamSpec>;

/** The TypeScript type a param's value has. */
export type ParamValue<P extends ParamSpec> = P extends { type: 'int' | 'port' }
  ? number
  : P extends { type: 'bool' }
    ? boolean
    : P extends { type: 'enum'; values: readonly (infer V)[] }
      ? V
      : string;

/** Params with a default or marked required always have a value; the others may be undefined. */
export type SettingsOf<S extends Schema> = {
  [K in keyof S]: S[K] extends { default: unknown } | { required: true }
    ? ParamValue<S[K]>
    : ParamValue<S[K]> | undefined;
};

/** Identity function that keeps the literal types of a schema (enum values, defaults). */
export function defineSchema<const S extends Schema>(schema: S): S {
  return schema;
}

/** One `<param name=".." value=".."/>` (or any element of that shape) with its location. */
export interface ParamEntry {
  name: string;
  value: string;
  loc: SourceLocation;
  node: XmlNode;
}

/**
 * The direct children of `node` called `elementName`, read as name/value pairs.
 * `<param>`, `<variable>` and `<load module=..>` lists all have this shape; the
 * attribute names can be changed for the ones that differ.
 */
export function readParamList(
  node: XmlNode | undefined,
  elementName = 'param',
  keys: { name?: string; value?: string } = {},
): ParamEntry[] {
  const nameAttr = keys.name ?? 'name';
  const valueAttr = keys.value ?? 'value';
  const out: ParamEntry[] = [];
  for (const c of node?.children ?? []) {
    if (c.name !== elementName) continue;
    out.push({ name: c.attrs[nameAttr] ?? '', value: c.attrs[valueAttr] ?? '', loc: c.loc, node: c });
  }
  return out;
}

export interface SettingsResult<S extends Schema> {
  values: SettingsOf<S>;
  /** One TSW_ERR_CONFIG_PARAM per problem; a param in error keeps its default. */
  errors: TswError[];
  /** Names (as declared in the schema) that were actually present in the file. */
  present: Set<keyof S & string>;
}

/** Reads `<configuration><settings><param .../></settings></configuration>` against a schema. */
export function readSettings<S extends Schema>(
  configuration: XmlNode | undefined,
  schema: S,
): SettingsResult<S> {
  const settings = firstChild(configuration, 'settings');
  return validateParams(readParamList(settings, 'param'), schema, settings?.loc ?? configuration?.loc);
}

/**
 * Checks a list of entries against a schema. Names match case-insensitively, as
 * FreeSWITCH compares them with strcasecmp; a repeated param's last value wins.
 * `where` locates "missing required" errors (usually the enclosing element).
 */
export function validateParams<S extends Schema>(
  entries: readonly ParamEntry[],
  schema: S,
  where?: SourceLocation,
): SettingsResult<S> {
  const byLower = new Map<string, string>();
  for (const k of Object.keys(schema)) byLower.set(k.toLowerCase(), k);
  const values: Record<string, unknown> = {};
  for (const [k, spec] of Object.entries(schema)) values[k] = spec.default;
  const errors: TswError[] = [];
  const present = new Set<keyof S & string>();
  for (const e of entries) {
    const key = byLower.get(e.name.toLowerCase());
    const spec = key === undefined ? undefined : schema[key];
    if (key === undefined || !spec) {
      errors.push(paramError(e.loc, `unknown param "${e.name}"`));
      continue;
    }
    const parsed = convert(spec, e.value);
    if (typeof parsed === 'object') {
      errors.push(paramError(e.loc, `param "${e.name}" value "${e.value}" ${parsed.problem}`));
      continue;
    }
    values[key] = parsed;
    present.add(key);
  }
  for (const [k, spec] of Object.entries(schema)) {
    if (spec.required && values[k] === undefined) {
      errors.push(paramError(where, `required param "${k}" is missing`));
    }
  }
  return { values: values as SettingsOf<S>, errors, present };
}

function paramError(loc: SourceLocation | undefined, message: string): TswError {
  return new TswError('TSW_ERR_CONFIG_PARAM', message, { location: loc });
}

type Converted = string | number | boolean | { problem: string };

/** Converts one raw value; a `{ problem }` says what is wrong, in words for the operator. */
export function convert(spec: ParamSpec, raw: string): Converted {
  const v = raw.trim();
  switch (spec.type) {
    case 'string':
      return spec.pattern && !spec.pattern.test(raw)
        ? { problem: `does not match ${String(spec.pattern)}` }
        : raw;
    case 'int':
      return convertInt(v, spec.min, spec.max);
    case 'port':
      return convertInt(v, spec.min ?? 1, spec.max ?? 65535);
    case 'bool': {
      const b = parseSwitchBool(v);
      return b ?? { problem: 'is not a boolean (use true/false, yes/no, on/off, enabled/disabled, 1/0)' };
    }
    case 'enum': {
      const hit = spec.values.find((x) => x.toLowerCase() === v.toLowerCase());
      return hit ?? { problem: `is not one of ${spec.values.join(', ')}` };
    }
    case 'ipv4':
      return isIPv4(v) ? v : { problem: 'is not an IPv4 address' };
    case 'ip':
      return isIP(v) !== 0 ? v : { problem: 'is not an IP address' };
    case 'cidr':
      return isCidr(v) ? v : { problem: 'is not a network in CIDR form (address/prefix)' };
  }
}

function convertInt(v: string, min: number | undefined, max: number | undefined): Converted {
  if (!/^[+-]?\d+$/.test(v)) return { problem: 'is not an integer' };
  const n = Number(v);
  if ((min !== undefined && n < min) || (max !== undefined && n > max)) {
    return { problem: `is out of range ${min ?? '-∞'}..${max ?? '∞'}` };
  }
  return n;
}

function isCidr(v: string): boolean {
  const slash = v.lastIndexOf('/');
  if (slash < 0) return false;
  const family = isIP(v.slice(0, slash));
  const bits = v.slice(slash + 1);
  if (family === 0 || !/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}
