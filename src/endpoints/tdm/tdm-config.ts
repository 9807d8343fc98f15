/**
 * tdm.conf.xml: spans, their channels and per-port params. Params may sit on the span (defaults
 * for its channels) or on a `<channels>` element (overriding them); docs/tdm.md lists each one
 * with its chan_dahdi.conf counterpart.
 *
 * ```xml
 * <span id="1" driver="auto" ports="4">
 *   <param name="tone-country" value="us"/>
 *   <channels range="1,3" type="fxs" group="phones"> <param .../> </channels>
 *   <channels range="2,4" type="fxo" group="pstn"> <param .../> </channels>
 * </span>
 * ```
 *
 * Every problem is a TSW_ERR_CONFIG_PARAM naming the file:line of the element at fault.
 */
import {
  defineSchema,
  readParamList,
  validateParams,
  type ParamEntry,
  type SettingsOf,
} from '../../config/schema.js';
import { childrenNamed, firstChild, type XmlNode } from '../../config/xml-node.js';
import { TswError, type SourceLocation } from '../../core/errors.js';
import { toneProfile } from '../../media/tone-detect.js';
import { TONE_COUNTRIES } from '../../media/tones.js';

export const PORT_SCHEMA = defineSchema({
  context: { type: 'string', default: 'default', description: 'Dialplan context of calls from the port' },
  dialplan: { type: 'string', default: 'XML' },
  did: { type: 'string', default: 's', description: 'FXO: destination of inbound calls' },
  'caller-id-number': { type: 'string', default: '', description: 'FXS: caller ID of the phone' },
  'caller-id-name': { type: 'string', default: '' },
  'digit-map': { type: 'string', default: '', description: 'FXS: regex that ends dialling on a match' },
  'first-digit-timeout': { type: 'int', default: 16000, min: 1000, max: 120000 },
  'interdigit-timeout': { type: 'int', default: 4000, min: 500, max: 60000 },
  'tone-country': { type: 'string', default: '' },
  'caller-id': { type: 'enum', values: ['dtmf', 'bell202', 'v23', 'none'], default: 'dtmf' },
  'caller-id-start': { type: 'enum', values: ['ring', 'polarity'], default: 'ring' },
  'caller-id-generator': { type: 'enum', values: ['auto', 'engine'], default: 'auto' },
  'caller-id-format': {
    type: 'enum',
    values: ['mdmf', 'sdmf'],
    default: 'mdmf',
    description: 'FXS: FSK message format',
  },
  'rings-before-answer': { type: 'int', default: 1, min: 1, max: 20 },
  'ring-timeout': { type: 'int', default: 8000, min: 1000, max: 60000 },
  'rx-gain': { type: 'string', default: '0', pattern: /^-?\d+(\.\d+)?$/ },
  'tx-gain': { type: 'string', default: '0', pattern: /^-?\d+(\.\d+)?$/ },
  'echo-tail-ms': { type: 'int', default: 0, min: 0, max: 256 },
  'echo-nlp': { type: 'bool', default: true, description: 'residual echo suppression after the canceller' },
  'echo-canceller': { type: 'enum', values: ['engine', 'driver'], default: 'engine' },
  'answer-supervision': { type: 'string', default: 'immediate', pattern: /^(immediate|polarity|delay:\d+)$/ },
  'disconnect-supervision': {
    type: 'string',
    default: 'loop-drop',
    pattern: /^(none|(loop-drop|polarity|tone)(,(loop-drop|polarity|tone))*)$/,
  },
  'disconnect-tone': {
    type: 'string',
    default: '',
    description: 'FXO: extra tone_stream that means hang-up',
  },
  'silence-timeout': { type: 'int', default: 0, min: 0, max: 3600000 },
  'silence-threshold': {
    type: 'int',
    default: -45,
    min: -90,
    max: 0,
    description: 'dBm0; quieter is silence',
  },
  'wait-for-dial-tone': {
    type: 'int',
    default: 0,
    min: 0,
    max: 60000,
    description: 'FXO: 0 = fixed dial-delay',
  },
  'dial-delay': { type: 'int', default: 500, min: 0, max: 10000, description: 'FXO: seize to first digit' },
  'dtmf-duration': { type: 'int', default: 100, min: 40, max: 500 },
  'hangup-tone': { type: 'enum', values: ['busy', 'reorder', 'none'], default: 'busy' },
  'loop-drop-on-hangup': { type: 'bool', default: true, description: 'FXS: open switch interval' },
});

