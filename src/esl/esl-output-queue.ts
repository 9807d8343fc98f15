/**
 * A connection's outgoing frames. Replies are always kept; events and log lines
 * are "droppable": once a client stops reading and the queue holds more of them
 * than the limits allow, new ones are thrown away and counted instead of being
 * buffered, so one stalled client can never make the core's memory grow.
 *
 * Frames go to the socket only while the socket's own buffer is small; the rest
 * wait here until the socket drains. Dropping is reported once per burst: the
 * first drop after a quiet period is a warning, and when the queue has emptied
 * again a notice says how many were lost.
 */
import type { Socket } from 'node:net';

export interface OutputQueueLimits {
  /** Droppable frames waiting beyond this count are dropped. */
  maxQueueEvents: number;
  /** Droppable bytes waiting beyond this are dropped. */
  maxQueueBytes: number;
  /** Replies waiting beyond this many bytes mean the client is not reading at all: it is cut off. */
  maxPendingOutput: number;
}

export interface OutputQueueHooks {
  /** The first drop of a burst. */
  onDropStart(queued: number): void;
  /** The queue emptied after a burst that dropped `dropped` frames. */
  onDropEnd(dropped: number): void;
  /** Replies alone passed maxPendingOutput. */
  onOverflow(pending: number): void;
}

interface Queued {
  data: string;
  bytes: number;
  droppable: boolean;
}

/** How much the socket may buffer before frames wait here instead. */
const SOCKET_HIGH_WATER = 256 * 1024;

export class OutputQueue {
  private frames: (Queued | undefined)[] = [];
  private head = 0;
  private droppableCount = 0;
  private droppableBytes = 0;
  private keptBytes = 0;
  private burst = 0;
  private ending = false;
  /** Every droppable frame lost since the connection opened. */
  dropped = 0;

  constructor(
    private readonly socket: Socket,
    private readonly limits: OutputQueueLimits,
    private readonly hooks: OutputQueueHooks,
  ) {
    socket.on('drain', () => this.flush());
  }

  /** Droppable frames waiting to be sent. */
  get queuedEvents(): number {
    return this.droppableCount;
  }

  /** Queues a frame; false when it was dropped (or the queue overflowed). */
  push(data: string, droppable: boolean): boolean {
    const bytes = Buffer.byteLength(data);
    if (this.pending() === 0 && this.socket.writableLength < SOCKET_HIGH_WATER) {
      this.socket.write(data);
      return true;
    }
    if (droppable) {
      if (
        this.droppableCount >= this.limits.maxQueueEvents ||
        this.droppableBytes + bytes > this.limits.maxQueueBytes
      ) {
        this.dropped += 1;
        if (this.burst === 0) this.hooks.onDropStart(this.droppableCount);
        this.burst += 1;
        return false;
      }
      this.droppableCount += 1;
      this.droppableBytes += bytes;
    } else {
      this.keptBytes += bytes;
      if (this.keptBytes > this.limits.maxPendingOutput) {
        this.hooks.onOverflow(this.keptBytes);
        return false;
      }
    }
    this.frames.push({ data, bytes, droppable });
    return true;
  }

  /** Ends the socket once every queued frame has been handed to it. */
  end(): void {
    this.ending = true;
    if (this.pending() === 0) this.socket.end();
  }

  /** Drops everything queued (the connection is going away). */
  clear(): void {
    this.frames = [];
    this.head = 0;
    this.droppableCount = 0;
    this.droppableBytes = 0;
    this.keptBytes = 0;
  }

  private pending(): number {
    return this.frames.length - this.head;
  }

  private flush(): void {
    while (this.head < this.frames.length && this.socket.writableLength < SOCKET_HIGH_WATER) {
      const f = this.frames[this.head];
      this.frames[this.head] = undefined;
      this.head += 1;
      if (!f) continue;
      if (f.droppable) {
        this.droppableCount -= 1;
        this.droppableBytes -= f.bytes;
      } else {
        this.keptBytes -= f.bytes;
      }
      if (this.socket.destroyed) return;
      this.socket.write(f.data);
    }
    if (this.head >= this.frames.length) {
      this.frames = [];
      this.head = 0;
      if (this.burst > 0) {
        const n = this.burst;
        this.burst = 0;
        this.hooks.onDropEnd(n);
      }
      if (this.ending) this.socket.end();
    } else if (this.head > 4096 && this.head * 2 > this.frames.length) {
      // Compact now and then so the array does not keep sent slots alive.
      this.frames = this.frames.slice(this.head);
      this.head = 0;
    }
  }
}
