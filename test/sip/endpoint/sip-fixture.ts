/**
 * Helpers for the SIP endpoint tests: a core with mod_sip and profiles of the
 * test's choosing on free 127.0.0.1 ports, directory users, a test dialplan,
 * and a SIPp runner that always kills its child.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freePort,
  makeBaseDir,
  REPO_ROOT,
  startTestCore,
  TEST_MODULES,
  type TestCore,
} from '../../support/core-harness.js';

export const SIPP_DIR = join(REPO_ROOT, 'test', 'fixtures', 'sipp');

export interface ProfileSpec {
  name: string;
  params: Record<string, string>;
  /** Raw XML placed inside `<profile>` after `<settings>`, e.g. `<gateways>...</gateways>`. */
  extraXml?: string;
}

export interface SipTestCore extends TestCore {
  ports: Record<string, number>;
}

/** A UDP port that is free now (bound and released). */
export function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => {
      const port = s.address().port;
      s.close(() => resolve(port));
    });
  });
}

/** A port free on both TCP and UDP (profiles bind both). */
export async function freeSipPort(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const p = await freePort();
    try {
      await new Promise<void>((resolve, reject) => {
        const s = createSocket('udp4');
        s.once('error', reject);
        s.bind(p, '127.0.0.1', () => s.close(() => resolve()));
      });
      return p;
    } catch {
      // taken on UDP: try another
    }
  }
  throw new Error('no free SIP port');
}

const TEST_DIALPLAN = `<include>
  <context name="sip_test">
    <extension name="answer_park">
      <condition field="destination_number" expression="^park$">
        <action application="answer"/>
        <action application="park"/>
      </condition>
    </extension>
    <extension name="answer_hangup">
      <condition field="destination_number" expression="^(answer|1000)$">
        <action application="answer"/>
        <action application="sleep" data="500"/>
        <action application="hangup"/>
      </condition>
    </extension>
    <extension name="ring_forever">
      <condition field="destination_number" expression="^ring$">
        <action application="ring_ready"/>
        <action application="sleep" data="30000"/>
      </condition>
    </extension>
    <extension name="busy">
      <condition field="destination_number" expression="^busy$">
        <action application="hangup" data="USER_BUSY"/>
      </condition>
    </extension>
  </context>
  <context name="sip_trusted">
    <extension name="trusted_answer">
      <condition field="destination_number" expression="^.*$">
        <action application="set" data="reached_trusted=true"/>
        <action application="answer"/>
        <action application="sleep" data="500"/>
        <action application="hangup"/>
      </condition>
    </extension>
  </context>
</include>
`;

function userXml(id: string, password: string, context: string): string {
  return `<user id="${id}"><params><param name="password" value="${password}"/></params><variables><variable name="user_context" value="${context}"/></variables></user>`;
}

/** Boots a core with mod_sip and the given profiles (each on a free port, sip-ip 127.0.0.1). */
export async function startSipCore(opts: {
  profiles: ProfileSpec[];
  users?: { id: string; password: string; context?: string }[];
}): Promise<SipTestCore> {
  const base = makeBaseDir([...TEST_MODULES, 'mod_sip']);
  const conf = join(base, 'conf');
  for (const f of readdirSync(join(conf, 'sip_profiles'))) rmSync(join(conf, 'sip_profiles', f));
  const ports: Record<string, number> = {};
  for (const p of opts.profiles) {
    const port = await freeSipPort();
    ports[p.name] = port;
    const params = {
      'sip-ip': '127.0.0.1',
      'sip-port': String(port),
      'rtp-port-min': '20000',
      'rtp-port-max': '20100',
      ...p.params,
    };
    const lines = Object.entries(params).map(([k, v]) => `      <param name="${k}" value="${v}"/>`);
    writeFileSync(
      join(conf, 'sip_profiles', `${p.name}.xml`),
      `<include>\n  <profile name="${p.name}">\n    <settings>\n${lines.join('\n')}\n    </settings>\n${p.extraXml ?? ''}\n  </profile>\n</include>\n`,
    );
  }
  const users = (opts.users ?? [])
    .map((u) => userXml(u.id, u.password, u.context ?? 'sip_trusted'))
    .join('\n');
  writeFileSync(
    join(conf, 'directory', 'default.xml'),
    `<include><domain name="$\${domain}"><params><param name="dial-string" value="\${sofia_contact(\${dialed_user}@\${dialed_domain})}"/></params><groups><group name="default"><users>${users}</users></group></groups></domain></include>\n`,
  );
  writeFileSync(join(conf, 'dialplan', 'sip_test.xml'), TEST_DIALPLAN);
  const tc = await startTestCore({ base, globals: { domain: '127.0.0.1' } });
  return Object.assign(tc, { ports });
}

export interface SippResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs SIPp with `args` (scenario paths relative to test/fixtures/sipp) and waits for it to exit. */
export function runSipp(
  args: string[],
  timeoutMs = 25_000,
): { done: Promise<SippResult>; child: ChildProcess } {
  const child = spawn('sipp', args, { cwd: SIPP_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<SippResult>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  return { done, child };
}

/** Kills a SIPp child if it still runs. */
export function killSipp(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** The common SIPp options: one call, no stdin, 20 s limit, errors traced to a log in a temp dir. */
export function sippArgs(
  scenario: string,
  remote: string,
  localPort: number,
  extra: string[] = [],
): string[] {
  return [
    remote,
    '-sf',
    scenario,
    '-i',
    '127.0.0.1',
    '-p',
    String(localPort),
    '-m',
    '1',
    '-nostdin',
    '-timeout',
    '20s',
    '-timeout_error',
    '-trace_err',
    '-error_file',
    join(process.env.TMPDIR ?? '/tmp', `sipp-${process.pid}-${localPort}.err`),
    ...extra,
  ];
}

/**
 * A copy of a scenario with `{{name}}` placeholders filled in (SIPp cannot
 * take a response code from a variable). Returns the copy's absolute path.
 */
export function scenarioWith(name: string, values: Record<string, string>): string {
  let text = readFileSync(join(SIPP_DIR, name), 'utf8');
  for (const [k, v] of Object.entries(values)) text = text.split(`{{${k}}}`).join(v);
  const dir = mkdtempSync(join(tmpdir(), 'tsw-sipp-'));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}
