/**
 * The typed face of the `tsw_tdm` addon (drivers/binding.gyp, sources in drivers/tdm/). Loaded
 * on first use, like src/media/media-addon.ts, so that importing the TDM facade costs nothing
 * until a card is opened.
 */
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorMessage, TswError } from '../core/errors.js';
import type {
  CallerIdMode,
  ChannelParams,
  HookOperation,
  LineState,
  SpanStatus,
  TdmEvent,
  TdmLaw,
} from './tdm-types.js';

/** The flat options the native loop card takes; tdm-card.ts maps LoopCardOptions onto them. */
export interface NativeLoopOptions {
  ports?: number;
  manualClock?: boolean;
  attenuationDb?: number;
  echo?: boolean;
  echoDelayMs?: number;
  echoErlDb?: number;
  noise?: boolean;
  noiseDbm?: number;
  seed?: number;
  bufferMs?: number;
  ringOnMs?: number;
  ringOffMs?: number;
  cidRingDelayMs?: number;
  fskDelayMs?: number;
  reversalOnAnswer?: boolean;
  openSwitchMs?: number;
  flashMs?: number;
  pulseBreakMs?: number;
  pulseMakeMs?: number;
  interdigitMs?: number;
  flashMaxBreakMs?: number;
}

/** The native card. Channel arguments are channel numbers; a channel must be opened first. */
export interface NativeTdmCard {
  kind(): 'loop' | 'dahdi';
  openChannel(channel: number): void;
  closeChannel(channel: number): void;
  params(channel: number): ChannelParams;
  hook(channel: number, op: HookOperation): void;
  setLaw(channel: number, law: TdmLaw): void;
  setBlocksize(channel: number, samples: number): void;
  setGains(channel: number, rxDb: number, txDb: number): void;
  setEchoCancel(channel: number, taps: number): void;
  /** One block in the channel's encoding, or null when none is ready. */
  read(channel: number): Buffer | null;
  /** Returns the bytes accepted. */
  write(channel: number, data: Buffer): number;
  /** Drains every open channel's pending events. */
  getEvents(): TdmEvent[];
  spanStatus(span: number): SpanStatus;
  /** Starts the event-pump thread, which calls `onEvents` once per batch. */
  startEvents(onEvents: (batch: TdmEvent[]) => void): void;
  /** An opaque handle the media engine's createTdmPort takes; it keeps the channel alive. */
  audioHandle(channel: number): unknown;
  /** Stops the pump, closes all channels and the driver. */
  close(): void;
  // Loop card only.
  advance(ms: number): void;
  nowMs(): number;
  controlHook(channel: number, op: HookOperation): void;
  dialDtmf(channel: number, digits: string, onMs: number, offMs: number, levelDbm0: number): void;
  dialPulses(channel: number, digits: string): void;
  injectTone(channel: number, freqHz: number, levelDbm0: number, durationMs: number): void;
  ringWithCallerId(
    channel: number,
    number: string,
    mode: CallerIdMode,
    name: string,
    o: { format?: 'sdmf' | 'mdmf'; start?: 'ring' | 'polarity' },
  ): void;
  lineState(channel: number): LineState;
}

export interface TdmAddon {
  TdmCard: new (kind: 'loop' | 'dahdi', options: object) => NativeTdmCard;
  /** The DAHDI ioctl numbers this build uses, for comparison on a machine with DAHDI. */
  dahdiAbi: Record<string, number>;
}

/** Where `npm run build:native` puts the addon, seen from dist/src/tdm/. */
export const DEFAULT_TDM_ADDON_PATH = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../drivers/build/Release/tsw_tdm.node',
);

let cached: TdmAddon | undefined;

/**
 * Loads the TDM addon from `file` without caching.
 * @throws TswError TSW_ERR_NATIVE when the file is missing or does not load.
 */
export function loadTdmAddonFrom(file: string): TdmAddon {
  const require = createRequire(import.meta.url);
  try {
    return require(file) as TdmAddon;
  } catch (err) {
    throw new TswError(
      'TSW_ERR_NATIVE',
      `cannot load the TDM driver ${file} (${errorMessage(err)}); run npm run build:native ` +
        '(it needs libspandsp-dev)',
      { cause: err },
    );
  }
}

/** The addon from {@link DEFAULT_TDM_ADDON_PATH}, cached after the first successful load. */
export function tdmAddon(): TdmAddon {
  cached ??= loadTdmAddonFrom(DEFAULT_TDM_ADDON_PATH);
  return cached;
}
