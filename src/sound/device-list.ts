/** Comparing device scans. PortAudio renumbers devices on every scan, so identity is the name. */
import type { SoundDeviceChanges, SoundDeviceInfo } from './sound-types.js';

function key(d: SoundDeviceInfo): string {
  return `${d.hostApi}\u0000${d.name}`;
}

/** What appeared and disappeared between two scans. */
export function diffDevices(
  before: readonly SoundDeviceInfo[],
  after: readonly SoundDeviceInfo[],
): SoundDeviceChanges {
  const had = new Set(before.map(key));
  const has = new Set(after.map(key));
  return {
    devices: after,
    added: after.filter((d) => !had.has(key(d))),
    removed: before.filter((d) => !has.has(key(d))),
  };
}

/** The device with this name in a scan (exact match first, then a case-insensitive substring). */
export function findDevice(
  devices: readonly SoundDeviceInfo[],
  name: string,
  direction?: 'input' | 'output',
): SoundDeviceInfo | undefined {
  const fits = (d: SoundDeviceInfo): boolean =>
    direction === undefined || (direction === 'input' ? d.maxInputChannels > 0 : d.maxOutputChannels > 0);
  const lower = name.toLowerCase();
  return (
    devices.find((d) => d.name === name && fits(d)) ??
    devices.find((d) => d.name.toLowerCase().includes(lower) && fits(d))
  );
}
