/**
 * Ring detection → INVITE, for the TDM benchmark. A core with mod_tdm (a loop span whose FXO port
 * 2 routes inbound calls to a SIP address), mod_media and mod_sip; the loop card's FXS port 1 is
 * left to the bench, which rings it (with DTMF caller ID) through the card's test controls.
 *
 * The card is the one mod_tdm opens: the bench wraps TdmCard.openLoopCard to keep it, and listens
 * to its events next to mod_tdm. The ring is detected when the FXO port's RINGEROFF ends the ring
 * that `rings-before-answer` counts (1); its card time is turned into this process's clock. The
 * INVITE is timed when it reaches a UDP socket here, which answers 486 so that the call ends.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TdmCard, type TdmEvent } from '../src/tdm/index.js';
import { bootBenchCore, freePort } from './boot.js';
import { nowMs, sleep, waitUntil } from './measure.js';

const MODULES = [
  'mod_commands',
  'mod_dptools',
  'mod_media',
  'mod_tdm',
  'mod_dialplan_xml',
  'mod_directory',
  'mod_sip',
];

function prepare(confDir: string, sipPort: number, peerPort: number): void {
  const auto = join(confDir, 'autoload_configs');
  writeFileSync(
    join(auto, 'media.conf.xml'),
    `<configuration name="media.conf"><settings><param name="rtp-port-min" value="51000"/>` +
      `<param name="rtp-port-max" value="51199"/></settings></configuration>\n`,
  );
  writeFileSync(
    join(auto, 'tdm.conf.xml'),
    `<configuration name="tdm.conf"><spans><span id="1" driver="loop" ports="2">
  <param name="loop-ring-on-ms" value="600"/><param name="loop-ring-off-ms" value="1000"/>
  <channels range="2" type="fxo"><param name="context" value="bench_tdm"/></channels>
</span></spans></configuration>\n`,
  );
  writeFileSync(
    join(confDir, 'sip_profiles', 'internal.xml'),
    `<include><profile name="bench"><settings><param name="sip-ip" value="127.0.0.1"/>` +
      `<param name="sip-port" value="${sipPort}"/><param name="context" value="bench_tdm"/>` +
      `<param name="auth-calls" value="false"/></settings></profile></include>\n`,
  );
  writeFileSync(
    join(confDir, 'dialplan', 'bench_tdm.xml'),
    `<include><context name="bench_tdm"><extension name="ring"><condition field="destination_number" expression="^s$">` +
      `<action application="bridge" data="sip/bench/ring@127.0.0.1:${peerPort}"/>` +
      `<action application="hangup"/></condition></extension></context></include>\n`,
  );
}

/** Answers every INVITE with 486 and notes when each new one arrived. */
function busyPeer(sock: Socket, onInvite: (at: number) => void): void {
  const seen = new Set<string>();
  sock.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
    const text = msg.toString('latin1');
    if (!text.startsWith('INVITE ')) return;
    const at = nowMs();
    const lines = text.split('\r\n');
    const header = (name: string): string[] => lines.filter((l) => l.toLowerCase().startsWith(`${name}:`));
    const callId = header('call-id')[0] ?? '';
    if (!seen.has(callId)) {
      seen.add(callId);
      onInvite(at);
    }
    const to = header('to')[0] ?? 'To: <sip:ring@127.0.0.1>';
    const reply = [
      'SIP/2.0 486 Busy Here',
      ...header('via'),
      ...header('from'),
      /;tag=/.test(to) ? to : `${to};tag=bench`,
      callId,
      ...header('cseq'),
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    sock.send(reply, rinfo.port, rinfo.address);
  });
}

export async function measureRingToInvite(calls: number): Promise<number[]> {
  const cards: TdmCard[] = [];
  const open = TdmCard.openLoopCard.bind(TdmCard);
  TdmCard.openLoopCard = (o) => {
    const c = open(o);
    cards.push(c);
    return c;
  };
  const sock = createSocket('udp4');
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', () => resolve()));
  const sipPort = await freePort();
  const b = await bootBenchCore({
    modules: MODULES,
    prepare: (dir) => prepare(dir, sipPort, sock.address().port),
  }).finally(() => {
    TdmCard.openLoopCard = open;
  });
  const out: number[] = [];
  try {
    const card = cards[0];
    if (!card) throw new Error('mod_tdm opened no loop card');
    let detectedAt = -1;
    let inviteAt = -1;
    card.on('events', (batch: TdmEvent[]) => {
      for (const ev of batch) {
        if (ev.channel === 2 && ev.type === 'RINGEROFF' && detectedAt < 0) {
          detectedAt = nowMs() - (card.nowMs() - ev.timeMs);
        }
      }
    });
    busyPeer(sock, (at) => {
      if (inviteAt < 0) inviteAt = at;
    });
    const idle = async (): Promise<boolean> => /\n1\s+2\s+fxo\s+idle/.test(await b.api('tdm show channels'));
    for (let n = 0; n < calls; n++) {
      const end = nowMs() + 10_000;
      while (!(await idle())) {
        if (nowMs() > end) throw new Error(`FXO port not idle: ${await b.api('tdm show channels')}`);
        await sleep(20);
      }
      await sleep(300);
      detectedAt = -1;
      inviteAt = -1;
      card.ringWithCallerId(1, '5550100');
      await waitUntil(() => inviteAt >= 0 && detectedAt >= 0, 10_000, 'the INVITE for the ringing line');
      out.push(inviteAt - detectedAt);
      card.setHook(1, 'RINGOFF');
      await waitUntil(() => b.core.sessions.count === 0, 10_000, 'the call to end');
    }
  } finally {
    await b.stop();
    sock.close();
  }
  return out;
}
