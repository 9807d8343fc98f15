/**
 * Types of the TDM driver layer, shared by the DAHDI binding and the virtual loop card. Event
 * and hook names are DAHDI's (`DAHDI_EVENT_*`, `DAHDI_*` hook operations) without the prefix,
 * so that logs read the same on both drivers.
 */

/** Events a channel reports. DTMF is not among them: the media engine detects it in-band. */
export const TDM_EVENT_NAMES = [
  'ONHOOK',
  'RINGOFFHOOK',
  'WINKFLASH',
  'ALARM',
  'NOALARM',
  'DIALCOMPLETE',
  'RINGERON',
  'RINGEROFF',
  'HOOKCOMPLETE',
  'BITSCHANGED',
  'PULSE_START',
  'POLARITY',
  'RINGBEGIN',
  'REMOVED',
  'PULSEDIGIT',
  /** A DAHDI event code this layer does not name; `value` holds the code. */
  'UNKNOWN',
] as const;
export type TdmEventName = (typeof TDM_EVENT_NAMES)[number];

/** Hook operations (DAHDI_HOOK arguments). */
export type HookOperation = 'ONHOOK' | 'OFFHOOK' | 'WINK' | 'FLASH' | 'START' | 'RING' | 'RINGOFF';

/** Sample encoding on readFrame/writeFrame: one byte per sample for the laws, int16 for linear. */
export type TdmLaw = 'ulaw' | 'alaw' | 'linear';

/**
 * The side of the loop a port is on. A station port (`fxs`) feeds battery and ring to a phone;
 * DAHDI calls its signalling "FXO". A trunk port (`fxo`) faces an exchange; DAHDI calls its
 * signalling "FXS".
 */
export type PortKind = 'fxs' | 'fxo' | 'other';

export interface TdmEvent {
  channel: number;
  type: TdmEventName;
  /** PULSEDIGIT: the digit's char code; BITSCHANGED: the new line bits (see {@link LineBits}). */
  value: number;
  /** Card time in ms: the loop card's clock, or CLOCK_MONOTONIC on DAHDI. */
  timeMs: number;
}

/** Line bits the loop card's trunk ports report in BITSCHANGED and `rxBits`. */
export const LineBits = { battery: 1, reversed: 2, loopCurrent: 4 } as const;

export interface ChannelParams {
  channel: number;
  span: number;
  chanpos: number;
  /** DAHDI_SIG_* bits. */
  sigtype: number;
  kind: PortKind;
  name: string;
  /** Station port: the phone is off-hook. Trunk port: ring voltage is present. */
  rxOffHook: boolean;
  rxBits: number;
  alarms: number;
  blocksize: number;
  law: TdmLaw;
}

export interface SpanStatus {
  span: number;
  name: string;
  description: string;
  /** DAHDI_ALARM_* bits; 0 when the span is up. */
  alarms: number;
  configuredChannels: number;
  totalChannels: number;
}

/** The loop card's view of one pair, for tests. */
export interface LineState {
  battery: boolean;
  reversed: boolean;
  ringing: boolean;
  ringBurst: boolean;
  trunkOffHook: boolean;
  loopCurrent: boolean;
  stationSeesOffHook: boolean;
}

/**
 * How the loop card sends caller ID: `dtmf` ('A' number 'C' before the first ring, the DTMF form
 * of ETSI EN 300 659-1), or an FSK MDMF message in the first silence after the first ring:
 * `bell202` (Telcordia GR-30) or `v23` (ETSI EN 300 659-3).
 */
export type CallerIdMode = 'dtmf' | 'bell202' | 'v23';

/** Options of the virtual loop card; docs/tdm.md describes the line model. */
export interface LoopCardOptions {
  /** Even, 2..64. Channel 2k+1 is a station (FXS) port wired to trunk (FXO) port 2k+2. Default 2. */
  ports?: number;
  /** 'realtime' (default): the card's own 20 ms clock thread. 'manual': time moves by advance(). */
  clock?: 'realtime' | 'manual';
  /** Hybrid echo on both sides: the port's own transmission, delayed and attenuated. Default none. */
  echo?: { delayMs: number; erlDb: number };
  /** Loss of the through path, both directions, in dB. Default 0. */
  attenuationDb?: number;
  /** White noise on every receive path, in dBm0. Default none. */
  noiseDbm?: number;
  /** Seed of the noise generators, for repeatable runs. */
  seed?: number;
  /** Ring cadence. Default 2000 ms on, 4000 ms off. */
  ring?: { onMs: number; offMs: number };
  /** From the end of DTMF caller ID to the first ring. Default 300. */
  cidRingDelayMs?: number;
  /** From the end of the first ring to FSK caller ID. Default 500. */
  fskDelayMs?: number;
  /** Reverse battery when the station port answers (OFFHOOK). Default false. */
  reversalOnAnswer?: boolean;
  /** Battery removed for this long when the station port disconnects (ONHOOK). Default 250. */
  openSwitchMs?: number;
  /** On-hook time of a trunk FLASH. Default 300. */
  flashMs?: number;
  /** Pulse dialling from a trunk port. Default 60/40 ms break/make, 700 ms between digits. */
  pulse?: { breakMs: number; makeMs: number; interdigitMs: number };
  /** Longest break the station side reads as a flash; longer is an on-hook. Default 1000. */
  flashMaxBreakMs?: number;
  /** Bound of each receive and transmit queue. Default 2000. */
  bufferMs?: number;
}

export interface DahdiOptions {
  /** Default /dev/dahdi. */
  devDir?: string;
  /** Samples per read/write. Default 160 (20 ms). */
  blocksize?: number;
  /**
   * Blocks the kernel queues each way (DAHDI_SET_BUFINFO), 1..32. Unset keeps DAHDI's default
   * of 2 (40 ms at 160 samples): a reader stalled for longer loses audio.
   */
  buffers?: number;
}
