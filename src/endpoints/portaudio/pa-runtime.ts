/**
 * The sound endpoint at run time: the device bindings (indev, outdev, ringdev), the calls on the
 * device and which one holds it, the ringer, and the streams of the active call.
 *
 * The microphone and speaker streams are open only while a call is active. The active call's
 * memory port (its channel's main port) is fed from the microphone and played on the speaker by
 * a {@link SoundMediaBridge}; the engine's bridge to the far leg does the resampling. A held or
 * ringing call keeps its port and hears silence, or the hold file.
 *
 * Device loss: a stream that reports `device-lost` hangs up the active call with
 * DESTINATION_OUT_OF_ORDER and a log line naming the device; the devices are then scanned again so
 * the next call fails early with CHANNEL_UNACCEPTABLE. Nothing here throws into the core.
 */
import type { Core } from '../../core/core.js';
import type { Endpoint } from '../../core/endpoint.js';
import { errorMessage, TswError } from '../../core/errors.js';
import type { HangupCause } from '../../core/hangup-cause.js';
import type { Logger } from '../../core/log.js';
import type { Session } from '../../core/session.js';
import { channelMediaOf, type ChannelMedia } from '../../media/channel-media.js';
import { RtpPort, type MemoryPort, type Player } from '../../media/media-port.js';
import { parseToneSpec } from '../../media/tone-spec.js';
import {
  SoundMediaBridge,
  type SoundDeviceInfo,
  type SoundDeviceLost,
  type SoundInput,
  type SoundOutput,
  type SoundStreamStats,
  type SoundSystem,
} from '../../sound/index.js';
import { PaCall } from './pa-call.js';
import type { PortaudioConfig } from './pa-config.js';
import { directionOf, pickDevice, type DeviceBindings, type DeviceRole } from './pa-devices.js';
import { Ringer } from './pa-ringer.js';

interface DeviceLink {
  input: SoundInput;
  output: SoundOutput;
  bridge: SoundMediaBridge | undefined;
}

export class PaRuntime {
  readonly calls = new Map<number, PaCall>();
  readonly selectors: Record<DeviceRole, string>;
  readonly ringer: Ringer;
  #nextId = 1;
  #link: DeviceLink | undefined;
  #activeId: number | undefined;
  #holdPlayers = new Map<number, Player>();
  /** Why the sound system could not list devices, when it could not. */
  #systemError: string | undefined;
  /** Serialises state changes: device opens are async and calls may race. */
  #queue: Promise<unknown> = Promise.resolve();
  endpoint: Endpoint | undefined;

  constructor(
    readonly core: Core,
    readonly system: SoundSystem,
    readonly cfg: PortaudioConfig,
    readonly log: Logger,
  ) {
    const p = cfg.params;
    this.selectors = { indev: p.indev, outdev: p.outdev, ringdev: p.ringdev };
    this.ringer = new Ringer(system, cfg, log);
  }

  // ---- devices ----

