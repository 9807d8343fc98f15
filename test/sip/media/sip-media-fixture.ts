/**
 * A core with mod_media and mod_sip for the SIP media tests: one profile on a free port, media
 * ports in a range of the test's choosing, directory users, and an extra dialplan context. Also
 * writes RTP captures (pcap) of a G.711 tone for SIPp's play_pcap_audio.
 */
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeBaseDir, startTestCore, type TestCore } from '../../support/core-harness.js';
import { writeMediaConf } from '../../media/media-core.js';
import { sine } from '../../media/media-helpers.js';
import { freeSipPort } from '../endpoint/sip-fixture.js';

/** mod_media loads before mod_dialplan_xml so that the media applications exist for it. */
export const SIP_MEDIA_MODULES = [
  'mod_logfile',
  'mod_commands',
  'mod_event_socket',
  'mod_dptools',
  'mod_loopback',
  'mod_hash',
  'mod_db',
  'mod_media',
  'mod_dialplan_xml',
  'mod_directory',
  'mod_sip',
];

export interface SipMediaCore extends TestCore {
  sipPort: number;
  /** SIP port of each extra profile, by name. */
  ports: Record<string, number>;
}

function profileXml(name: string, params: Record<string, string>): string {
  const lines = Object.entries(params).map(([k, v]) => `      <param name="${k}" value="${v}"/>`);
  return `<include>\n  <profile name="${name}">\n    <settings>\n${lines.join('\n')}\n    </settings>\n  </profile>\n</include>\n`;
}

export async function startSipMediaCore(opts: {
  rtpMin: number;
  /** Extra `<context>` XML, written as conf/dialplan/media_test.xml. */
  dialplan?: string;
  users?: { id: string; password: string; context?: string }[];
  profileParams?: Record<string, string>;
  /** More profiles besides `internal`, each on its own free port, with the same defaults. */
  extraProfiles?: { name: string; params: Record<string, string> }[];
}): Promise<SipMediaCore> {
  const base = makeBaseDir(SIP_MEDIA_MODULES);
  const conf = join(base, 'conf');
  writeMediaConf(base, {
    'rtp-port-min': String(opts.rtpMin),
    'rtp-port-max': String(opts.rtpMin + 499),
    'realtime-priority': '0',
  });
  const sipPort = await freeSipPort();
  const params: Record<string, string> = {
    'sip-ip': '127.0.0.1',
    'sip-port': String(sipPort),
    context: 'media_test',
    'inbound-codec-prefs': 'PCMU,PCMA',
    'outbound-codec-prefs': 'PCMU,PCMA',
    ...opts.profileParams,
  };
  for (const f of readdirSync(join(conf, 'sip_profiles'))) rmSync(join(conf, 'sip_profiles', f));
  writeFileSync(join(conf, 'sip_profiles', 'internal.xml'), profileXml('internal', params));
  const ports: Record<string, number> = { internal: sipPort };
  for (const extra of opts.extraProfiles ?? []) {
    const port = await freeSipPort();
    ports[extra.name] = port;
    writeFileSync(
      join(conf, 'sip_profiles', `${extra.name}.xml`),
      profileXml(extra.name, { ...params, 'sip-port': String(port), ...extra.params }),
    );
  }
  const users = (opts.users ?? [])
    .map(
      (u) =>
        `<user id="${u.id}"><params><param name="password" value="${u.password}"/></params>` +
        `<variables><variable name="user_context" value="${u.context ?? 'default'}"/></variables></user>`,
    )
    .join('\n');
  writeFileSync(
    join(conf, 'directory', 'default.xml'),
    `<include><domain name="$\${domain}"><params><param name="dial-string" value="\${sofia_contact(\${dialed_user}@\${dialed_domain})}"/></params>` +
      `<groups><group name="default"><users>${users}</users></group></groups></domain></include>\n`,
  );
  writeFileSync(
    join(conf, 'dialplan', 'media_test.xml'),
    `<include>\n  <context name="media_test">\n${opts.dialplan ?? ''}\n  </context>\n</include>\n`,
  );
  const tc = await startTestCore({ base, globals: { domain: '127.0.0.1' } });
  return Object.assign(tc, { sipPort, ports });
}

/** ITU-T G.711 µ-law encoding of one 16-bit sample (bias 0x84, 8 segments). */
export function ulawEncode(sample: number): number {
  const sign = sample < 0 ? 0x80 : 0;
  let mag = Math.min(Math.abs(sample), 32635) + 0x84;
  let exponent = 7;
  for (let mask = 0x4000; (mag & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (mag >> (exponent + 3)) & 0x0f;
  mag = sign | (exponent << 4) | mantissa;
  return ~mag & 0xff;
}

/**
 * Writes a pcap (Ethernet/IPv4/UDP/RTP) of `seconds` of a `freq` Hz sine as PCMU in 20 ms
 * packets. SIPp's play_pcap_audio replays it to the address in the far end's SDP, keeping the
 * capture's timing; the addresses and ports in the capture are rewritten by SIPp.
 */
export function writeTonePcap(file: string, freq: number, seconds: number, amplitude = 8000): void {
  const samples = sine(freq, 8000, seconds * 8000, amplitude);
  const chunks: Buffer[] = [];
  const global = Buffer.alloc(24);
  global.writeUInt32LE(0xa1b2c3d4, 0);
  global.writeUInt16LE(2, 4);
  global.writeUInt16LE(4, 6);
  global.writeUInt32LE(65535, 16);
  global.writeUInt32LE(1, 20); // LINKTYPE_ETHERNET
  chunks.push(global);
  const packets = samples.length / 160;
  for (let i = 0; i < packets; i++) {
    const rtp = Buffer.alloc(12 + 160);
    rtp[0] = 0x80;
    rtp[1] = i === 0 ? 0x80 : 0x00; // marker on the first packet, PT 0
    rtp.writeUInt16BE(i & 0xffff, 2);
    rtp.writeUInt32BE(i * 160, 4);
    rtp.writeUInt32BE(0x5eed1234, 8);
    for (let k = 0; k < 160; k++) rtp[12 + k] = ulawEncode(samples[i * 160 + k] ?? 0);
    const udp = Buffer.alloc(8);
    udp.writeUInt16BE(30000, 0);
    udp.writeUInt16BE(40000, 2);
    udp.writeUInt16BE(8 + rtp.length, 4);
    const ip = Buffer.alloc(20);
    ip[0] = 0x45;
    ip.writeUInt16BE(20 + 8 + rtp.length, 2);
    ip[8] = 64;
    ip[9] = 17;
    Buffer.from([127, 0, 0, 1]).copy(ip, 12);
    Buffer.from([127, 0, 0, 1]).copy(ip, 16);
    let sum = 0;
    for (let k = 0; k < 20; k += 2) sum += ip.readUInt16BE(k);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
    ip.writeUInt16BE(~sum & 0xffff, 10);
    const eth = Buffer.alloc(14);
    eth.writeUInt16BE(0x0800, 12);
    const frame = Buffer.concat([eth, ip, udp, rtp]);
    const rec = Buffer.alloc(16);
    const usec = i * 20_000;
    rec.writeUInt32LE(1_700_000_000 + Math.floor(usec / 1e6), 0);
    rec.writeUInt32LE(usec % 1e6, 4);
    rec.writeUInt32LE(frame.length, 8);
    rec.writeUInt32LE(frame.length, 12);
    chunks.push(rec, frame);
  }
  writeFileSync(file, Buffer.concat(chunks));
}
