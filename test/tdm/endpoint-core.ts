/**
 * A real core with mod_media and mod_tdm on a loop-card span of 4 ports (FXS 1 wired to FXO 2,
 * FXS 3 to FXO 4), fast ring cadence, and a `tdmtest` context for the calls to land in.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TdmLine } from '../../src/endpoints/tdm/tdm-line.js';
import { makeBaseDir, startTestCore, type TestCore } from '../support/core-harness.js';

export const TDM_TEST_MODULES = ['mod_commands', 'mod_dptools', 'mod_media', 'mod_tdm', 'mod_dialplan_xml'];

export function writeTdmConf(base: string, body: string): void {
  writeFileSync(
    join(base, 'conf', 'autoload_configs', 'tdm.conf.xml'),
    `<configuration name="tdm.conf">\n  <spans>\n${body}\n  </spans>\n</configuration>\n`,
  );
}

export const TEST_SPAN = `
    <span id="1" driver="auto" ports="4">
      <param name="loop-ring-on-ms" value="600"/>
      <param name="loop-ring-off-ms" value="1000"/>
      <param name="loop-flash-max-break-ms" value="400"/>
      <param name="context" value="tdmtest"/>
      <param name="dtmf-duration" value="80"/>
      <channels range="1,3" type="fxs" group="phones">
        <param name="interdigit-timeout" value="1500"/>
        <param name="digit-map" value="^555[0-9]{4}$"/>
      </channels>
      <channels range="2,4" type="fxo" group="pstn">
        <param name="dial-delay" value="300"/>
      </channels>
    </span>`;

const DIALPLAN = `<include>
  <context name="tdmtest">
    <extension name="tone">
      <condition field="destination_number" expression="^5551234$">
        <action application="answer"/>
        <action application="playback" data="tone_stream://%(3000,0,1004)"/>
        <action application="hangup"/>
      </condition>
    </extension>
EXTRA
    <extension name="inbound">
      <condition field="destination_number" expression="^s$">
        <action application="answer"/>
        <action application="park"/>
      </condition>
    </extension>
  </context>
</include>
`;

/** Starts the core; `extensions` go into the `tdmtest` context before the catch-all `s`. */
export async function startTdmCore(rtpMin: number, span = TEST_SPAN, extensions = ''): Promise<TestCore> {
  const base = makeBaseDir(TDM_TEST_MODULES);
  writeFileSync(
    join(base, 'conf', 'autoload_configs', 'media.conf.xml'),
    `<configuration name="media.conf"><settings>
      <param name="rtp-port-min" value="${rtpMin}"/><param name="rtp-port-max" value="${rtpMin + 99}"/>
      <param name="realtime-priority" value="0"/></settings></configuration>\n`,
  );
  writeTdmConf(base, span);
  writeFileSync(join(base, 'conf', 'dialplan', 'tdmtest.xml'), DIALPLAN.replace('EXTRA', extensions));
  return startTestCore({ base });
}

/** The tdm line of `span/chan`, via the session table and `tdm show channels`. */
export async function lineStates(t: TestCore): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const text = await t.api('tdm show channels');
  for (const row of text.split('\n').slice(1)) {
    const cols = row.split(/\s+/);
    if (cols.length > 4 && /^\d+$/.test(cols[0] ?? '')) out.set(`${cols[0]}/${cols[1]}`, cols[3] ?? '');
  }
  return out;
}

export type { TdmLine };
