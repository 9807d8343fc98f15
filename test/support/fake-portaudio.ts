/**
 * A stand-in for the tsw_sound addon: no PortAudio, the test plays the audio thread. It keeps the
 * addon's rules (bounded rings, one wake-up per callback, jobs answered later on the event loop)
 * so the TypeScript side can be tested without a sound device.
 */
import type {
  PortAudioDevice,
  PortAudioDispatcher,
  PortAudioNative,
  PortAudioStreamSpec,
  PortAudioStreamStatus,
} from '../../src/sound/portaudio-addon.js';

export interface FakeStream {
  spec: PortAudioStreamSpec;
  ring: number[];
  opened: boolean;
  closed: boolean;
  abandoned: boolean;
  destroyed: boolean;
  status: PortAudioStreamStatus;
}

export class FakePortAudio implements PortAudioNative {
  devices: PortAudioDevice[] = [
    {
      id: 0,
      name: 'pcm0',
      hostApi: 'ALSA',
      maxInputChannels: 2,
      maxOutputChannels: 2,
      defaultSampleRate: 48000,
      defaultLowInputLatency: 0.0087,
      defaultLowOutputLatency: 0.0087,
      defaultHighInputLatency: 0.0348,
      defaultHighOutputLatency: 0.0348,
    },
  ];
  readonly streams = new Map<number, FakeStream>();
  scans = 0;
  refs = 0;
  /** When set, Pa_OpenStream fails with this text. */
  openError: string | null = null;
  /** When true, closing never returns (a host API stuck on a dead device). */
  hangClose = false;
  /** When set, closing fails with this text and PortAudio keeps the stream. */
  closeError: string | null = null;
  #dispatch: PortAudioDispatcher = () => {};
  #nextId = 1;

  setDispatcher(fn: PortAudioDispatcher): void {
    this.#dispatch = fn;
  }

  scan(): PortAudioDevice[] {
    this.scans++;
    return this.devices.map((d) => ({ ...d }));
  }

  startRescan(): number {
    const open = [...this.streams.values()].filter((s) => s.opened && !s.closed).length;
    return this.#job(open > 0 ? `cannot rescan while ${open} stream(s) are open` : null);
  }

  createStream(spec: PortAudioStreamSpec): number {
    const id = this.#nextId++;
    this.streams.set(id, {
      spec,
      ring: [],
      opened: false,
      closed: false,
      abandoned: false,
      destroyed: false,
      status: {
        callbacks: 0,
        sinceCallbackMs: -1,
        active: 0,
        finished: false,
        queued: 0,
        ringOverrunSamples: 0,
        ringUnderrunSamples: 0,
        inputOverflows: 0,
        outputUnderflows: 0,
        inputLatency: 0,
        outputLatency: 0,
        realtime: spec.realtime,
      },
    });
    return id;
  }

  startOpen(id: number): number {
    const s = this.#stream(id);
    if (this.openError) return this.#job(`Pa_OpenStream: ${this.openError}`);
    s.opened = true;
    s.status.active = 1;
    return this.#job(null);
  }

  startClose(id: number): number {
    const s = this.#stream(id);
    if (this.hangClose && s.opened) return this.#nextId++;
    if (this.closeError && s.opened) return this.#job(this.closeError);
    s.closed = true;
    s.status.active = 0;
    return this.#job(null);
  }

  destroyStream(id: number): void {
    const s = this.#stream(id);
    if (s.opened && !s.closed) throw new Error('sound stream is still open');
    s.destroyed = true;
  }

  abandonStream(id: number): number {
    this.#stream(id).abandoned = true;
    return [...this.streams.values()].filter((s) => s.abandoned).length;
  }

  streamRead(id: number): Int16Array {
    const s = this.#stream(id);
    return Int16Array.from(s.ring.splice(0));
  }

  streamWrite(id: number, samples: Int16Array): number {
    const s = this.#stream(id);
    const put = Math.min(samples.length, s.spec.ringSamples - s.ring.length);
    s.ring.push(...samples.subarray(0, put));
    return put;
  }

  streamStatus(id: number): PortAudioStreamStatus {
    const s = this.#stream(id);
    return { ...s.status, queued: s.ring.length };
  }

  ref(): void {
    this.refs++;
  }

  unref(): void {
    this.refs--;
  }

  info(): { version: string; stranded: number; openStreams: number } {
    const all = [...this.streams.values()];
    return {
      version: 'fake',
      stranded: all.filter((s) => s.abandoned).length,
      openStreams: all.filter((s) => s.opened && !s.closed).length,
    };
  }

  /** The most recently created stream's id. */
  get lastId(): number {
    return this.#nextId - 1;
  }

  /** One input callback: the device captured `samples`; JavaScript is woken once. */
  capture(id: number, samples: Int16Array): void {
    const s = this.#stream(id);
    const put = Math.min(samples.length, s.spec.ringSamples - s.ring.length);
    s.ring.push(...samples.subarray(0, put));
    s.status.ringOverrunSamples += samples.length - put;
    s.status.callbacks++;
    this.#dispatch('data', id, this.streamRead(id));
  }

  /** `n` output callbacks; returns what the device played. */
  play(id: number, n = 1): Int16Array {
    const s = this.#stream(id);
    const frame = s.spec.framesPerBuffer;
    const out = new Int16Array(n * frame);
    for (let i = 0; i < n; i++) {
      const got = s.ring.splice(0, frame);
      out.set(got, i * frame);
      s.status.ringUnderrunSamples += frame - got.length;
      s.status.callbacks++;
      this.#dispatch('space', id, s.spec.ringSamples - s.ring.length);
    }
    return out;
  }

  /** PortAudio's stream-finished callback: the device went away. */
  finish(id: number): void {
    const s = this.#stream(id);
    s.status.finished = true;
    s.status.active = 0;
    this.#dispatch('finished', id);
  }

  #stream(id: number): FakeStream {
    const s = this.streams.get(id);
    if (!s) throw new Error(`no sound stream ${id}`);
    return s;
  }

  #job(error: string | null): number {
    const id = this.#nextId++;
    setImmediate(() => this.#dispatch('job', id, error));
    return id;
  }
}
