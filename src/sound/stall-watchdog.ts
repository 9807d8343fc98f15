/**
 * The device-loss watchdog both PortAudio bindings use. PortAudio may stop calling back, rather
 * than fail, when a device vanishes, so a stream that moves no audio for `stallMs` is reported.
 */

/**
 * Grace after opening: a fresh PulseAudio null sink takes 1-2 s to settle (it first renders
 * ahead, then pauses), so a stream's first callbacks can come late.
 */
export const STARTUP_GRACE_MS = 5000;

export interface StallWatchdog {
  /** Audio moved. */
  touch(): void;
  stop(): void;
}

/**
 * Calls `onStall` when `stallMs` pass without `touch()`. During the first
 * {@link STARTUP_GRACE_MS} after starting, a stall must last that long instead. `onTick`, if
 * given, runs on every check first (to poll the device's counters).
 */
export function startStallWatchdog(
  stallMs: number,
  onStall: (ms: number) => void,
  onTick?: () => void,
): StallWatchdog {
  const opened = Date.now();
  let last = opened;
  const timer = setInterval(
    () => {
      onTick?.();
      const now = Date.now();
      const limit = now - opened < STARTUP_GRACE_MS ? Math.max(stallMs, STARTUP_GRACE_MS) : stallMs;
      if (now - last >= limit) onStall(now - last);
    },
    Math.max(10, Math.min(250, stallMs / 4)),
  );
  timer.unref();
  return {
    touch: () => (last = Date.now()),
    stop: () => clearInterval(timer),
  };
}
