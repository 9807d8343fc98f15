/**
 * SIPp as the signalling half of a SIP test peer: a caller (UAC) or a callee (UAS) whose SDP
 * names an {@link RtpPeer}'s port, so the test owns the media. Either side hangs up by itself
 * after `holdMs` from the ACK, unless the switch sends BYE first; SIPp answers that BYE and exits.
 *
 * The scenarios are written per call (the SDP port, the caller's name and number and the hold
 * time are fixed in the XML). SIPp's message trace is kept so that a test can read the INVITE it
 * received.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeUdpPort } from '../../test/sip/endpoint/sip-fixture.js';
import { EVENT_PT } from './rtp-peer.js';

function sdp(rtpPort: number): string {
  return [
    'v=0',
    'o=hil 1 1 IN IP4 127.0.0.1',
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=audio ${rtpPort} RTP/AVP 0 ${EVENT_PT}`,
    'a=rtpmap:0 PCMU/8000',
    `a=rtpmap:${EVENT_PT} telephone-event/8000`,
    `a=fmtp:${EVENT_PT} 0-16`,
    'a=ptime:20',
    'a=sendrecv',
  ].join('\n');
}

function message(lines: string[]): string {
  return `  <![CDATA[\n\n${lines.join('\n')}\n\n  ]]>`;
}

/** After the ACK: the far end's BYE (answered), or our own after `holdMs`. */
function tail(holdMs: number, bye: string[]): string {
  return `
  <recv request="BYE" timeout="${holdMs}" ontimeout="hangup"/>
  <send next="done">
${message(['SIP/2.0 200 OK', '[last_Via:]', '[last_From:]', '[last_To:]', '[last_Call-ID:]', '[last_CSeq:]', 'Content-Length: 0'])}
  </send>
  <label id="hangup"/>
  <send retrans="500">
${message(bye)}
  </send>
  <recv response="200"/>
  <label id="done"/>
`;
}

export function uacScenario(o: { rtpPort: number; number: string; name: string; holdMs: number }): string {
  const from = `"${o.name}" <sip:${o.number}@[local_ip]:[local_port]>;tag=[pid]hil[call_number]`;
  const common = (method: string, cseq: number): string[] => [
    `Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]`,
    `From: ${from}`,
    method === 'INVITE' ? `To: <sip:[service]@[remote_ip]:[remote_port]>` : '[last_To:]',
    'Call-ID: [call_id]',
    `CSeq: ${cseq} ${method}`,
    `Contact: <sip:${o.number}@[local_ip]:[local_port]>`,
    'Max-Forwards: 70',
  ];
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="hil caller">
  <send retrans="500">
${message([
  'INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0',
  ...common('INVITE', 1),
  'Content-Type: application/sdp',
  'Content-Length: [len]',
  '',
  sdp(o.rtpPort),
])}
  </send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>
  <recv response="200"/>
  <send>
${message(['ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0', ...common('ACK', 1), 'Content-Length: 0'])}
  </send>
${tail(o.holdMs, ['BYE sip:[service]@[remote_ip]:[remote_port] SIP/2.0', ...common('BYE', 2), 'Content-Length: 0'])}
</scenario>
`;
}

export function uasScenario(o: { rtpPort: number; ringMs: number; holdMs: number }): string {
  const to = '[last_To:];tag=[pid]hil[call_number]';
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="hil callee">
  <recv request="INVITE">
    <action>
      <ereg regexp="sip:[^&gt;]*" search_in="hdr" header="Contact:" assign_to="contact"/>
      <ereg regexp=".*" search_in="hdr" header="From:" assign_to="from"/>
    </action>
  </recv>
  <send>
${message(['SIP/2.0 180 Ringing', '[last_Via:]', '[last_From:]', to, '[last_Call-ID:]', '[last_CSeq:]', 'Content-Length: 0'])}
  </send>
  <pause milliseconds="${o.ringMs}"/>
  <send retrans="500">
${message([
  'SIP/2.0 200 OK',
  '[last_Via:]',
  '[last_From:]',
  to,
  '[last_Call-ID:]',
  '[last_CSeq:]',
  'Contact: <sip:callee@[local_ip]:[local_port]>',
  'Content-Type: application/sdp',
  'Content-Length: [len]',
  '',
  sdp(o.rtpPort),
])}
  </send>
  <recv request="ACK"/>
${tail(o.holdMs, [
  'BYE [$contact] SIP/2.0',
  'Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]',
  'From: <sip:callee@[local_ip]:[local_port]>;tag=[pid]hil[call_number]',
  'To: [$from]',
  'Call-ID: [call_id]',
  'CSeq: 1 BYE',
  'Max-Forwards: 70',
  'Content-Length: 0',
])}
</scenario>
`;
}

export interface SippRun {
  child: ChildProcess;
  /** Resolves with SIPp's exit code and output once it exits. */
  done: Promise<{ code: number | null; output: string }>;
  /** SIPp's trace of the messages so far. */
  messages(): string;
  /** Everything SIPp printed so far. */
  output(): string;
  /** Kills SIPp if it still runs and removes its files. */
  stop(): Promise<void>;
}

function run(scenario: string, args: string[], timeoutMs: number): SippRun {
  const dir = mkdtempSync(join(tmpdir(), 'tsw-hil-sipp-'));
  const file = join(dir, 'scenario.xml');
  const trace = join(dir, 'messages.log');
  writeFileSync(file, scenario);
  const child = spawn(
    'sipp',
    [
      ...args,
      '-sf',
      file,
      '-i',
      '127.0.0.1',
      '-m',
      '1',
      '-nostdin',
      '-timeout',
      `${Math.ceil(timeoutMs / 1000)}s`,
      '-timeout_error',
      '-trace_msg',
      '-message_file',
      trace,
      '-trace_err',
      '-error_file',
      join(dir, 'errors.log'),
    ],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const done = new Promise<{ code: number | null; output: string }>((resolve) => {
    child.on('exit', (code) => resolve({ code, output: out }));
    child.on('error', (err) => resolve({ code: -1, output: `${out}\n${err.message}` }));
  });
  const read = (f: string): string => {
    try {
      return readFileSync(f, 'utf8');
    } catch {
      return '';
    }
  };
  return {
    child,
    done,
    messages: () => read(trace),
    output: () => `${out}\n${read(join(dir, 'errors.log'))}`,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await done;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A SIPp caller dialling `service` at the switch from a free port. */
export async function sippCaller(o: {
  switchPort: number;
  service: string;
  rtpPort: number;
  number: string;
  name: string;
  holdMs: number;
}): Promise<SippRun> {
  const local = await freeUdpPort();
  return run(
    uacScenario(o),
    [`127.0.0.1:${o.switchPort}`, '-p', String(local), '-s', o.service],
    o.holdMs + 20_000,
  );
}

/** A SIPp callee on `port`, answering after `ringMs` and hanging up `holdMs` after the ACK. */
export function sippCallee(o: { port: number; rtpPort: number; ringMs: number; holdMs: number }): SippRun {
  return run(uasScenario(o), ['-p', String(o.port)], o.holdMs + 30_000);
}
