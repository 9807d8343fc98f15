/**
 * The typed face of the `tsw_native` addon (drivers/binding.gyp). The addon is loaded on first
 * use and cached, so that modules which merely import this file (or run on a machine where the
 * addon is not built, such as a lint job) pay nothing until they call into it.
 */
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorMessage, TswError } from '../core/errors.js';

/** What `setRealtimePriority` reports instead of throwing. */
export interface RealtimeResult {
  ok: boolean;
  /** strerror text (e.g. "Operation not permitted") when `ok` is false. */
  error?: string;
}

/** The functions `tsw_native` exports. */
export interface NativeAddon {
  /**
   * Sends one datagram on an AF_UNIX SOCK_DGRAM socket to `path`. A path starting with `@`
   * names Linux's abstract namespace, as systemd allows for NOTIFY_SOCKET.
   * @throws Error naming the path and the system error when the send fails.
   */
  sendDatagram(path: string, data: Buffer | string): void;
  /**
   * Sends `state` (`READY=1`, `STATUS=...`, `WATCHDOG=1`, `STOPPING=1`, or several of them
   * separated by newlines) to `$NOTIFY_SOCKET`, as sd_notify(3) does.
   * @returns false when NOTIFY_SOCKET is unset, true when the datagram was sent.
   * @throws Error when the socket is set but the send fails.
   */
  sdNotify(state: string): boolean;
  /** Moves the process's calling thread to SCHED_FIFO at `priority` (1-99). */
  setRealtimePriority(priority: number): RealtimeResult;
}

/** Where `node-gyp rebuild --directory=drivers` puts the addon, from dist/src/native/addon.js. */
export const DEFAULT_ADDON_PATH = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../drivers/build/Release/tsw_native.node',
);

let cached: NativeAddon | undefined;

/**
 * Loads the addon at `file` without caching. Exposed so that a test (or a tool run from an
 * unusual layout) can point at another build.
 * @throws TswError TSW_ERR_NATIVE when the file is missing or does not load.
 */
export function loadAddonFrom(file: string): NativeAddon {
  const require = createRequire(import.meta.url);
  try {
    return require(file) as NativeAddon;
  } catch (err) {
    throw new TswError(
      'TSW_ERR_NATIVE',
      `cannot load the native addon ${file} (${errorMessage(err)}); run npm install or npm run build:native`,
      { cause: err },
    );
  }
}

/**
 * The addon from {@link DEFAULT_ADDON_PATH}, loaded on the first call and cached afterwards.
 * A failed load is not cached, so building the addon later in the same process works.
 */
export function nativeAddon(): NativeAddon {
  cached ??= loadAddonFrom(DEFAULT_ADDON_PATH);
  return cached;
}
