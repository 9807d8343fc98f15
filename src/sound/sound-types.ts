/**
 * The sound-device binding's contract (types only). The mock in mock-sound.ts, driven by tests,
 * and the PortAudio one in portaudio-sound.ts follow it. The
 * sound endpoint and the media bridge depend on these types and never on an implementation.
 *
 * Audio is signed 16-bit linear PCM, mono, moved in whole frames of `frameMs`, the same frame
 * lengths the media engine uses for its ports (10, 20 or 30 ms).
 *
 * Every queue between the device and the caller is bounded. An input whose reader falls behind
 * drops its oldest frame and counts an overrun; an output that runs dry plays a frame of silence
 * and counts an underrun. Neither ever blocks the device or grows without limit.
 */
import type { EventEmitter } from 'node:events';

/** Rates the sound endpoint uses: narrowband, wideband, and the native rate of most codecs. */
export type SoundSampleRate = 8000 | 16000 | 48000;

/** Frame lengths the media engine's ports accept. */
export type SoundFrameMs = 10 | 20 | 30;

/** One device as the host audio system reports it. */
export interface SoundDeviceInfo {
  /**
   * Index in the most recent scan. Ids are not stable across rescans (PortAudio numbers devices
   * in enumeration order), so match a device by `name` after a hotplug.
   */
  readonly id: number;
  readonly name: string;
  /** The host API that serves the device, e.g. `ALSA`. */
  readonly hostApi: string;
  readonly maxInputChannels: number;
  readonly maxOutputChannels: number;
  readonly defaultSampleRate: number;
  /** Seconds, as PortAudio reports them. */
  readonly defaultLowInputLatency: number;
  readonly defaultLowOutputLatency: number;
  readonly defaultHighInputLatency: number;
  readonly defaultHighOutputLatency: number;
}

/** What changed between two scans; devices are matched by host API and name. */
export interface SoundDeviceChanges {
  readonly devices: readonly SoundDeviceInfo[];
  readonly added: readonly SoundDeviceInfo[];
  readonly removed: readonly SoundDeviceInfo[];
}

export interface SoundStreamOptions {
  /** A device id from the latest scan. */
  deviceId: number;
  sampleRate: SoundSampleRate;
  /** Only mono is supported. */
  channels?: 1;
  /** Frame length (default 20). */
  frameMs?: SoundFrameMs;
  /**
   * Hard cap on the frames held between the device and the caller (default 5, i.e. 100 ms at
   * 20 ms frames). Larger absorbs more jitter at the cost of latency.
   */
  queueFrames?: number;
  /**
   * Report `device-lost` when the device moves no audio for this long (default 2000 ms; in the
   * first 5 s after opening, at least 5 s). Real devices only: PortAudio stops calling back,
   * rather than failing, when a device vanishes.
   */
  stallMs?: number;
}

export interface SoundStreamStats {
  /** Frames the device delivered (input) or the caller wrote (output). */
  readonly framesIn: number;
  /** Frames the caller read (input) or the device played, silence included (output). */
  readonly framesOut: number;
  /** Output: frames of silence played because the queue was empty. */
  readonly underruns: number;
  /** Frames dropped, oldest first, because the queue was full. */
  readonly overruns: number;
  /** Frames queued now. */
  readonly queued: number;
  /** The queue's hard cap. */
  readonly queueCap: number;
}

export interface SoundDeviceLost {
  readonly deviceId: number;
  readonly name: string;
  readonly reason: string;
}

/**
 *     open --close()--> closed
 *       |                 ^
 *       +--device gone--> lost --close()--+
 */
export type SoundStreamState = 'open' | 'lost' | 'closed';

export interface SoundStreamEvents {
  /** Input: at least one frame is ready to read. */
  readable: [];
  /** The device disappeared or stopped; the stream moves no more audio. Emitted once. */
  'device-lost': [SoundDeviceLost];
  /** A listener threw; the emitter carried on. */
  'listener-error': [{ event: string; error: unknown }];
  closed: [];
}

interface SoundStream extends EventEmitter<SoundStreamEvents> {
  readonly direction: 'input' | 'output';
  readonly device: SoundDeviceInfo;
  readonly sampleRate: SoundSampleRate;
  readonly frameMs: SoundFrameMs;
  /** Samples in one frame. */
  readonly frameSamples: number;
  readonly state: SoundStreamState;
  stats(): SoundStreamStats;
  /** Stops the device stream and frees it. Safe to call more than once, and after a loss. */
  close(): Promise<void>;
}

export interface SoundInput extends SoundStream {
  readonly direction: 'input';
  /** The oldest queued frame (`frameSamples` long), or null when none is queued. */
  read(): Int16Array | null;
}

export interface SoundOutput extends SoundStream {
  readonly direction: 'output';
  /**
   * Queues samples to play. Any length is accepted; samples are grouped into frames and a trailing
   * part-frame waits for the next write. Returns the frames now queued.
   */
  write(samples: Int16Array): number;
  /** Resolves once everything queued has been handed to the device (or the stream ended). */
  drain(): Promise<void>;
}

export interface SoundSystem {
  /** The devices found by the latest scan (scanning once if none has run). */
  listDevices(): readonly SoundDeviceInfo[];
  /**
   * Scans again and reports what appeared and disappeared. Refused with TSW_ERR_STATE while any
   * stream is open (PortAudio lists devices again only when restarted).
   */
  rescan(): Promise<SoundDeviceChanges>;
  openInput(options: SoundStreamOptions): Promise<SoundInput>;
  openOutput(options: SoundStreamOptions): Promise<SoundOutput>;
  /** Closes every stream this system opened. */
  close(): Promise<void>;
}
