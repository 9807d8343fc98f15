/**
 * The sound endpoint benchmark (`npm run bench:sound`), on the PulseAudio null-sink loopback of
 * hil-test/sound (or the devices a rig file names, `TSW_HIL_RIG`):
 *
 * - mouth-to-ear latency SIP -> sound device -> SIP: the core calls itself over SIP on 127.0.0.1
 *   (`sofia/internal/pa@...`), the called leg is bridged to `portaudio/auto_answer`, and the
 *   device's output is wired to its input. A chirp pushed into the calling leg's RTP goes out to
 *   the sound device, comes back in, and returns over RTP; cross-correlation finds it.
 * - CPU of the process with one sound call up, against the same process idle. The calling SIP leg
 *   runs in the same process, so the figure includes one extra RTP leg.
 * - the device streams' underrun and overrun counts over the CPU window, and then over
 *   `--load-seconds` (default 300) while the JavaScript thread is kept busy with a reloadxml of a
 *   10,000-user directory every second.
 *
 * Options: `--rounds N` latency rounds (default 5), `--seconds S` CPU window (default 10),
 * `--rate R` device sample rate (8000, 16000 or 48000; default 8000), `--load-seconds S`
 * (`--quick`: 30). Figures go to stdout as a
 * table; progress to stderr (PortAudio's ALSA and JACK probes print their own lines there). The
 * sound system is mod_portaudio's default, tsw_sound. Nothing here passes or fails.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { channelMediaOf } from '../src/media/channel-media.js';
import { portaudioOf } from '../src/endpoints/portaudio/mod-portaudio.js';
import { locate, makeChirp } from '../src/sound/index.js';
import { setupSoundLoopback, type SoundLoopback } from '../hil-test/sound/sound-loopback.js';
import { loadRig } from '../hil-test/support/rig.js';
import { startSipMediaCore, type SipMediaCore } from '../test/sip/media/sip-media-fixture.js';
import { median, progress, sleep } from './measure.js';
import { fmt, machineLines, renderTable, type ResultRow } from './table.js';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : Number.NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

const ROUNDS = option('--rounds', 5);
const SECONDS = option('--seconds', 10);
const RATE = option('--rate', 8000);
const LOAD_SECONDS = option('--load-seconds', process.argv.includes('--quick') ? 30 : 300);
const LOAD_USERS = 10_000;

function writeLoadDirectory(base: string): void {
  const users = Array.from(
    { length: LOAD_USERS },
    (_, i) => `<user id="${20000 + i}"><params><param name="password" value="load-${i}"/></params></user>`,
  ).join('\n');
  writeFileSync(
    join(base, 'conf', 'directory', 'sound-bench-load.xml'),
    `<include><domain name="load.invalid"><groups><group name="load"><users>\n${users}\n` +
      `</users></group></groups></domain></include>\n`,
  );
}

/** Runs reloadxml once a second (back to back when one takes longer) for `seconds`. */
async function reloadLoad(core: SipMediaCore, seconds: number): Promise<{ reloads: number; meanMs: number }> {
  const end = performance.now() + seconds * 1000;
  let reloads = 0;
  let total = 0;
  while (performance.now() < end) {
    const t0 = performance.now();
    const reply = await core.api('reloadxml');
    if (!reply.startsWith('+OK')) throw new Error(`reloadxml: ${reply}`);
    const ms = performance.now() - t0;
    total += ms;
    reloads++;
    if (ms < 1000) await sleep(1000 - ms);
  }
  return { reloads, meanMs: reloads ? total / reloads : 0 };
}

async function cpuShare(ms: number): Promise<number> {
  const u0 = process.cpuUsage();
  const t0 = performance.now();
  await sleep(ms);
  const u = process.cpuUsage(u0);
  return (u.user + u.system) / 1000 / (performance.now() - t0);
}

