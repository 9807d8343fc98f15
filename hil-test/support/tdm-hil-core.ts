/**
 * A real core for the TDM loopback suite: mod_sip on a free 127.0.0.1 port, mod_media, and
 * mod_tdm with the rig's wired pairs. The dialplan sends SIP calls out of a pair's FXO port
 * (`9<pair><7 digits>`) or rings its FXS port (`8<pair>`), and delivers what the ports route to
 * the SIP callee listening on `calleePort`:
 *
 *     SIP caller ──INVITE 9<i>5551234──> hil_sip: bridge tdm/<span>/<fxo>/5551234
 *        FXO seizes and dials DTMF ──cable──> FXS: off-hook, digits ──> hil_fxs:
 *        bridge sip/hil/5551234@127.0.0.1:<calleePort> ──> SIP callee
 *
 *     SIP caller ──INVITE 8<i>──> hil_sip: bridge tdm/<span>/<fxs>
 *        FXS sends caller ID and rings ──cable──> FXO: caller ID, ring ──> hil_fxo:
 *        bridge sip/hil/cid@127.0.0.1:<calleePort> ──> SIP callee (From: the caller ID)
 */
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeBaseDir, startTestCore, type TestCore } from '../../test/support/core-harness.js';
import { writeMediaConf } from '../../test/media/media-core.js';
import { lineStates } from '../../test/tdm/endpoint-core.js';
import { freeSipPort, freeUdpPort } from '../../test/sip/endpoint/sip-fixture.js';
import { spanPorts, type TdmRig, type TdmRigPair } from './rig.js';

export const TDM_HIL_MODULES = [
  'mod_logfile',
  'mod_commands',
  'mod_dptools',
  'mod_media',
  'mod_tdm',
  'mod_dialplan_xml',
  'mod_sip',
];

/** Digits the FXO port dials and the FXS port's digit map accepts. */
export const DIALLED = '5551234';

export interface TdmHilOptions {
  /** RTP range start; the core uses 200 ports from there. */
  rtpMin: number;
  /** Caller ID the FXS ports send and the FXO ports listen for (default dtmf). */
  callerId?: 'dtmf' | 'bell202' | 'v23';
  /** FXO `disconnect-supervision` (default loop-drop). */
  fxoDisconnect?: string;
  /** FXS `loop-drop-on-hangup` (default true). */
  fxsLoopDrop?: boolean;
  /** `echo-tail-ms` of the FXO ports (default 0: off). */
  fxoEchoTailMs?: number;
  /** FXO `rings-before-answer` (default 1). */
  fxoRings?: number;
  /** Give the loop card the rig's hybrid echo (`loop-echo-delay-ms`, `loop-echo-erl-db`). */
  loopEcho?: boolean;
}

export interface TdmHilCore extends TestCore {
  rig: TdmRig;
  sipPort: number;
  /** Where the dialplan delivers calls: the SIP callee must listen here. */
  calleePort: number;
}

function param(name: string, value: string | number | boolean): string {
  return `<param name="${name}" value="${String(value)}"/>`;
}

/** tdm.conf.xml for the rig: every wired FXS port in context hil_fxs, every FXO in hil_fxo. */
export function tdmConfXml(rig: TdmRig, o: TdmHilOptions): string {
  const spans: string[] = [];
  for (const [span, ports] of spanPorts(rig)) {
    const pairs = rig.pairs.filter((p) => p.span === span);
    const loop =
      rig.driver === 'loop'
        ? [
            param('loop-ring-on-ms', 600),
            param('loop-ring-off-ms', 1000),
            // The loop card reports on-hook after this long a break; 400 ms keeps clearing in 1 s.
            param('loop-flash-max-break-ms', 400),
            ...(o.loopEcho && rig.loopEcho
              ? [
                  param('loop-echo-delay-ms', rig.loopEcho.delayMs),
                  param('loop-echo-erl-db', rig.loopEcho.erlDb),
                ]
              : []),
          ]
        : [];
    spans.push(
      [
        `    <span id="${span}" driver="${rig.driver}" ports="${ports}">`,
        ...loop.map((l) => `      ${l}`),
        `      ${param('tone-country', rig.toneCountry ?? 'us')}`,
        `      ${param('caller-id', o.callerId ?? 'dtmf')}`,
        `      <channels range="${pairs.map((p) => p.fxs).join(',')}" type="fxs" group="hil_phones">`,
        `        ${param('context', 'hil_fxs')}`,
        `        ${param('digit-map', `^[0-9]{${DIALLED.length}}$`)}`,
        `        ${param('interdigit-timeout', 2000)}`,
        `        ${param('hangup-tone', 'busy')}`,
        `        ${param('loop-drop-on-hangup', o.fxsLoopDrop ?? true)}`,
        `      </channels>`,
        `      <channels range="${pairs.map((p) => p.fxo).join(',')}" type="fxo" group="hil_lines">`,
        `        ${param('context', 'hil_fxo')}`,
        `        ${param('dial-delay', 500)}`,
        `        ${param('rings-before-answer', o.fxoRings ?? 1)}`,
        `        ${param('dtmf-duration', 80)}`,
        `        ${param('disconnect-supervision', o.fxoDisconnect ?? 'loop-drop')}`,
        `        ${param('echo-tail-ms', o.fxoEchoTailMs ?? 0)}`,
        `      </channels>`,
        `    </span>`,
      ].join('\n'),
    );
  }
  return `<configuration name="tdm.conf">\n  <spans>\n${spans.join('\n')}\n  </spans>\n</configuration>\n`;
}

