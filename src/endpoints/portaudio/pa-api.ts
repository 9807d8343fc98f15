/**
 * The `pa` API command, with mod_portaudio's subcommands:
 *
 *     pa devlist [xml|as xml]          devices, with r/i/o marking the ring, input and output device
 *     pa indev|outdev|ringdev [#N|name]  show or set a device
 *     pa call <dest> [dialplan] [context]  call out from the sound device
 *     pa answer [id]   pa hangup [id]   pa list   pa switch <id|none>
 *     pa dtmf <digits>                 toward the party the active call is bridged to
 *     pa looptest                      round-trip latency of the outdev -> indev loop
 *     pa rescan                        scan the devices again after a hotplug (refused while a
 *                                      call is on the device)
 */
import { usage, type ApiCommand } from '../../core/api.js';
import { errorMessage, TswError } from '../../core/errors.js';
import { measureLoopLatency } from '../../sound/index.js';
import { devlistText, devlistXml, type DeviceRole } from './pa-devices.js';
import type { PaRuntime } from './pa-runtime.js';

export const PA_SUBCOMMANDS = [
  'devlist',
  'indev',
  'outdev',
  'ringdev',
  'call',
  'answer',
  'hangup',
  'list',
  'switch',
  'dtmf',
  'looptest',
  'rescan',
] as const;

