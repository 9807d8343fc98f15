/**
 * Device selectors as mod_portaudio takes them (`#N` or a name) and the `pa devlist` listing, in
 * mod_portaudio's text format (`N;name(host api);inputs;outputs;r,i,o`) and XML format.
 */
import { findDevice, type SoundDeviceInfo } from '../../sound/index.js';

export type DeviceRole = 'indev' | 'outdev' | 'ringdev';

export function directionOf(role: DeviceRole): 'input' | 'output' {
  return role === 'indev' ? 'input' : 'output';
}

function fits(d: SoundDeviceInfo, direction: 'input' | 'output'): boolean {
  return direction === 'input' ? d.maxInputChannels > 0 : d.maxOutputChannels > 0;
}

/**
 * The device a selector names in `list`: `#N` is the N-th device, a name matches exactly first
 * and then as a case-insensitive part of a device name, and an empty selector picks the first
 * device that fits. Undefined when nothing fits `direction`.
 */
export function pickDevice(
  list: readonly SoundDeviceInfo[],
  selector: string,
  direction: 'input' | 'output',
): SoundDeviceInfo | undefined {
  const sel = selector.trim();
  if (sel === '') return list.find((d) => fits(d, direction));
  if (/^#\d+$/.test(sel)) {
    const d = list[Number(sel.slice(1))];
    return d && fits(d, direction) ? d : undefined;
  }
  return findDevice(list, sel, direction);
}

export interface DeviceBindings {
  indev?: SoundDeviceInfo | undefined;
  outdev?: SoundDeviceInfo | undefined;
  ringdev?: SoundDeviceInfo | undefined;
}

function flags(d: SoundDeviceInfo, b: DeviceBindings): string {
  const out: string[] = [];
  if (b.ringdev?.id === d.id) out.push('r');
  if (b.indev?.id === d.id) out.push('i');
  if (b.outdev?.id === d.id) out.push('o');
  return out.join(',');
}

/** One line per device: `id;name(host api);inputs;outputs;flags`; nothing when there is none. */
export function devlistText(list: readonly SoundDeviceInfo[], b: DeviceBindings): string {
  return list
    .map(
      (d) => `${d.id};${d.name}(${d.hostApi});${d.maxInputChannels};${d.maxOutputChannels};${flags(d, b)}\n`,
    )
    .join('');
}

function xmlAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** mod_portaudio's `pa devlist xml`: the devices, then the ring/input/output bindings (-1: none). */
export function devlistXml(list: readonly SoundDeviceInfo[], b: DeviceBindings): string {
  const devices = list
    .map(
      (d) =>
        `\t\t<device id="${d.id}" name="${xmlAttr(d.name)}" hostapi="${xmlAttr(d.hostApi)}" ` +
        `inputs="${d.maxInputChannels}" outputs="${d.maxOutputChannels}" ` +
        `default_rate="${d.defaultSampleRate}"/>\n`,
    )
    .join('');
  return (
    `<xml>\n\t<devices>\n${devices}\t</devices>\n\t<bindings>\n` +
    `\t\t<ring device="${b.ringdev?.id ?? -1}"/>\n` +
    `\t\t<input device="${b.indev?.id ?? -1}"/>\n` +
    `\t\t<output device="${b.outdev?.id ?? -1}"/>\n` +
    `\t</bindings>\n</xml>\n`
  );
}