/** Loop-card options a loop span may set (ignored on DAHDI). */
export const LOOP_SCHEMA = defineSchema({
  'loop-ring-on-ms': { type: 'int', default: 2000, min: 100, max: 10000 },
  'loop-ring-off-ms': { type: 'int', default: 4000, min: 0, max: 10000 },
  'loop-flash-max-break-ms': { type: 'int', default: 1000, min: 200, max: 5000 },
  'loop-reversal-on-answer': { type: 'bool', default: false },
  'loop-echo-delay-ms': {
    type: 'int',
    default: 0,
    min: 0,
    max: 500,
    description: 'hybrid echo delay, both sides of every pair',
  },
  'loop-echo-erl-db': {
    type: 'string',
    default: '',
    pattern: /^\d+(\.\d+)?$/,
    description: 'hybrid echo return loss in dB (0..90); unset: no echo',
  },
});

export type PortParams = SettingsOf<typeof PORT_SCHEMA>;
export type AnswerSupervision = { kind: 'immediate' } | { kind: 'polarity' } | { kind: 'delay'; ms: number };

export interface PortConfig {
  span: number;
  channel: number;
  type: 'fxs' | 'fxo';
  groups: string[];
  params: PortParams;
  digitMap: RegExp | undefined;
  rxGainDb: number;
  txGainDb: number;
  answer: AnswerSupervision;
  disconnect: Set<'loop-drop' | 'polarity' | 'tone'>;
  loc: SourceLocation;
}

export interface SpanConfig {
  id: number;
  driver: 'loop' | 'dahdi' | 'auto';
  ports: number;
  loop: SettingsOf<typeof LOOP_SCHEMA>;
  /** The loop card's hybrid echo (`loop-echo-delay-ms`, `loop-echo-erl-db`); undefined: none. */
  loopEcho: { delayMs: number; erlDb: number } | undefined;
  loc: SourceLocation;
}

export interface TdmConfig {
  spans: SpanConfig[];
  ports: PortConfig[];
  /** Group name → ports in the order they were listed. */
  groups: Map<string, PortConfig[]>;
}

function fail(loc: SourceLocation | undefined, message: string): never {
  throw new TswError('TSW_ERR_CONFIG_PARAM', `tdm.conf: ${message}`, { location: loc });
}

/** Parses `1-4,7` into channel numbers. */
export function parseRange(text: string, loc: SourceLocation): number[] {
  const out: number[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) fail(loc, `range "${text}" is not a list of channels like 1-4,7`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (lo < 1 || hi < lo) fail(loc, `range "${part.trim()}" is empty or starts below 1`);
    for (let n = lo; n <= hi; n++) out.push(n);
  }
  return out;
}

function params(node: XmlNode): ReturnType<typeof readParamList> {
  return readParamList(node, 'param');
}

function checkPort(
  p: PortParams,
  loc: SourceLocation,
): Pick<PortConfig, 'digitMap' | 'rxGainDb' | 'txGainDb' | 'answer' | 'disconnect'> {
  let digitMap: RegExp | undefined;
  if (p['digit-map'] !== '') {
    try {
      digitMap = new RegExp(p['digit-map']);
    } catch (err) {
      fail(loc, `digit-map "${p['digit-map']}" is not a valid regex (${(err as Error).message})`);
    }
  }
  const country = p['tone-country'].trim().toLowerCase();
  if (country !== '' && !(TONE_COUNTRIES as readonly string[]).includes(country)) {
    fail(loc, `tone-country "${country}" is not one of ${TONE_COUNTRIES.join(', ')}`);
  }
  const rx = Number(p['rx-gain']);
  const tx = Number(p['tx-gain']);
  if (Math.abs(rx) > 24 || Math.abs(tx) > 24) fail(loc, 'rx-gain and tx-gain must be -24..24 dB');
  const a = p['answer-supervision'];
  const answer: AnswerSupervision = a.startsWith('delay:')
    ? { kind: 'delay', ms: Number(a.slice(6)) }
    : { kind: a as 'immediate' | 'polarity' };
  if (p['echo-canceller'] === 'engine' && p['echo-tail-ms'] > 0 && p['echo-tail-ms'] < 16) {
    fail(loc, `echo-tail-ms ${p['echo-tail-ms']} is below the engine canceller's 16 ms (0 turns it off)`);
  }
  if (p['disconnect-tone'] !== '') {
    try {
      toneProfile({ name: 'disconnect', tone: p['disconnect-tone'] });
    } catch (err) {
      fail(loc, `disconnect-tone "${p['disconnect-tone']}" cannot be detected: ${(err as Error).message}`);
    }
  }
  if (p['caller-id-format'] === 'sdmf' && p['caller-id'] !== 'bell202') {
    fail(loc, 'caller-id-format sdmf is a Bell 202 format: set caller-id to bell202');
  }
  const d = p['disconnect-supervision'];
  const disconnect = new Set(d === 'none' ? [] : (d.split(',') as ('loop-drop' | 'polarity' | 'tone')[]));
  return { digitMap, rxGainDb: rx, txGainDb: tx, answer, disconnect };
}

