/**
 * Chooses the TDM driver at startup: DAHDI when its device directory exists, else the virtual
 * loop card, saying so in the log so that a box without its card is noticed.
 */
import { existsSync } from 'node:fs';
import type { Logger } from '../core/log.js';
import { TdmCard } from './tdm-card.js';
import type { DahdiOptions, LoopCardOptions } from './tdm-types.js';

export const DEFAULT_DAHDI_DIR = '/dev/dahdi';

/** True when DAHDI's device directory exists (the kernel module is loaded). */
export function detectDahdi(devDir: string = DEFAULT_DAHDI_DIR): boolean {
  return existsSync(devDir);
}

export interface DefaultCardOptions {
  /** 'auto' (default) picks DAHDI when detected, else the loop card. */
  driver?: 'auto' | 'dahdi' | 'loop';
  dahdi?: DahdiOptions;
  loop?: LoopCardOptions;
  logger?: Logger;
}

export function openDefaultCard(options: DefaultCardOptions = {}): TdmCard {
  const driver = options.driver ?? 'auto';
  const devDir = options.dahdi?.devDir ?? DEFAULT_DAHDI_DIR;
  if (driver === 'dahdi' || (driver === 'auto' && detectDahdi(devDir))) {
    options.logger?.info(`tdm: using DAHDI at ${devDir}`);
    return TdmCard.openDahdi(options.dahdi);
  }
  if (driver === 'auto') {
    options.logger?.notice(`tdm: no DAHDI devices at ${devDir}; falling back to the virtual loop card`);
  }
  return TdmCard.openLoopCard(options.loop);
}
