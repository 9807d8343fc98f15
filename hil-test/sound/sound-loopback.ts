/**
 * Builds the virtual sound rig: a private PulseAudio with a null sink, seen by PortAudio as
 * `tsw_loop_out` (plays into the sink) and `tsw_loop_in` (records its monitor). Runs the shell
 * scripts beside this file and exports their variables into this process, which must happen
 * before PortAudio first scans (PortAudio reads ALSA_CONFIG_PATH when it initialises).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The source folder holding the scripts (this file runs from dist/hil-test/sound). */
export const SCRIPT_DIR = resolve(here, '../../../hil-test/sound');

export interface SoundLoopback {
  dir: string;
  output: string;
  input: string;
  /** Pid of the PulseAudio daemon (ours: started by the setup script). */
  daemonPid: number;
  teardown(): void;
}

export type LoopbackResult = { ok: true; loop: SoundLoopback } | { ok: false; reason: string };

export function setupSoundLoopback(dir?: string): LoopbackResult {
  const args = [join(SCRIPT_DIR, 'setup-loopback.sh')];
  if (dir) args.push(dir);
  const res = spawnSync('sh', args, { encoding: 'utf8', timeout: 20000 });
  if (res.error) return { ok: false, reason: `setup-loopback.sh could not run: ${res.error.message}` };
  if (res.status !== 0) {
    return { ok: false, reason: `setup-loopback.sh failed (${res.status}): ${res.stderr.trim()}` };
  }
  const vars = new Map<string, string>();
  for (const line of res.stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) vars.set(line.slice(0, eq), line.slice(eq + 1));
  }
  const need = ['TSW_LOOP_DIR', 'PULSE_SERVER', 'ALSA_CONFIG_PATH', 'TSW_LOOP_OUTPUT', 'TSW_LOOP_INPUT'];
  for (const key of need) {
    const value = vars.get(key);
    if (value === undefined) return { ok: false, reason: `setup-loopback.sh printed no ${key}` };
    process.env[key] = value;
  }
  const loopDir = vars.get('TSW_LOOP_DIR') ?? '';
  const pid = readFileSync(join(loopDir, 'pulseaudio.pid'), 'utf8').trim();
  return {
    ok: true,
    loop: {
      dir: loopDir,
      output: vars.get('TSW_LOOP_OUTPUT') ?? '',
      input: vars.get('TSW_LOOP_INPUT') ?? '',
      daemonPid: Number(pid),
      teardown: () => {
        spawnSync('sh', [join(SCRIPT_DIR, 'teardown-loopback.sh'), loopDir], {
          stdio: 'ignore',
          timeout: 10000,
        });
      },
    },
  };
}