/** The hybrid echo a loop span asks for: on once `loop-echo-erl-db` is given. */
function readLoopEcho(
  id: number,
  values: SettingsOf<typeof LOOP_SCHEMA>,
  entries: ParamEntry[],
  loc: SourceLocation,
): SpanConfig['loopEcho'] {
  const where = (name: string): SourceLocation =>
    entries.find((e) => e.name.toLowerCase() === name)?.loc ?? loc;
  const erlText = values['loop-echo-erl-db'];
  if (erlText === '') {
    if (entries.some((e) => e.name.toLowerCase() === 'loop-echo-delay-ms')) {
      fail(
        where('loop-echo-delay-ms'),
        `span ${id}: loop-echo-delay-ms needs loop-echo-erl-db (the echo's loss)`,
      );
    }
    return undefined;
  }
  const erlDb = Number(erlText);
  if (!(erlDb >= 0 && erlDb <= 90))
    fail(where('loop-echo-erl-db'), `span ${id}: loop-echo-erl-db must be 0..90 dB`);
  return { delayMs: values['loop-echo-delay-ms'], erlDb };
}

function readSpan(node: XmlNode, seen: Set<number>, out: TdmConfig): void {
  const id = Number(node.attrs.id);
  if (!Number.isInteger(id) || id < 1) fail(node.loc, `<span> needs id="<number from 1>"`);
  if (seen.has(id)) fail(node.loc, `span ${id} is defined twice`);
  seen.add(id);
  const driver = node.attrs.driver ?? 'auto';
  if (driver !== 'loop' && driver !== 'dahdi' && driver !== 'auto') {
    fail(node.loc, `span ${id}: driver "${driver}" must be loop, dahdi or auto`);
  }
  const ports = Number(node.attrs.ports ?? '2');
  if (!Number.isInteger(ports) || ports < 1 || ports > 64) fail(node.loc, `span ${id}: ports must be 1..64`);
  const own = params(node);
  const loopEntries = own.filter((e) => e.name.toLowerCase().startsWith('loop-'));
  const portEntries = own.filter((e) => !e.name.toLowerCase().startsWith('loop-'));
  const loop = validateParams(loopEntries, LOOP_SCHEMA, node.loc);
  if (loop.errors[0]) throw loop.errors[0];
  const loopEcho = readLoopEcho(id, loop.values, loopEntries, node.loc);
  out.spans.push({ id, driver, ports, loop: loop.values, loopEcho, loc: node.loc });
  const taken = new Set<number>();
  for (const ch of childrenNamed(node, 'channels')) {
    const type = ch.attrs.type;
    if (type !== 'fxs' && type !== 'fxo') fail(ch.loc, `<channels> type "${type ?? ''}" must be fxs or fxo`);
    const range = parseRange(ch.attrs.range ?? '', ch.loc);
    const merged = validateParams([...portEntries, ...params(ch)], PORT_SCHEMA, ch.loc);
    if (merged.errors[0]) throw merged.errors[0];
    const checked = checkPort(merged.values, ch.loc);
    const groups = (ch.attrs.group ?? '')
      .split(',')
      .map((g) => g.trim())
      .filter((g) => g !== '');
    for (const g of groups) if (/^\d/.test(g)) fail(ch.loc, `group "${g}" must not start with a digit`);
    for (const n of range) {
      if (n > ports) fail(ch.loc, `channel ${n} is beyond span ${id}'s ${ports} ports`);
      if (taken.has(n)) fail(ch.loc, `channel ${n} of span ${id} is configured twice`);
      taken.add(n);
      const port: PortConfig = {
        span: id,
        channel: n,
        type,
        groups,
        params: merged.values,
        ...checked,
        loc: ch.loc,
      };
      out.ports.push(port);
      for (const g of groups) {
        const list = out.groups.get(g) ?? [];
        list.push(port);
        out.groups.set(g, list);
      }
    }
  }
}

/** Reads `<configuration name="tdm.conf">`; an absent file means no spans. */
export function readTdmConfig(conf: XmlNode | undefined): TdmConfig {
  const out: TdmConfig = { spans: [], ports: [], groups: new Map() };
  const spans = firstChild(conf, 'spans');
  const seen = new Set<number>();
  for (const span of childrenNamed(spans, 'span')) readSpan(span, seen, out);
  return out;
}
