/**
 * `tdm show spans` and `tdm show channels`: the operator's view of the ports. `tdm loop` drives
 * a loop-card span's test controls (the virtual rig's far ends): a hook operation on a port, or
 * pulse dialling from an off-hook trunk port.
 */
import { usage, type ApiCommand } from '../../core/api.js';
import { errorMessage } from '../../core/errors.js';
import type { TdmCard } from '../../tdm/index.js';
import type { TdmLine } from './tdm-line.js';

export interface SpanRuntime {
  id: number;
  card: TdmCard;
  /** The configured driver (`auto` may have become `loop`). */
  configured: string;
  ports: number;
}

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

function showSpans(spans: readonly SpanRuntime[]): string {
  const rows = [['span', 'driver', 'configured', 'ports', 'name', 'alarms']];
  for (const s of spans) {
    let name = '';
    let alarms: string;
    try {
      const st = s.card.spanStatus(s.id);
      name = st.name;
      alarms = st.alarms === 0 ? 'OK' : `0x${st.alarms.toString(16)}`;
    } catch (err) {
      alarms = `? (${errorMessage(err)})`;
    }
    rows.push([String(s.id), s.card.kind, s.configured, String(s.ports), name, alarms]);
  }
  return table(rows) + `\n${spans.length} span(s)\n`;
}

function hookOf(line: TdmLine): string {
  try {
    const p = line.channel.params();
    return p.kind === 'fxs'
      ? p.rxOffHook
        ? 'off-hook'
        : 'on-hook'
      : p.rxOffHook
        ? 'ringing'
        : line.lastHook === 'OFFHOOK'
          ? 'off-hook'
          : 'on-hook';
  } catch {
    return '?';
  }
}

function alarmsOf(line: TdmLine): string {
  try {
    const a = line.channel.params().alarms;
    return a === 0 ? 'OK' : `0x${a.toString(16)}`;
  } catch {
    return '?';
  }
}

function showChannels(lines: readonly TdmLine[]): string {
  const rows = [['span', 'chan', 'type', 'state', 'hook', 'alarms', 'uuid', 'in', 'out', 'failed', 'media']];
  for (const l of lines) {
    rows.push([
      String(l.cfg.span),
      String(l.cfg.channel),
      l.cfg.type,
      l.state,
      hookOf(l),
      alarmsOf(l),
      l.session?.uuid ?? '-',
      String(l.counters.callsIn),
      String(l.counters.callsOut),
      String(l.counters.failed),
      l.portStats() || '-',
    ]);
  }
  return table(rows) + `\n${lines.length} channel(s)\n`;
}

function loopControl(spans: readonly SpanRuntime[], words: string[]): string {
  const [spanText, op, chanText, arg = ''] = words;
  const span = spans.find((s) => String(s.id) === spanText);
  if (!span) return `-ERR no span ${spanText ?? ''}\n`;
  if (span.card.kind !== 'loop') return `-ERR span ${span.id} is not a loop card\n`;
  const chan = Number(chanText);
  if (!Number.isInteger(chan) || chan < 1 || chan > span.ports) return `-ERR no channel ${chanText ?? ''}\n`;
  try {
    if (op === 'hook' && (arg === 'OFFHOOK' || arg === 'ONHOOK')) span.card.setHook(chan, arg);
    else if (op === 'pulse' && /^[0-9]+$/.test(arg)) span.card.dialPulses(chan, arg);
    else
      return `-ERR usage: tdm loop <span> hook <chan> <OFFHOOK|ONHOOK> | loop <span> pulse <chan> <digits>\n`;
  } catch (err) {
    return `-ERR ${errorMessage(err)}\n`;
  }
  return '+OK\n';
}

export function tdmApi(spans: () => readonly SpanRuntime[], lines: () => readonly TdmLine[]): ApiCommand {
  const cmd: ApiCommand = {
    name: 'tdm',
    description: 'TDM spans and channels',
    syntax:
      'show spans|channels | loop <span> hook <chan> <OFFHOOK|ONHOOK> | loop <span> pulse <chan> <digits>',
    run(args) {
      const words = args.trim().split(/\s+/);
      if (words[0] === 'loop') return loopControl(spans(), words.slice(1));
      if (words[0] !== 'show') usage(cmd);
      if (words[1] === 'spans') return showSpans(spans());
      if (words[1] === 'channels') return showChannels(lines());
      return usage(cmd);
    },
  };
  return cmd;
}