const DTMF = /^[0-9A-Da-d*#]+$/;

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return (
    rows
      .map((r) =>
        r
          .map((c, i) => c.padEnd(widths[i] ?? 0))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

function showDevice(rt: PaRuntime, role: DeviceRole): string {
  const d = rt.device(role);
  const sel = rt.selectors[role];
  const shown = sel === '' ? (role === 'ringdev' ? '(outdev)' : '(first)') : `"${sel}"`;
  return d ? `${role} ${shown}: #${d.id} ${d.name}\n` : `${role} ${shown}: no matching device\n`;
}

async function callOut(rt: PaRuntime, args: string[]): Promise<string> {
  const [dest, dialplan, context] = args;
  if (!dest) throw new TswError('TSW_ERR_API_ARGS', 'USAGE: pa call <dest> [dialplan] [context]');
  const endpoint = rt.endpoint;
  if (!endpoint) throw new TswError('TSW_ERR_STATE', 'the portaudio endpoint is not registered');
  const problem = rt.deviceProblem();
  if (problem) throw new TswError('TSW_ERR_NOT_FOUND', `cannot call: ${problem}`);
  const p = rt.cfg.params;
  const s = rt.core.newSession(endpoint, {
    name: `portaudio/${dest}`,
    direction: 'inbound',
    profile: {
      caller_id_name: p['cid-name'],
      caller_id_number: p['cid-num'],
      destination_number: dest,
      dialplan: dialplan ?? p.dialplan,
      context: context ?? p.context,
      network_addr: '',
    },
  });
  const call = rt.addCall(s, 'out', dest);
  try {
    await rt.serial(() => rt.activate(call));
  } catch (err) {
    rt.log.warn(`portaudio: pa call ${dest}: ${errorMessage(err)}`, { uuid: s.uuid });
    s.start();
    s.hangup('CHANNEL_UNACCEPTABLE');
    throw new TswError('TSW_ERR_STATE', `cannot open the sound device: ${errorMessage(err)}`);
  }
  s.start();
  s.channel.markAnswered();
  return `+OK call ${call.id} ${s.uuid}\n`;
}

async function answer(rt: PaRuntime, idText: string | undefined): Promise<string> {
  const call = idText ? rt.byId(idText) : rt.firstRinging();
  if (!call)
    throw new TswError('TSW_ERR_NOT_FOUND', idText ? `no call ${idText} (pa list)` : 'no call is ringing');
  if (call.state !== 'ringing')
    throw new TswError('TSW_ERR_STATE', `call ${call.id} is ${call.state}, not ringing`);
  try {
    await rt.serial(() => rt.activate(call));
  } catch (err) {
    rt.log.warn(`portaudio: cannot answer call ${call.id}: ${errorMessage(err)}`, { uuid: call.uuid });
    call.session.channel.variables.set('pa_hangup_reason', errorMessage(err));
    call.session.hangup('CHANNEL_UNACCEPTABLE');
    throw new TswError('TSW_ERR_STATE', `cannot answer call ${call.id}: ${errorMessage(err)}`);
  }
  call.session.channel.markAnswered();
  return `+OK answered call ${call.id}\n`;
}

function hangup(rt: PaRuntime, idText: string | undefined): string {
  const call = idText ? rt.byId(idText) : (rt.active ?? rt.firstRinging());
  if (!call)
    throw new TswError('TSW_ERR_NOT_FOUND', idText ? `no call ${idText} (pa list)` : 'no call to hang up');
  rt.hangup(call);
  return `+OK hangup call ${call.id}\n`;
}

function list(rt: PaRuntime): string {
  const rows = [['id', 'state', 'dir', 'uuid', 'dest', 'cid_name', 'cid_num', 'bridged_to']];
  for (const c of rt.calls.values()) {
    const p = c.session.channel.profile;
    rows.push([
      String(c.id),
      c.state,
      c.direction,
      c.uuid,
      c.dest || '-',
      p.caller_id_name || '-',
      p.caller_id_number || '-',
      c.session.channel.bridgedTo ?? '-',
    ]);
  }
  return table(rows) + `\n${rt.calls.size} call(s)\n`;
}

async function switchTo(rt: PaRuntime, idText: string | undefined): Promise<string> {
  if (!idText) throw new TswError('TSW_ERR_API_ARGS', 'USAGE: pa switch <id>|none');
  if (idText === 'none') {
    const held = await rt.serial(() => rt.holdActive());
    return held ? `+OK call ${held.id} held\n` : '+OK no active call\n';
  }
  const call = rt.byId(idText);
  if (!call) throw new TswError('TSW_ERR_NOT_FOUND', `no call ${idText} (pa list)`);
  if (call.state === 'ringing') return answer(rt, idText);
  await rt.serial(() => rt.activate(call));
  return `+OK call ${call.id} active\n`;
}

async function looptest(rt: PaRuntime): Promise<string> {
  const { input, output } = await rt.serial(() => rt.openPair(100));
  try {
    const r = await measureLoopLatency(input, output);
    return (
      `+OK loop latency ${r.latencyMs.toFixed(1)} ms (outdev ${output.device.name} -> indev ${input.device.name}, ` +
      `correlation ${r.score.toFixed(2)}, level ${r.levelDb.toFixed(1)} dB)\n`
    );
  } finally {
    await Promise.all([input.close(), output.close()]);
  }
}

async function rescan(rt: PaRuntime): Promise<string> {
  const r = await rt.rescan();
  const parts = [`+OK ${r.devices.length} device(s)`];
  if (r.added.length > 0) parts.push(`added: ${r.added.join(', ')}`);
  if (r.removed.length > 0) parts.push(`removed: ${r.removed.join(', ')}`);
  return parts.join('; ') + '\n';
}

export function paApi(rt: PaRuntime): ApiCommand {
  const cmd: ApiCommand = {
    name: 'pa',
    description: 'Sound device (PortAudio) endpoint',
    syntax:
      'devlist [xml] | indev|outdev|ringdev [#N|name] | call <dest> [dialplan] [context] | answer [id] | ' +
      'hangup [id] | list | switch <id|none> | dtmf <digits> | looptest | rescan',
    async run(args) {
      const words = args
        .trim()
        .split(/\s+/)
        .filter((w) => w !== '');
      const [sub = '', ...rest] = words;
      switch (sub.toLowerCase()) {
        case 'devlist': {
          const xml = rest.join(' ').toLowerCase();
          if (xml === 'xml' || xml === 'as xml') return devlistXml(rt.devices(), rt.bindings());
          if (xml !== '') return usage(cmd);
          return devlistText(rt.devices(), rt.bindings());
        }
        case 'indev':
        case 'outdev':
        case 'ringdev': {
          const role = sub.toLowerCase() as DeviceRole;
          const sel = rest.join(' ');
          if (sel === '') return showDevice(rt, role);
          const d = rt.setDevice(role, sel);
          return `+OK ${role} set to #${d.id} ${d.name}\n`;
        }
        case 'call':
          return callOut(rt, rest);
        case 'answer':
          return answer(rt, rest[0]);
        case 'hangup':
          return hangup(rt, rest[0]);
        case 'list':
          return list(rt);
        case 'switch':
          return switchTo(rt, rest[0]);
        case 'dtmf': {
          const digits = rest.join('');
          if (!DTMF.test(digits)) {
            throw new TswError('TSW_ERR_API_ARGS', `pa dtmf: "${digits}" is not a string of 0-9 * # A-D`);
          }
          return `+OK sent ${digits.toUpperCase()} (${rt.dtmf(digits.toUpperCase())})\n`;
        }
        case 'looptest':
          return looptest(rt);
        case 'rescan':
          return rescan(rt);
        default:
          return usage(cmd);
      }
    },
  };
  return cmd;
}
