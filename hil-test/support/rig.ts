/**
 * The rig a HIL run targets. `run-hil.js --rig <file>` puts the file's path in TSW_HIL_RIG; with
 * no rig, suites use the virtual loopbacks they can build on this machine.
 */
import { readFileSync } from 'node:fs';

export interface HilRig {
  /** Sound devices wired output-to-input, by PortAudio name. */
  sound?: { output: string; input: string; sampleRate?: number };
}

export const RIG_ENV = 'TSW_HIL_RIG';

/** The rig named by TSW_HIL_RIG, or null for the virtual rig. Throws on an unreadable file. */
export function loadRig(): HilRig | null {
  const file = process.env[RIG_ENV];
  if (!file) return null;
  return JSON.parse(readFileSync(file, 'utf8')) as HilRig;
}
