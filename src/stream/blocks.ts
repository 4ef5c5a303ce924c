// Gathers a source's chunks into blocks large enough to amortise a kernel call. Small chunks
// are copied into reusable blocks on SharedArrayBuffers (so the workers backend needs no
// further copy); a chunk of at least `inPlaceBytes` is counted where it is (for a byte
// source, when it starts on an element boundary; its trailing part element starts a block).
// Byte chunks are copied byte by byte, so an element may straddle two chunks.
import { codes, describe, rangeError, typeError } from '../errors';
import type { NumericArray } from '../types';
import { ctorOf, numericArray, typedArrayKind } from '../validate';
import type { Ctor } from './source';

/** A block ready for a kernel call. `inPlace` blocks are the source's own memory: the source
 * may reuse it once asked for its next chunk, so the call must finish before that. */
export interface Block {
  data: NumericArray;
  inPlace: boolean;
  release(): void;
}

export class Blocks {
  /** The element type: options.dtype's, or the first typed chunk's. */
  ctor: Ctor | undefined;
  private readonly bytesMode: boolean;
  private readonly free: SharedArrayBuffer[] = [];
  private current: Uint8Array | undefined;
  private filled = 0;
  private firstKind: string | undefined;

  constructor(private readonly fn: string, dtype: Ctor | undefined, private readonly blockBytes: number,
    private readonly inPlaceBytes: number) {
    this.ctor = dtype;
    this.bytesMode = dtype !== undefined;
  }

  /** Takes chunk number `index`; returns the blocks it completed, in order. */
  push(chunk: unknown, index: number): Block[] {
    if (!this.bytesMode) {
      const arr = this.element(chunk, index);
      if (arr.byteLength >= this.inPlaceBytes) return [inPlace(arr)];
      return this.copy(new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength));
    }
    const bytes = this.byteView(chunk, index), size = this.ctor!.BYTES_PER_ELEMENT;
    if (bytes.byteLength >= this.inPlaceBytes && this.filled % size === 0 && bytes.byteOffset % size === 0) {
      const whole = bytes.byteLength - (bytes.byteLength % size);
      return [inPlace(new this.ctor!(bytes.buffer, bytes.byteOffset, whole / size)), ...this.copy(bytes.subarray(whole))];
    }
    return this.copy(bytes);
  }

  private copy(bytes: Uint8Array): Block[] {
    const ready: Block[] = [];
    let at = 0;
    while (at < bytes.byteLength) {
      const block = (this.current ??= new Uint8Array(this.free.pop() ?? new SharedArrayBuffer(this.blockBytes)));
      const n = Math.min(bytes.byteLength - at, this.blockBytes - this.filled);
      block.set(bytes.subarray(at, at + n), this.filled);
      this.filled += n;
      at += n;
      if (this.filled === this.blockBytes) ready.push(this.take()!);
    }
    return ready;
  }

  /** The last, partial block, if any; a byte source must end on an element boundary. */
  end(): Block | undefined {
    const size = this.ctor?.BYTES_PER_ELEMENT ?? 1;
    if (this.filled % size !== 0)
      throw rangeError(this.fn, codes.PARTIAL_ELEMENT,
        `the source ended ${this.filled % size} byte(s) into a ${size}-byte element: its length is not a whole number of ${this.ctor!.name} elements`);
    return this.take();
  }

  private take(): Block | undefined {
    if (!this.current || this.filled === 0) return undefined;
    const sab = this.current.buffer as SharedArrayBuffer;
    const data = new this.ctor!(sab, 0, this.filled / this.ctor!.BYTES_PER_ELEMENT);
    this.current = undefined;
    this.filled = 0;
    return { data, inPlace: false, release: () => void this.free.push(sab) };
  }

  private byteView(chunk: unknown, index: number): Uint8Array {
    if (!ArrayBuffer.isView(chunk))
      throw typeError(this.fn, codes.INVALID_ARG_TYPE, `chunk ${index} of the byte source is ${describe(chunk)}; a byte source yields Buffers or other ArrayBuffer views`);
    return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }

  private element(chunk: unknown, index: number): NumericArray {
    const kind = typedArrayKind(chunk);
    const arr = numericArray(this.fn, `chunk ${index} of the source`, chunk);
    if (this.firstKind === undefined) {
      this.firstKind = kind;
      this.ctor = ctorOf(arr) as unknown as Ctor;
    } else if (kind !== this.firstKind) {
      throw typeError(this.fn, codes.INVALID_ARG_TYPE,
        `chunk ${index} of the source is a ${kind} but the first was a ${this.firstKind}: a source yields one element type (give options.dtype to read raw bytes)`);
    }
    return arr;
  }
}

const inPlace = (data: NumericArray): Block => ({ data, inPlace: true, release: () => {} });
