/**
 * The ringer: while a call to portaudio rings, the ring file plays on the ring device. A
 * `tone_stream://` ring plays as its cadence says (the default loops forever); a WAV file plays,
 * then waits `ring-interval` seconds, then plays again, as mod_portaudio did.
 *
 *     player (8 kHz) ==engine bridge==> memory port (device rate) --JS--> ring device output
 */
import { errorMessage } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import type { MediaEngine } from '../../media/media-engine.js';
import type { PortEventBase } from '../../media/media-events.js';
import type { Player } from '../../media/media-port.js';
import { parseToneSpec } from '../../media/tone-spec.js';
import {
  SoundMediaBridge,
  type SoundDeviceInfo,
  type SoundOutput,
  type SoundSystem,
} from '../../sound/index.js';
import type { PortaudioConfig } from './pa-config.js';

const RING_UUID = 'portaudio-ring';

export class Ringer {
  #output: SoundOutput | undefined;
  #bridge: SoundMediaBridge | undefined;
  #player: Player | undefined;
  #engine: MediaEngine | undefined;
  #timer: NodeJS.Timeout | undefined;
  #device: SoundDeviceInfo | undefined;
  readonly #onDone = (ev: PortEventBase): void => {
    if (ev.portId !== this.#player?.id) return;
    const wait = this.cfg.params['ring-interval'] * 1000;
    this.#timer = setTimeout(() => this.#play(), wait);
  };

  constructor(
    private readonly system: SoundSystem,
    private readonly cfg: PortaudioConfig,
    private readonly log: Logger,
  ) {}

  get ringing(): boolean {
    return this.#output !== undefined;
  }

  /** The device ringing now. */
  get device(): SoundDeviceInfo | undefined {
    return this.#device;
  }

  /** Starts ringing on `device`; without a media engine the ring is silent (and says so). */
  async start(device: SoundDeviceInfo, engine: MediaEngine | undefined): Promise<void> {
    if (this.#output) return;
    if (!engine) {
      this.log.warn('portaudio: no media engine (load mod_media), so calls ring silently');
      return;
    }
    const { sampleRate, frameMs, params } = this.cfg;
    const output = await this.system.openOutput({
      deviceId: device.id,
      sampleRate,
      frameMs,
      queueFrames: params['queue-frames'],
      stallMs: params['device-stall-ms'],
    });
    this.#output = output;
    this.#device = device;
    this.#engine = engine;
    output.on('device-lost', (l) => {
      this.log.warn(`portaudio: ring device ${l.name} lost (${l.reason}); the call keeps ringing silently`);
      void this.stop();
    });
    this.#bridge = new SoundMediaBridge({
      engine,
      uuid: RING_UUID,
      output,
      outputGainDb: params['ring-volume'],
    });
    engine.on('playback-done', this.#onDone);
    this.#play();
    this.#bridge.start();
  }

  #play(): void {
    const engine = this.#engine;
    const bridge = this.#bridge;
    if (!engine || !bridge || bridge.port.closed) return;
    const file = this.cfg.params['ring-file'];
    try {
      const old = this.#player;
      this.#player = undefined;
      if (old) void old.close();
      const player = file.startsWith('tone_stream://')
        ? engine.createPlayer(RING_UUID, { tone: parseToneSpec(file), rate: 8000, ptime: this.cfg.frameMs })
        : engine.createPlayer(RING_UUID, { file, rate: 8000, ptime: this.cfg.frameMs });
      this.#player = player;
      engine.bridge(player, bridge.port);
    } catch (err) {
      this.log.warn(`portaudio: cannot play ring-file ${file}: ${errorMessage(err)}`);
    }
  }

  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#engine?.off('playback-done', this.#onDone);
    const {
      output: o,
      bridge: b,
      player: p,
    } = { output: this.#output, bridge: this.#bridge, player: this.#player };
    this.#output = undefined;
    this.#bridge = undefined;
    this.#player = undefined;
    this.#device = undefined;
    this.#engine = undefined;
    try {
      await b?.close();
      await p?.close();
      await o?.close();
    } catch (err) {
      this.log.warn(`portaudio: stopping the ring failed: ${errorMessage(err)}`);
    }
  }
}