  /** The latest scan; empty (and the reason remembered) when the sound system cannot list. */
  devices(): readonly SoundDeviceInfo[] {
    try {
      const list = this.system.listDevices();
      this.#systemError = undefined;
      return list;
    } catch (err) {
      if (this.#systemError === undefined) this.log.warn(`portaudio: ${errorMessage(err)}`);
      this.#systemError = errorMessage(err);
      return [];
    }
  }

  get systemError(): string | undefined {
    return this.#systemError;
  }

  /** The device a role resolves to now (ringdev falls back to outdev). */
  device(role: DeviceRole): SoundDeviceInfo | undefined {
    const list = this.devices();
    if (role === 'ringdev' && this.selectors.ringdev === '') {
      return pickDevice(list, this.selectors.outdev, 'output');
    }
    return pickDevice(list, this.selectors[role], directionOf(role));
  }

  bindings(): DeviceBindings {
    return { indev: this.device('indev'), outdev: this.device('outdev'), ringdev: this.device('ringdev') };
  }

  /** Why a call cannot use the devices now, or undefined when indev and outdev resolve. */
  deviceProblem(): string | undefined {
    const list = this.devices();
    if (this.#systemError !== undefined) return `the sound system is unusable: ${this.#systemError}`;
    for (const role of ['indev', 'outdev'] as const) {
      if (this.device(role)) continue;
      const sel = this.selectors[role];
      const what = role === 'indev' ? 'input' : 'output';
      return sel === ''
        ? `no ${what} device (pa devlist lists ${list.length} device(s); plug one in and run pa rescan)`
        : `${role} "${sel}" matches no ${what} device (pa devlist lists ${list.length}; run pa rescan after plugging it in)`;
    }
    return undefined;
  }

  /** Sets a role's selector after checking that it names a device now. */
  setDevice(role: DeviceRole, selector: string): SoundDeviceInfo {
    const d = pickDevice(this.devices(), selector, directionOf(role));
    if (!d) {
      throw new TswError(
        'TSW_ERR_NOT_FOUND',
        `no ${directionOf(role)} device matches "${selector}"; pick one from pa devlist (#N or a name)`,
      );
    }
    this.selectors[role] = selector;
    return d;
  }

  /**
   * Scans the devices again (`pa rescan`, and after a device is lost). PortAudio can only rescan
   * with no stream open, so this runs in the state queue: a ringing ring stream is stopped for the
   * scan and started again after it; a call on the device, or `pa looptest`, makes it refuse with
   * TSW_ERR_STATE saying what holds the device. A refusal is not a broken sound system.
   */
  rescan(): Promise<{ devices: readonly SoundDeviceInfo[]; added: string[]; removed: string[] }> {
    return this.serial(async () => {
      const call = this.active;
      if (this.#link) {
        throw new TswError(
          'TSW_ERR_STATE',
          `pa rescan refused: ${call ? `call ${call.id} is` : 'a call is'} on the sound device ` +
            '(PortAudio cannot rescan with a stream open); hang it up or hold it (pa switch none) first',
        );
      }
      const ringing = this.ringer.ringing;
      if (ringing) await this.ringer.stop();
      try {
        const c = await this.system.rescan();
        this.#systemError = undefined;
        return {
          devices: c.devices,
          added: c.added.map((d) => d.name),
          removed: c.removed.map((d) => d.name),
        };
      } catch (err) {
        if (err instanceof TswError && err.code === 'TSW_ERR_STATE') {
          throw new TswError(
            'TSW_ERR_STATE',
            `pa rescan refused: ${errorMessage(err)} (pa looptest running, or a stream PortAudio ` +
              'never let go of after a device loss: restart to rescan)',
            { cause: err },
          );
        }
        this.#systemError = errorMessage(err);
        throw err;
      } finally {
        if (ringing && this.firstRinging()) await this.ring();
      }
    });
  }

  // ---- calls ----

  get media(): ChannelMedia | undefined {
    return channelMediaOf(this.core);
  }

  get active(): PaCall | undefined {
    return this.#activeId === undefined ? undefined : this.calls.get(this.#activeId);
  }

  byId(text: string | undefined): PaCall | undefined {
    if (text === undefined || text === '') return undefined;
    const n = Number(text);
    if (Number.isInteger(n)) return this.calls.get(n);
    return [...this.calls.values()].find((c) => c.uuid === text);
  }

  firstRinging(): PaCall | undefined {
    return [...this.calls.values()].find((c) => c.state === 'ringing');
  }

  callOf(session: Session): PaCall | undefined {
    return [...this.calls.values()].find((c) => c.session === session);
  }

  /** Runs `fn` after every state change queued before it. */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Registers a new call on `session` (ringing until {@link activate}) and gives its channel a
   * port at the device rate.
   */
  addCall(session: Session, direction: 'in' | 'out', dest: string): PaCall {
    const id = this.#nextId++;
    session.channel.variables.set('pa_call_id', String(id));
    let port: MemoryPort | undefined;
    const media = this.media;
    if (media) {
      const { sampleRate: rate, frameMs: ptime } = this.cfg;
      try {
        // The port holds as much as a device queue: drift between the device's clock and the
        // engine's fills one side up to this bound, and every frame held is latency.
        port = media.engine.createMemoryPort(session.uuid, {
          rate,
          ptime,
          maxBuffered: Math.round((rate * ptime * this.cfg.params['queue-frames']) / 1000),
        });
        media.attach(session.uuid, port);
      } catch (err) {
        this.log.warn(`portaudio: no media for call ${id}: ${errorMessage(err)}`, { uuid: session.uuid });
        if (port) void port.close();
        port = undefined;
      }
    }
    const call = new PaCall(id, session, direction, dest, port);
    this.calls.set(id, call);
    return call;
  }

  /** Starts the ringer for a ringing call (unless a call is active and no-ring-during-call). */
  async ring(): Promise<void> {
    if (this.ringer.ringing) return;
    if (this.active && this.cfg.params['no-ring-during-call']) return;
    const dev = this.device('ringdev');
    if (!dev) {
      this.log.warn('portaudio: no ring device; the call rings without sound (set ringdev, or pa ringdev)');
      return;
    }
    try {
      await this.ringer.start(dev, this.media?.engine);
    } catch (err) {
      this.log.warn(`portaudio: cannot ring on ${dev.name}: ${errorMessage(err)}`);
    }
  }

  /** Makes `call` the one on the device; the call active before is held. Throws when the devices fail. */
  async activate(call: PaCall): Promise<void> {
    if (call.state === 'active') return;
    const prev = this.active;
    if (prev && prev !== call) this.#hold(prev);
    let link: DeviceLink;
    try {
      link = await this.#openLink();
    } catch (err) {
      await this.#settle();
      throw err;
    }
    await this.#stopHoldMusic(call);
    const engine = this.media?.engine;
    if (call.port && engine && !call.port.closed) {
      call.port.pull(); // what the port gathered while the call was not on the device
      const p = this.cfg.params;
      link.bridge = new SoundMediaBridge({
        engine,
        uuid: call.uuid,
        input: link.input,
        output: link.output,
        port: call.port,
        inputGainDb: p['mic-volume'],
        outputGainDb: p['speaker-volume'],
      });
      link.bridge.start();
    }
    call.transition('active');
    this.#activeId = call.id;
    if (!this.firstRinging() || this.cfg.params['no-ring-during-call']) await this.ringer.stop();
  }

  /** Puts the active call on hold and frees the device (`pa switch none`). */
  async holdActive(): Promise<PaCall | undefined> {
    const a = this.active;
    if (!a) return undefined;
    this.#hold(a);
    await this.#settle();
    return a;
  }

  /** Sends DTMF toward the party the active call is bridged to. Returns how they went. */
  dtmf(digits: string): string {
    const call = this.active;
    if (!call) throw new TswError('TSW_ERR_STATE', 'no active call to send DTMF on (pa list)');
    const durationMs = this.cfg.params['dtmf-duration'];
    const media = this.media;
    const peerUuid = call.session.channel.bridgedTo;
    const peerMain = peerUuid ? media?.get(peerUuid)?.main : undefined;
    call.session.channel.fire('DTMF', (e) => {
      e.addHeader('DTMF-Digit', digits);
      e.addHeader('DTMF-Duration', String(durationMs * 8));
      e.addHeader('DTMF-Source', 'APP');
    });
    if (peerMain instanceof RtpPort && !peerMain.closed) {
      peerMain.sendDtmf(digits, { durationMs, gapMs: 50 });
      return `rfc4733 on ${peerUuid ?? ''}`;
    }
    if (call.port && !call.port.closed && call.port.rate === 8000) {
      call.port.sendDtmf(digits, { durationMs, gapMs: 50 });
      return 'inband';
    }
    const peer = peerUuid ? this.core.sessions.get(peerUuid) : undefined;
    if (peer?.endpoint.io.sendDtmf) {
      peer.endpoint.io.sendDtmf(peer, digits, durationMs);
      return `${peer.endpoint.name} on ${peer.uuid}`;
    }
    throw new TswError(
      'TSW_ERR_STATE',
      'the call is not bridged to an RTP leg, and in-band DTMF needs sample-rate 8000',
    );
  }

  /** The call's channel is hanging up: take it off the device, stop ringing if none rings. */
  async end(session: Session): Promise<void> {
    const call = this.callOf(session);
    if (!call) return;
    this.calls.delete(call.id);
    if (this.#activeId === call.id) {
      this.#activeId = undefined;
      this.#link?.bridge?.stop();
      if (this.#link) this.#link.bridge = undefined;
    }
    call.transition('ended');
    await this.#stopHoldMusic(call);
    await this.#settle();
    await this.media?.detach(session.uuid);
  }

  /** Hangs up every call and releases the devices (module unload). */
  async close(): Promise<void> {
    const sessions = [...this.calls.values()].map((c) => c.session);
    for (const s of sessions) s.hangup('MANAGER_REQUEST');
    await Promise.all(sessions.map((s) => s.done()));
    await this.ringer.stop();
    await this.#closeLink();
    await this.system.close();
  }

  /** Counters of the microphone and speaker streams, while a call holds them. */
  deviceStats(): { input: SoundStreamStats; output: SoundStreamStats } | undefined {
    const link = this.#link;
    return link ? { input: link.input.stats(), output: link.output.stats() } : undefined;
  }

  /** Opens the microphone and speaker for looptest; refused while a call holds them. */
  async openPair(queueFrames: number): Promise<{ input: SoundInput; output: SoundOutput }> {
    if (this.#link)
      throw new TswError('TSW_ERR_STATE', 'a call holds the sound device; hang it up or hold it first');
    const problem = this.deviceProblem();
    if (problem) throw new TswError('TSW_ERR_NOT_FOUND', problem);
    return this.#openStreams(8000, 20, queueFrames);
  }

  // ---- internals ----

  #hold(call: PaCall): void {
    if (this.#activeId === call.id) {
      this.#activeId = undefined;
      this.#link?.bridge?.stop();
      if (this.#link) this.#link.bridge = undefined;
    }
    call.transition('held');
    this.#startHoldMusic(call);
  }

  /** Closes the device streams when no call is active any more; stops the ring when none rings. */
  async #settle(): Promise<void> {
    if (!this.active) await this.#closeLink();
    if (!this.firstRinging()) await this.ringer.stop();
  }

  async #openStreams(
    sampleRate: 8000 | 16000 | 48000,
    frameMs: 10 | 20 | 30,
    queueFrames: number,
  ): Promise<{ input: SoundInput; output: SoundOutput }> {
    const inDev = this.device('indev');
    const outDev = this.device('outdev');
    if (!inDev || !outDev) throw new TswError('TSW_ERR_NOT_FOUND', this.deviceProblem() ?? 'no sound device');
    const stallMs = this.cfg.params['device-stall-ms'];
    const input = await this.system.openInput({
      deviceId: inDev.id,
      sampleRate,
      frameMs,
      queueFrames,
      stallMs,
    });
    try {
      const output = await this.system.openOutput({
        deviceId: outDev.id,
        sampleRate,
        frameMs,
        queueFrames,
        stallMs,
      });
      return { input, output };
    } catch (err) {
      await input.close();
      throw err;
    }
  }

  async #openLink(): Promise<DeviceLink> {
    if (this.#link) return this.#link;
    const problem = this.deviceProblem();
    if (problem) throw new TswError('TSW_ERR_NOT_FOUND', problem);
    const { input, output } = await this.#openStreams(
      this.cfg.sampleRate,
      this.cfg.frameMs,
      this.cfg.params['queue-frames'],
    );
    const link: DeviceLink = { input, output, bridge: undefined };
    for (const s of [input, output]) {
      s.on('device-lost', (l) => this.#onLost(link, s.direction, l));
    }
    this.#link = link;
    return link;
  }

  #onLost(link: DeviceLink, direction: 'input' | 'output', l: SoundDeviceLost): void {
    if (this.#link !== link) return;
    this.#link = undefined;
    link.bridge?.stop();
    const call = this.active;
    if (call) {
      this.log.error(
        `portaudio: ${direction} device ${l.name} lost mid-call (${l.reason}); hanging up call ${call.id} ` +
          'with DESTINATION_OUT_OF_ORDER',
        { uuid: call.uuid },
      );
      call.session.channel.variables.set(
        'pa_hangup_reason',
        `${direction} device ${l.name} lost: ${l.reason}`,
      );
      call.session.hangup('DESTINATION_OUT_OF_ORDER');
    } else {
      this.log.error(`portaudio: ${direction} device ${l.name} lost (${l.reason})`);
    }
    void (async () => {
      // PortAudio rescans only with every stream closed: close the lost pair first.
      await Promise.all([link.input.close(), link.output.close()]).catch(() => undefined);
      try {
        const r = await this.rescan();
        this.log.info(
          `portaudio: rescanned after the loss: ${r.devices.length} device(s)` +
            (r.removed.length > 0 ? `; removed: ${r.removed.join(', ')}` : ''),
        );
      } catch (err) {
        this.log.warn(`portaudio: no rescan after the loss: ${errorMessage(err)}`);
      }
    })();
  }

  async #closeLink(): Promise<void> {
    const link = this.#link;
    this.#link = undefined;
    if (!link) return;
    link.bridge?.stop();
    try {
      await Promise.all([link.input.close(), link.output.close()]);
    } catch (err) {
      this.log.warn(`portaudio: closing the sound device failed: ${errorMessage(err)}`);
    }
  }

  /** Plays hold-file to the party a held call is bridged to. */
  #startHoldMusic(call: PaCall): void {
    const file = this.cfg.params['hold-file'];
    const media = this.media;
    const peerUuid = call.session.channel.bridgedTo;
    const peer = peerUuid ? media?.get(peerUuid) : undefined;
    if (file === '' || !media || !peer || peer.closed) return;
    try {
      const ptime = peer.main.ptime;
      const player = file.startsWith('tone_stream://')
        ? media.engine.createPlayer(call.uuid, { tone: parseToneSpec(file), rate: 8000, ptime })
        : media.engine.createPlayer(call.uuid, { file, rate: 8000, ptime });
      peer.connect(player);
      this.#holdPlayers.set(call.id, player);
    } catch (err) {
      this.log.warn(`portaudio: cannot play hold-file ${file}: ${errorMessage(err)}`, { uuid: call.uuid });
    }
  }

  async #stopHoldMusic(call: PaCall): Promise<void> {
    const player = this.#holdPlayers.get(call.id);
    if (!player) return;
    this.#holdPlayers.delete(call.id);
    const media = this.media;
    const peerUuid = call.session.channel.bridgedTo;
    const peer = peerUuid ? media?.get(peerUuid) : undefined;
    const own = media?.get(call.uuid);
    try {
      if (peer) peer.disconnect(player);
      await player.close();
      // Join the two channels' main ports again, as the bridge had them.
      if (peer && own && !peer.closed && !own.closed && call.state !== 'ended') own.connect(peer.main);
    } catch (err) {
      this.log.warn(`portaudio: ending hold music failed: ${errorMessage(err)}`, { uuid: call.uuid });
    }
  }

  /** Hangs up a call by id (or the active one). */
  hangup(call: PaCall, cause: HangupCause = 'NORMAL_CLEARING'): void {
    call.session.hangup(cause);
  }
}
