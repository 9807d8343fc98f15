/**
 * A real core with mod_media and mod_portaudio on the mock sound system, and a `patest` context
 * for the calls. The test plays the hardware through the mock (`mockOf`): plugging devices, running
 * the device clock, injecting microphone audio and reading what the speaker played.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { portaudioOf } from '../../src/endpoints/portaudio/mod-portaudio.js';
import { LogLevel, type LogRecord } from '../../src/core/log.js';
import type { PaRuntime } from '../../src/endpoints/portaudio/pa-runtime.js';
import { MockSoundSystem } from '../../src/sound/index.js';
import { makeBaseDir, startTestCore, type TestCore } from '../support/core-harness.js';

export const PA_TEST_MODULES = [
  'mod_commands',
  'mod_dptools',
  'mod_media',
  'mod_loopback',
  'mod_portaudio',
  'mod_dialplan_xml',
];

const DIALPLAN = `<include>
  <context name="patest">
    <extension name="echo">
      <condition field="destination_number" expression="^9300$">
        <action application="answer"/>
        <action application="echo"/>
      </condition>
    </extension>
    <extension name="park">
      <condition field="destination_number" expression="^9400$">
        <action application="answer"/>
        <action application="park"/>
      </condition>
    </extension>
    <extension name="to-portaudio">
      <condition field="destination_number" expression="^9100$">
        <action application="bridge" data="portaudio/1000"/>
      </condition>
    </extension>
    <extension name="to-portaudio-bare">
      <condition field="destination_number" expression="^9101$">
        <action application="bridge" data="portaudio"/>
      </condition>
    </extension>
    <extension name="to-rtp">
      <condition field="destination_number" expression="^9200$">
        <action application="bridge" data="loopback/9400/patest"/>
      </condition>
    </extension>
  </context>
</include>
`;

export function portaudioConf(params: Record<string, string>): string {
  const all = { 'sound-system': 'mock', context: 'patest', 'device-stall-ms': '500', ...params };
  const lines = Object.entries(all)
    .map(([k, v]) => `    <param name="${k}" value="${v}"/>`)
    .join('\n');
  return `<configuration name="portaudio.conf">\n  <settings>\n${lines}\n  </settings>\n</configuration>\n`;
}

export interface PaTestCore extends TestCore {
  rt: PaRuntime;
  mock: MockSoundSystem;
  logs: LogRecord[];
  /** Runs the mock device clock: one frame every `frameMs` until stopped. */
  startClock(frameMs?: number): () => void;
}

export async function startPaCore(
  rtpMin: number,
  params: Record<string, string> = {},
  raw?: string,
): Promise<PaTestCore> {
  const base = makeBaseDir(PA_TEST_MODULES);
  writeFileSync(
    join(base, 'conf', 'autoload_configs', 'media.conf.xml'),
    `<configuration name="media.conf"><settings>
      <param name="rtp-port-min" value="${rtpMin}"/><param name="rtp-port-max" value="${rtpMin + 99}"/>
      <param name="realtime-priority" value="0"/></settings></configuration>\n`,
  );
  writeFileSync(join(base, 'conf', 'autoload_configs', 'portaudio.conf.xml'), raw ?? portaudioConf(params));
  writeFileSync(join(base, 'conf', 'dialplan', 'patest.xml'), DIALPLAN);
  const logs: LogRecord[] = [];
  const t = await startTestCore({ base });
  t.core.logs.addSink({ name: 'pa-capture', level: LogLevel.DEBUG, write: (r) => logs.push(r) });
  const rt = portaudioOf(t.core);
  const timers = new Set<NodeJS.Timeout>();
  const stop = t.stop.bind(t);
  const out: PaTestCore = {
    ...t,
    rt: rt as PaRuntime,
    mock: rt?.system as MockSoundSystem,
    logs,
    startClock(frameMs = 20) {
      const timer = setInterval(() => {
        if (out.mock instanceof MockSoundSystem) out.mock.advance(1);
      }, frameMs);
      timers.add(timer);
      return () => {
        clearInterval(timer);
        timers.delete(timer);
      };
    },
    async stop() {
      for (const timer of timers) clearInterval(timer);
      await stop();
    },
  };
  return out;
}

/** Plugs the usual devices (a headset, a ringer) and rescans. */
export async function plugHeadset(t: PaTestCore): Promise<void> {
  t.mock.plug({ name: 'USB Headset', inputs: 1, outputs: 1 });
  t.mock.plug({ name: 'Ringer', inputs: 0, outputs: 1 });
  const reply = await t.api('pa rescan');
  if (!reply.startsWith('+OK')) throw new Error(`pa rescan: ${reply}`);
}
