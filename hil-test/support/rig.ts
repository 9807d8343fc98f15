/**
 * The rig a HIL run targets. `run-hil.js --rig <file>` puts the file's path in TSW_HIL_RIG; with
 * no rig, suites use the virtual loopbacks they can build on this machine.
 *
 * A rig file is JSON. Each section describes one kind of wired device; a suite whose section is
 * missing from the file reports itself as pending. hil-test/rigs/ holds examples.
 */
import { existsSync, readFileSync } from 'node:fs';

/** One FXS port wired to one FXO port by a cable (or, on the loop card, by the card itself). */
export interface TdmRigPair {
  span: number;
  fxs: number;
  fxo: number;
}

export interface TdmRig {
  /** `loop` (the virtual loop card) or `dahdi` (a real card). */
  driver: 'loop' | 'dahdi';
  /** Ports per span as mod_tdm is to configure them; a span not listed gets its highest wired port. */
  spans?: Record<string, number>;
  /** Wired FXS/FXO pairs; the suite runs its calls on the first and checks every pair answers. */
  pairs: TdmRigPair[];
  /** DAHDI's device directory (default /dev/dahdi). */
  devDir?: string;
  /** Loss of the FXS→FXO cable path in dB; the level checks expect it (default 0). */
  lossDb?: number;
  /** How far a received tone level may be from the expected one, in dB (default 1.5). */
  levelToleranceDb?: number;
  /** Tone set of the FXS ports (busy tone for disconnect supervision; default us). */
  toneCountry?: string;
  /** Hybrid echo of the loop card for the echo test (ignored on DAHDI, where the line has its own). */
  loopEcho?: { delayMs: number; erlDb: number };
}

export interface HilRig {
  /** Sound devices wired output-to-input, by PortAudio name. */
  sound?: { output: string; input: string; sampleRate?: number };
  /** TDM ports wired FXS to FXO. */
  tdm?: TdmRig;
}

export const RIG_ENV = 'TSW_HIL_RIG';

/** The rig named by TSW_HIL_RIG, or null for the virtual rig. Throws on an unreadable file. */
export function loadRig(): HilRig | null {
  const file = process.env[RIG_ENV];
  if (!file) return null;
  let rig: HilRig;
  try {
    rig = JSON.parse(readFileSync(file, 'utf8')) as HilRig;
  } catch (err) {
    throw new Error(`rig file ${file}: ${(err as Error).message}`, { cause: err });
  }
  if (rig.tdm !== undefined) checkTdmRig(rig.tdm, file);
  return rig;
}

/**
 * The virtual rig's TDM wiring: one loop-card span of 4 ports, where the card wires FXS 1 to
 * FXO 2 and FXS 3 to FXO 4. Its hybrids return an echo 8 ms late at 10 dB ERL, a short line into
 * an ordinary 2-wire phone.
 */
export const VIRTUAL_TDM_RIG: TdmRig = {
  driver: 'loop',
  spans: { '1': 4 },
  pairs: [
    { span: 1, fxs: 1, fxo: 2 },
    { span: 1, fxs: 3, fxo: 4 },
  ],
  lossDb: 0,
  levelToleranceDb: 1.5,
  toneCountry: 'us',
  loopEcho: { delayMs: 8, erlDb: 10 },
};

function positiveInt(v: unknown): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 1024;
}

/** Throws an error naming the file and the field at fault. */
export function checkTdmRig(tdm: TdmRig, file: string): void {
  const bad = (what: string): never => {
    throw new Error(`rig file ${file}: tdm.${what}`);
  };
  if (typeof tdm !== 'object' || tdm === null) bad(' must be an object');
  if (tdm.driver !== 'loop' && tdm.driver !== 'dahdi') bad(`driver must be "loop" or "dahdi"`);
  if (!Array.isArray(tdm.pairs) || tdm.pairs.length === 0) bad('pairs must list at least one pair');
  const used = new Set<string>();
  tdm.pairs.forEach((p, i) => {
    for (const k of ['span', 'fxs', 'fxo'] as const) {
      if (!positiveInt(p[k])) bad(`pairs[${i}].${k} must be a channel number from 1`);
    }
    for (const ch of [p.fxs, p.fxo]) {
      const key = `${p.span}/${ch}`;
      if (used.has(key)) bad(`pairs[${i}]: port ${key} is wired twice`);
      used.add(key);
    }
    if (tdm.driver === 'loop' && (p.fxs % 2 !== 1 || p.fxo !== p.fxs + 1)) {
      bad(`pairs[${i}]: the loop card wires FXS 2k+1 to FXO 2k+2, not ${p.fxs} to ${p.fxo}`);
    }
  });
  for (const [span, ports] of Object.entries(tdm.spans ?? {})) {
    if (!positiveInt(Number(span)) || !positiveInt(ports) || ports > 64)
      bad(`spans.${span} must be 1..64 ports`);
  }
  if (tdm.lossDb !== undefined && (typeof tdm.lossDb !== 'number' || tdm.lossDb < 0 || tdm.lossDb > 20)) {
    bad('lossDb must be 0..20');
  }
  if (tdm.loopEcho !== undefined) {
    const e = tdm.loopEcho;
    if (typeof e.delayMs !== 'number' || typeof e.erlDb !== 'number') bad('loopEcho needs delayMs and erlDb');
  }
}

/** Ports of each span: the rig's figure, else the highest wired port (even on the loop card). */
export function spanPorts(tdm: TdmRig): Map<number, number> {
  const out = new Map<number, number>();
  for (const p of tdm.pairs) out.set(p.span, Math.max(out.get(p.span) ?? 0, p.fxs, p.fxo));
  for (const [span, n] of out) if (tdm.driver === 'loop' && n % 2 === 1) out.set(span, n + 1);
  for (const [span, n] of Object.entries(tdm.spans ?? {})) out.set(Number(span), n);
  return out;
}

/**
 * The TDM rig to run on, or why it cannot run here: a rig file without a `tdm` section, or a
 * DAHDI rig on a machine without DAHDI's devices.
 */
export function tdmRig(rig: HilRig | null = loadRig()): { rig: TdmRig } | { pending: string } {
  if (rig === null) return { rig: VIRTUAL_TDM_RIG };
  if (rig.tdm === undefined) {
    return {
      pending: `the rig file in ${RIG_ENV} has no "tdm" section (see hil-test/rigs/dahdi-example.json)`,
    };
  }
  const dev = rig.tdm.devDir ?? '/dev/dahdi';
  if (rig.tdm.driver === 'dahdi' && !existsSync(dev)) {
    return { pending: `the rig wants DAHDI ports but ${dev} does not exist (no DAHDI kernel driver here)` };
  }
  return { rig: rig.tdm };
}
