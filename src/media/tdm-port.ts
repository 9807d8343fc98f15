/**
 * The media engine's port on a TDM channel (drivers/media/tdm-port.h). The card's 20 ms linear
 * blocks go to and from the engine on the media thread; JavaScript sees only events (in-band DTMF
 * detected by spandsp's dtmf_rx, reported as `dtmf` like RFC 4733 digits).
 *
 * The card's clock is not the engine's. The port keeps one frame of slack each way to absorb the
 * phase between the two ticks; when the queue stays deeper than that for a whole second (the card
 * runs fast) it drops a frame, and when nothing has arrived (the card runs slow) it gives a frame
 * of silence. The same holds for what it writes, so the delay stays at 20-40 ms each way whatever
 * the drift, with a hard cap of `maxQueue` frames.
 *
 * Line supervision runs in the media thread too, each part only when asked for: cadenced tones
 * (`detectTones`, e.g. busy and reorder) and steady ones (`steadyTones`, e.g. dial tone) as `tone`
 * events, `silence` after `silenceMs` of quiet, FSK caller ID (`fsk`) as `caller-id` events, and
 * speexdsp's line echo canceller (`echoCancel`) on what the line sends back.
 */
import type { NativeTdmPortOptions, TdmPortStats } from './media-addon.js';
import { MediaPort, type PortOwner } from './media-port.js';
import { toneProfile, type ToneDetection } from './tone-detect.js';

/** What the engine needs from a TDM channel; src/tdm's TdmChannel has it. */
export interface TdmAudioSource {
  readonly number: number;
  setLaw(law: 'linear'): void;
  setBlocksize(samples: number): void;
  audioHandle(): unknown;
}

export interface TdmPortOptions {
  /** Run spandsp's DTMF receiver on what the line sends (default true). */
  detectDtmf?: boolean;
  /** Frames of slack each way, 0..4 (default 1). */
  slack?: number;
  /** Received frames held at most (default 4). */
  maxQueue?: number;
  /** Frames written ahead of the card at most (default 4). */
  maxAhead?: number;
  /** Cadenced call-progress tones to report as `tone` events (busy, reorder, ...). */
  detectTones?: ToneDetection[];
  /**
   * Steady tones to report as `tone` events once they last `ms` (default 250) without a break,
   * at `minDbm0` (default -40) or louder: dial tone.
   */
  steadyTones?: { name: string; freqs: number[]; ms?: number; minDbm0?: number }[];
  /** Raise `silence` after this many ms below `silenceDbm0` (default -45); 0 or absent: off. */
  silenceMs?: number;
  silenceDbm0?: number;
  /** Decode FSK caller ID: Bell 202 (Telcordia GR-30) or V.23 (ETSI EN 300 659). */
  fsk?: 'bell202' | 'v23' | 'none';
  /** speexdsp line echo canceller: `tailMs` 16..256 (default 64), `nlp` (default true). */
  echoCancel?: { tailMs?: number; nlp?: boolean };
}

/** The options as the addon takes them: tone detection specs become numeric profiles. */
export function nativeTdmOptions(options: TdmPortOptions): NativeTdmPortOptions {
  const { detectTones, ...rest } = options;
  return detectTones ? { ...rest, detectTones: detectTones.map(toneProfile) } : rest;
}

/** Puts the channel in the mode the port needs and returns its native handle. */
export function prepareTdmChannel(channel: TdmAudioSource): unknown {
  channel.setLaw('linear');
  channel.setBlocksize(160);
  return channel.audioHandle();
}

export class TdmPort extends MediaPort {
  readonly kind = 'tdm';

  constructor(
    owner: PortOwner,
    id: number,
    uuid: string,
    /** The TDM channel number the port carries. */
    readonly channel: number,
  ) {
    super(owner, id, uuid, 8000, 20);
  }

  stats(): TdmPortStats {
    this.assertOpen();
    return this.owner.native.tdmStats(this.id);
  }

  /**
   * Sends an FSK caller ID message (type, length, body; src/tdm/caller-id.ts builds one) on the
   * line `delayMs` from now, in place of the audio the port would write. spandsp's adsi_tx adds
   * the channel seizure, the marks and the checksum.
   */
  sendFsk(standard: 'bell202' | 'v23', message: Uint8Array, delayMs = 0): void {
    this.assertOpen();
    this.owner.native.tdmSendFsk(this.id, standard, message, delayMs);
  }
}