function extension(name: string, expr: string, actions: [string, string][]): string {
  const acts = actions.map(([app, data]) => `        <action application="${app}" data="${data}"/>`);
  return [
    `    <extension name="${name}">`,
    `      <condition field="destination_number" expression="${expr}">`,
    ...acts,
    `      </condition>`,
    `    </extension>`,
  ].join('\n');
}

export function dialplanXml(pairs: readonly TdmRigPair[], calleePort: number): string {
  const callee = (user: string): string => `sip/hil/${user}@127.0.0.1:${calleePort}`;
  const sip = pairs.flatMap((p, i) => [
    extension(`out_fxo_${i}`, `^9${i}(\\d+)$`, [
      ['bridge', `tdm/${p.span}/${p.fxo}/$1`],
      ['hangup', ''],
    ]),
    extension(`ring_fxs_${i}`, `^8${i}$`, [
      ['bridge', `tdm/${p.span}/${p.fxs}`],
      ['hangup', ''],
    ]),
  ]);
  return [
    '<include>',
    '  <context name="hil_sip">',
    ...sip,
    '  </context>',
    '  <context name="hil_fxs">',
    extension('to_callee', '^(\\d+)$', [
      ['bridge', callee('$1')],
      ['hangup', ''],
    ]),
    '  </context>',
    '  <context name="hil_fxo">',
    extension('did_to_callee', '^s$', [
      ['bridge', callee('cid')],
      ['hangup', ''],
    ]),
    '  </context>',
    '</include>',
    '',
  ].join('\n');
}

export async function startTdmHilCore(rig: TdmRig, o: TdmHilOptions): Promise<TdmHilCore> {
  const base = makeBaseDir(TDM_HIL_MODULES);
  const conf = join(base, 'conf');
  writeMediaConf(base, {
    'rtp-port-min': String(o.rtpMin),
    'rtp-port-max': String(o.rtpMin + 199),
    'realtime-priority': '0',
  });
  const sipPort = await freeSipPort();
  const calleePort = await freeUdpPort();
  for (const f of readdirSync(join(conf, 'sip_profiles'))) rmSync(join(conf, 'sip_profiles', f));
  const profile = {
    'sip-ip': '127.0.0.1',
    'sip-port': String(sipPort),
    context: 'hil_sip',
    'auth-calls': 'false',
    'inbound-codec-prefs': 'PCMU',
    'outbound-codec-prefs': 'PCMU',
  };
  writeFileSync(
    join(conf, 'sip_profiles', 'hil.xml'),
    `<include>\n  <profile name="hil">\n    <settings>\n${Object.entries(profile)
      .map(([k, v]) => `      ${param(k, v)}`)
      .join('\n')}\n    </settings>\n  </profile>\n</include>\n`,
  );
  writeFileSync(join(conf, 'autoload_configs', 'tdm.conf.xml'), tdmConfXml(rig, o));
  writeFileSync(join(conf, 'dialplan', 'hil_tdm.xml'), dialplanXml(rig.pairs, calleePort));
  const tc = await startTestCore({ base, globals: { domain: '127.0.0.1' } });
  for (const name of ['mod_media', 'mod_tdm', 'mod_sip']) {
    if (tc.core.modules.isLoaded(name)) continue;
    // The core logs a module that fails and goes on; loading it again gives the test the reason.
    let reason = 'not loaded';
    try {
      await tc.core.modules.load(name);
    } catch (err) {
      reason = (err as Error).message;
    }
    await tc.stop();
    throw new Error(`the core for the TDM loopback has no ${name}: ${reason}`);
  }
  return Object.assign(tc, { rig, sipPort, calleePort });
}

/** Line state of every configured port, `span/chan` → state, from `tdm show channels`. */
export { lineStates };

/** The FXS and FXO keys of a pair in {@link lineStates}. */
export function pairKeys(p: TdmRigPair): { fxs: string; fxo: string } {
  return { fxs: `${p.span}/${p.fxs}`, fxo: `${p.span}/${p.fxo}` };
}