async function main(): Promise<ResultRow[]> {
  const rig = loadRig();
  let loop: SoundLoopback | undefined;
  let names: { input: string; output: string };
  if (rig?.sound) {
    names = rig.sound;
  } else {
    const made = setupSoundLoopback(join(tmpdir(), `tsw-pa-bench-${process.pid}`));
    if (!made.ok) throw new Error(`no sound loopback: ${made.reason}`);
    loop = made.loop;
    names = { input: loop.input, output: loop.output };
  }
  let core: SipMediaCore | undefined;
  try {
    core = await startSipMediaCore({
      rtpMin: 58300,
      profileParams: { 'auth-calls': 'false' },
      dialplan: `<extension name="pa"><condition field="destination_number" expression="^pa$">
        <action application="bridge" data="portaudio/auto_answer"/></condition></extension>`,
    });
    writeFileSync(
      join(core.base, 'conf', 'autoload_configs', 'portaudio.conf.xml'),
      `<configuration name="portaudio.conf"><settings>
        <param name="indev" value="${names.input}"/><param name="outdev" value="${names.output}"/>
        <param name="sample-rate" value="${RATE}"/><param name="context" value="media_test"/>
      </settings></configuration>\n`,
    );
    await core.api('reloadxml');
    const loaded = await core.api('load mod_portaudio');
    if (!loaded.startsWith('+OK')) throw new Error(`load mod_portaudio: ${loaded}`);
    const rt = portaudioOf(core.core);
    const media = channelMediaOf(core.core);
    if (!rt || !media) throw new Error('mod_portaudio or mod_media is missing');
    progress('warming up the loopback (pa looptest x2)');
    const loops = [await core.api('pa looptest'), await core.api('pa looptest')];
    progress(loops.join('').trim());
    const idle = await cpuShare(SECONDS * 1000);
    progress(`idle CPU ${fmt(idle * 100, 1)} %`);
    const reply = await core.api(`originate sofia/internal/pa@127.0.0.1:${core.sipPort} &park`);
    const uuid = /^\+OK (\S+)/.exec(reply)?.[1];
    if (!uuid) throw new Error(`originate: ${reply}`);
    const leg = media.get(uuid);
    if (!leg) throw new Error('the calling leg has no media');
    const mouth = leg.own(
      media.engine.createMemoryPort(uuid, { rate: 8000, ptime: 20, maxBuffered: 8000 * 5 }),
    );
    leg.connect(mouth);
    await sleep(2000);
    const chirp = makeChirp(300, 3000, 8000, 800, 12000);
    const latencies: number[] = [];
    const scores: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      mouth.pull();
      mouth.push(chirp);
      await sleep(1500);
      const heard = mouth.pull();
      const found = locate(heard, chirp);
      progress(`round ${i + 1}: ${fmt((found.lag * 1000) / 8000, 1)} ms, correlation ${fmt(found.score, 2)}`);
      if (found.score >= 0.5) {
        latencies.push((found.lag * 1000) / 8000);
        scores.push(found.score);
      }
      await sleep(300);
    }
    const before = rt.deviceStats();
    const busy = await cpuShare(SECONDS * 1000);
    const after = rt.deviceStats();
    progress(`CPU with one sound call ${fmt(busy * 100, 1)} %`);
    writeLoadDirectory(core.base);
    progress(`reloadxml of ${LOAD_USERS} users every second for ${LOAD_SECONDS} s, the call up`);
    const loadBefore = rt.deviceStats();
    const load = await reloadLoad(core, LOAD_SECONDS);
    const loadAfter = rt.deviceStats();
    const stillUp = core.core.sessions.get(uuid) !== undefined;
    await core.api('hupall');
    await sleep(500);
    const under = (after?.output.underruns ?? 0) - (before?.output.underruns ?? 0);
    const overIn = (after?.input.overruns ?? 0) - (before?.input.overruns ?? 0);
    const overOut = (after?.output.overruns ?? 0) - (before?.output.overruns ?? 0);
    const where = rig?.sound ? 'rig devices' : 'PulseAudio null sink';
    const loadUnder = (loadAfter?.output.underruns ?? 0) - (loadBefore?.output.underruns ?? 0);
    const loadOver =
      (loadAfter?.input.overruns ?? 0) -
      (loadBefore?.input.overruns ?? 0) +
      (loadAfter?.output.overruns ?? 0) -
      (loadBefore?.output.overruns ?? 0);
    return [
      {
        group: 'sound',
        metric: 'mouth-to-ear SIP -> device -> SIP (median)',
        value: latencies.length ? fmt(median(latencies), 1) : 'n/a',
        unit: 'ms',
        notes: `${latencies.length}/${ROUNDS} rounds found the chirp; ${RATE} Hz device; ${where}`,
      },
      {
        group: 'sound',
        metric: 'mouth-to-ear min / max',
        value: latencies.length
          ? `${fmt(Math.min(...latencies), 1)} / ${fmt(Math.max(...latencies), 1)}`
          : 'n/a',
        unit: 'ms',
        notes: `median correlation ${fmt(median(scores), 2)}`,
      },
      {
        group: 'sound',
        metric: 'pa looptest (device round trip)',
        value: /loop latency ([\d.]+)/.exec(loops[1] ?? '')?.[1] ?? 'n/a',
        unit: 'ms',
        notes: 'second of two runs',
      },
      {
        group: 'sound',
        metric: 'process CPU, idle',
        value: fmt(idle * 100, 1),
        unit: '% of a core',
        notes: `${SECONDS} s`,
      },
      {
        group: 'sound',
        metric: 'process CPU, one sound call',
        value: fmt(busy * 100, 1),
        unit: '% of a core',
        notes: `${SECONDS} s; includes the calling SIP leg`,
      },
      {
        group: 'sound',
        metric: 'CPU per active sound call',
        value: fmt((busy - idle) * 100, 1),
        unit: '% of a core',
        notes: 'one call minus idle',
      },
      {
        group: 'sound',
        metric: 'underruns / overruns in the window',
        value: `${under} / ${overIn + overOut}`,
        unit: 'frames',
        notes: `speaker underruns; mic + speaker overruns over ${SECONDS} s`,
      },
      {
        group: 'sound',
        metric: 'underruns / overruns, JS thread loaded',
        value: `${loadUnder} / ${loadOver}`,
        unit: 'frames',
        notes:
          `${LOAD_SECONDS} s, ${load.reloads} reloadxml of ${LOAD_USERS} users ` +
          `(mean ${fmt(load.meanMs, 0)} ms)${stillUp ? '' : '; the call ended early'}`,
      },
    ];
  } finally {
    await Promise.race([core?.stop(), sleep(8000)]);
    loop?.teardown();
  }
}

let code = 0;
try {
  const rows = await main();
  console.log(machineLines().join('\n'));
  console.log('Figures taken on a shared machine are noisy.\n');
  console.log(renderTable(rows));
} catch (err) {
  console.error(`bench:sound failed: ${String(err)}`);
  code = 1;
}
// The core is stopped above; exit with the code at once rather than wait for stray timers.
process.exit(code);
