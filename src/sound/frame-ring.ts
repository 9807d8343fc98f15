/**
 * The two small buffers every sound stream is built from: a fixed-capacity ring of frames that
 * drops its oldest entry when full, and an assembler that cuts arbitrary runs of samples into
 * frames of one size.
 */

/** A bounded FIFO of frames. It never holds more than `capacity` frames. */
export class FrameRing {
  readonly #slots: (Int16Array | undefined)[];
  #head = 0;
  #size = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`frame ring capacity must be a positive integer, got ${capacity}`);
    }
    this.#slots = new Array<Int16Array | undefined>(capacity);
  }

  get size(): number {
    return this.#size;
  }

  /** Appends a frame; when full, the oldest frame is dropped first and true is returned. */
  push(frame: Int16Array): boolean {
    let dropped = false;
    if (this.#size === this.capacity) {
      this.#slots[this.#head] = undefined;
      this.#head = (this.#head + 1) % this.capacity;
      this.#size--;
      dropped = true;
    }
    this.#slots[(this.#head + this.#size) % this.capacity] = frame;
    this.#size++;
    return dropped;
  }

  /** Removes and returns the oldest frame, or null when empty. */
  shift(): Int16Array | null {
    if (this.#size === 0) return null;
    const frame = this.#slots[this.#head] ?? null;
    this.#slots[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.capacity;
    this.#size--;
    return frame;
  }

  clear(): void {
    this.#slots.fill(undefined);
    this.#head = 0;
    this.#size = 0;
  }
}

/** Regroups samples into frames of `frameSamples`, keeping a part-frame between calls. */
export class FrameAssembler {
  #partial: Int16Array;
  #fill = 0;

  constructor(readonly frameSamples: number) {
    this.#partial = new Int16Array(frameSamples);
  }

  /** Samples waiting for the rest of their frame. */
  get pending(): number {
    return this.#fill;
  }

  /** Feeds samples in and calls `emit` with each completed frame (a fresh array each time). */
  feed(samples: Int16Array, emit: (frame: Int16Array) => void): void {
    let at = 0;
    while (at < samples.length) {
      const take = Math.min(this.frameSamples - this.#fill, samples.length - at);
      this.#partial.set(samples.subarray(at, at + take), this.#fill);
      this.#fill += take;
      at += take;
      if (this.#fill === this.frameSamples) {
        emit(this.#partial);
        this.#partial = new Int16Array(this.frameSamples);
        this.#fill = 0;
      }
    }
  }

  reset(): void {
    this.#fill = 0;
  }
}

/** Copies little-endian 16-bit PCM bytes into samples, carrying an odd trailing byte over. */
export class PcmByteReader {
  #carry: number | null = null;

  read(bytes: Uint8Array): Int16Array {
    const total = bytes.length + (this.#carry === null ? 0 : 1);
    const out = new Int16Array(total >> 1);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let i = 0;
    let o = 0;
    if (this.#carry !== null && bytes.length > 0) {
      out[o++] = (((bytes[0]! << 8) | this.#carry) << 16) >> 16;
      this.#carry = null;
      i = 1;
    }
    for (; i + 1 < bytes.length; i += 2) out[o++] = view.getInt16(i, true);
    if (i < bytes.length) this.#carry = bytes[i]!;
    return out;
  }
}
