/**
 * The switch under test, run as its own process (as in production, and so
 * that its CPU and RSS can be read from /proc without the bench's own work
 * mixed in). Either typeswitch's daemon (dist/src/main.js) against a temp copy
 * of conf/, or, when one is installed, a FreeSWITCH binary against a minimal
 * generated configuration doing the same routing.
 *
 * Both get one SIP profile on 127.0.0.1 without digest authentication, a
 * context that bridges `bench` to the SIPp UAS, and an RTP timeout of a few
 * seconds: a leg whose RTP stops is hung up, which SIPp then counts as a
 * failed call, so lost media shows up in the failure count.
 */
import type { ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './boot.js';
import { spawnTracked, stopChild } from './sip-bench-procs.js';

/** What the bench needs from either switch. */
export interface SwitchSetup {
  sipPort: number;
  uasPort: number;
  rtpMin: number;
  rtpMax: number;
  /** Seconds without RTP after which a leg is hung up. */
  rtpTimeoutSec: number;
}

export interface RunningSwitch {
  name: string;
  pid: number | undefined;
  child: ChildProcess;
  /** Where the switch's console output goes. */
  logFile: string;
  stop(): Promise<void>;
}

/** Modules the typeswitch daemon loads: SIP, media, dialplan and bridge; no log files, no ESL. */
const TSW_MODULES = ['mod_commands', 'mod_dptools', 'mod_media', 'mod_dialplan_xml', 'mod_sip'];

function xmlParams(params: Record<string, string>, indent: string): string {
  return Object.entries(params)
    .map(([k, v]) => `${indent}<param name="${k}" value="${v}"/>`)
    .join('\n');
}

function benchExtension(endpoint: string, s: SwitchSetup): string {
  return `<extension name="bench_bridge">
      <condition field="destination_number" expression="^bench$">
        <action application="bridge" data="${endpoint}/bench/uas@127.0.0.1:${s.uasPort}"/>
      </condition>
    </extension>`;
}

function profileParams(s: SwitchSetup): Record<string, string> {
  return {
    'sip-ip': '127.0.0.1',
    'rtp-ip': '127.0.0.1',
    'sip-port': String(s.sipPort),
    context: 'bench',
    dialplan: 'XML',
    'auth-calls': 'false',
    'inbound-codec-prefs': 'PCMU',
    'outbound-codec-prefs': 'PCMU',
    'rtp-timeout-sec': String(s.rtpTimeoutSec),
    'session-timeout': '0',
  };
}

/** Writes typeswitch's temp conf: modules, media port range, the bench profile and context. */
function writeTypeswitchConf(base: string, s: SwitchSetup): void {
  const conf = join(base, 'conf');
  cpSync(join(REPO_ROOT, 'conf'), conf, { recursive: true });
  const loads = TSW_MODULES.map((m) => `    <load module="${m}"/>`).join('\n');
  writeFileSync(
    join(conf, 'autoload_configs', 'modules.conf.xml'),
    `<configuration name="modules.conf" description="sip bench">\n  <modules>\n${loads}\n  </modules>\n</configuration>\n`,
  );
  writeFileSync(
    join(conf, 'autoload_configs', 'media.conf.xml'),
    `<configuration name="media.conf">\n  <settings>\n${xmlParams(
      { 'rtp-port-min': String(s.rtpMin), 'rtp-port-max': String(s.rtpMax), 'realtime-priority': '0' },
      '    ',
    )}\n  </settings>\n</configuration>\n`,
  );
  const sp = join(conf, 'sip_profiles');
  rmSync(sp, { recursive: true, force: true });
  mkdirSync(sp);
  writeFileSync(
    join(sp, 'bench.xml'),
    `<include>\n  <profile name="bench">\n    <settings>\n${xmlParams(profileParams(s), '      ')}\n    </settings>\n  </profile>\n</include>\n`,
  );
  writeFileSync(
    join(conf, 'dialplan', 'bench.xml'),
    `<include>\n  <context name="bench">\n    ${benchExtension('sip', s)}\n  </context>\n</include>\n`,
  );
  // The stock vars.xml binds nothing by itself, but keep the domain on loopback.
  const vars = join(conf, 'vars.xml');
  writeFileSync(vars, readFileSync(vars, 'utf8').replace(/data="domain=[^"]*"/, 'data="domain=127.0.0.1"'));
}

/** A minimal freeswitch.xml with the same profile and context (mod_sofia, built-in G.711). */
function writeFreeswitchConf(dir: string, s: SwitchSetup): void {
  const modules = ['mod_sofia', 'mod_commands', 'mod_dptools', 'mod_dialplan_xml']
    .map((m) => `        <load module="${m}"/>`)
    .join('\n');
  const xml = `<?xml version="1.0"?>
<document type="freeswitch/xml">
  <section name="configuration">
    <configuration name="switch.conf">
      <settings>
${xmlParams(
  {
    'max-sessions': '20000',
    'sessions-per-second': '2000',
    'rtp-start-port': String(s.rtpMin),
    'rtp-end-port': String(s.rtpMax),
    loglevel: 'warning',
  },
  '        ',
)}
      </settings>
    </configuration>
    <configuration name="modules.conf">
      <modules>
${modules}
      </modules>
    </configuration>
    <configuration name="sofia.conf">
      <global_settings><param name="log-level" value="0"/></global_settings>
      <profiles>
        <profile name="bench">
          <settings>
${xmlParams(profileParams(s), '            ')}
          </settings>
        </profile>
      </profiles>
    </configuration>
  </section>
  <section name="dialplan">
    <context name="bench">
    ${benchExtension('sofia', s)}
    </context>
  </section>
</document>
`;
  writeFileSync(join(dir, 'freeswitch.xml'), xml);
}

/**
 * Sends SIP OPTIONS to the switch until anything answers: the profile is
 * listening and the bench can start. Any response (200, 405, ...) counts.
 */
async function waitForSip(port: number, limitMs: number, child: ChildProcess): Promise<void> {
  const sock = createSocket('udp4');
  let answered = false;
  sock.on('message', () => (answered = true));
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const local = sock.address().port;
  const end = Date.now() + limitMs;
  try {
    for (let i = 0; !answered; i++) {
      if (Date.now() > end) throw new Error(`the switch did not answer SIP on 127.0.0.1:${port}`);
      if (child.exitCode !== null) throw new Error(`the switch exited with code ${child.exitCode}`);
      const msg =
        `OPTIONS sip:ping@127.0.0.1:${port} SIP/2.0\r\n` +
        `Via: SIP/2.0/UDP 127.0.0.1:${local};branch=z9hG4bKbench${i}\r\n` +
        `From: <sip:bench@127.0.0.1:${local}>;tag=bench${i}\r\nTo: <sip:ping@127.0.0.1:${port}>\r\n` +
        `Call-ID: bench-ready-${i}@127.0.0.1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`;
      sock.send(msg, port, '127.0.0.1');
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    sock.close();
  }
}

/** Keeps the switch's output: the first 64 kB (module loading) and the last 200 chunks; written to `file` on exit. */
function logTo(file: string, child: ChildProcess): () => string {
  let head = '';
  const tail: string[] = [];
  const keep = (d: Buffer): void => {
    const text = d.toString();
    if (head.length < 65_536) head += text;
    else tail.push(text);
    if (tail.length > 200) tail.splice(0, tail.length - 200);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const all = (): string => head + tail.join('');
  child.once('exit', () => writeFileSync(file, all()));
  return all;
}

/**
 * Starts the switch and waits for its SIP profile. `check` inspects the
 * output once SIP answers and returns a complaint when the process came up
 * without something the bench relies on.
 */
async function launch(
  name: string,
  cmd: string,
  args: string[],
  base: string,
  s: SwitchSetup,
  check: (output: string) => string | undefined = () => undefined,
): Promise<RunningSwitch> {
  const logFile = join(tmpdir(), `sip-bench-${name}-${process.pid}.log`);
  const child = spawnTracked(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = logTo(logFile, child);
  const stop = async (): Promise<void> => {
    await stopChild(child, 8000);
    rmSync(base, { recursive: true, force: true });
  };
  try {
    await waitForSip(s.sipPort, 20_000, child);
    // Module load lines come before the profile answers, but give the pipe a moment to deliver them.
    await new Promise((r) => setTimeout(r, 200));
    const complaint = check(output());
    if (complaint) throw new Error(`${name}: ${complaint} (log: ${logFile})`);
  } catch (err) {
    await stop();
    throw err;
  }
  return { name, pid: child.pid, child, logFile, stop };
}

/**
 * Without mod_media, mod_sip still answers with SDP (ports from its own
 * range) but opens no RTP socket, so every figure would be of a switch that
 * moves no media. Refuse that.
 */
function typeswitchCheck(output: string): string | undefined {
  const failed = /module (\S+) failed to load: ([^\n]*)/.exec(output);
  if (failed) return `${failed[1] ?? 'a module'} failed to load: ${failed[2] ?? ''}`;
  for (const m of ['mod_media', 'mod_sip']) {
    if (!output.includes(`loaded module ${m}`)) return `no "loaded module ${m}" line in its output`;
  }
  return undefined;
}

/** Starts the typeswitch daemon (`node dist/src/main.js -base <tmp> -nc`). */
export async function startTypeswitch(s: SwitchSetup): Promise<RunningSwitch> {
  const base = mkdtempSync(join(tmpdir(), 'tsw-sip-bench-'));
  writeTypeswitchConf(base, s);
  const main = join(REPO_ROOT, 'dist', 'src', 'main.js');
  // The native media engine may be mid-rebuild (npm run build:native elsewhere): retry for about a minute.
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(
        'typeswitch',
        process.execPath,
        [main, '-base', base, '-nc'],
        base,
        s,
        typeswitchCheck,
      );
    } catch (err) {
      if (attempt >= 12) throw err;
      process.stderr.write(`[bench] ${err instanceof Error ? err.message : String(err)}; retrying in 5 s\n`);
      await new Promise((r) => setTimeout(r, 5000));
      mkdirSync(base, { recursive: true });
      writeTypeswitchConf(base, s);
    }
  }
}

/** Starts FreeSWITCH in the foreground with every directory under a temp base. */
export async function startFreeswitch(binary: string, s: SwitchSetup): Promise<RunningSwitch> {
  const base = mkdtempSync(join(tmpdir(), 'fs-sip-bench-'));
  const dirs = ['conf', 'log', 'db', 'run', 'temp', 'storage', 'recordings', 'sounds'];
  for (const d of dirs) mkdirSync(join(base, d));
  writeFreeswitchConf(join(base, 'conf'), s);
  const args = ['-nf', '-nc', '-nonat', '-base', base];
  for (const d of ['conf', 'log', 'db', 'run', 'temp']) args.push(`-${d}`, join(base, d));
  return launch('freeswitch', binary, args, base, s);
}
