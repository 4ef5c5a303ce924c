// What a streaming call accepts instead of an array: an AsyncIterable or Iterable of
// TypedArrays of one element type, or raw bytes (a Node Readable, or any iterable of byte
// chunks) read as `dtype`.
import { codes, describe, rangeError, typeError } from '../errors';
import type { Dtype, NumericArray } from '../types';

type Ctor = { new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): NumericArray; new (length: number): NumericArray; readonly BYTES_PER_ELEMENT: number; readonly name: string };

/** numpy's names for the element types a byte source can hold (little-endian, as every target is). */
export const DTYPES: Readonly<Record<Dtype, Ctor>> = {
  int8: Int8Array, uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array, int32: Int32Array, uint32: Uint32Array,
  int64: BigInt64Array, uint64: BigUint64Array, float32: Float32Array, float64: Float64Array,
};

export type Source = AsyncIterable<ArrayBufferView> | Iterable<ArrayBufferView> | NodeJS.ReadableStream;
export type ChunkIterator = Iterator<unknown> | AsyncIterator<unknown>;

/**
 * True for what is not an array of elements but can be iterated for chunks (a string is
 * neither). A plain Array is a source only when it holds chunks: an array of numbers (or an
 * empty one) is refused as data that is not a TypedArray, as it always was.
 */
export function isSource(x: unknown): x is Source {
  if (x === null || typeof x !== 'object' || ArrayBuffer.isView(x)) return false;
  if (Array.isArray(x)) return x.length > 0 && ArrayBuffer.isView(x[0]);
  const o = x as Record<symbol, unknown>;
  return typeof o[Symbol.asyncIterator] === 'function' || typeof o[Symbol.iterator] === 'function';
}

/** A Node Readable (or anything with its shape): its chunks are bytes, so it needs a dtype. */
export function isReadable(x: unknown): x is NodeJS.ReadableStream & { destroy?(err?: Error): void } {
  const o = x as { pipe?: unknown; read?: unknown; on?: unknown };
  return typeof o.pipe === 'function' && typeof o.read === 'function' && typeof o.on === 'function';
}

/** The element type options.dtype names, undefined when it is absent; refuses a Readable without one. */
export function dtypeOf(fn: string, source: Source, dtype: unknown): Ctor | undefined {
  if (dtype === undefined) {
    if (isReadable(source))
      throw typeError(fn, codes.INVALID_ARG_TYPE,
        `a Readable yields raw bytes: give options.dtype (one of ${Object.keys(DTYPES).join(', ')}) to say how to read them`);
    return undefined;
  }
  if (typeof dtype !== 'string') throw typeError(fn, codes.INVALID_ARG_TYPE, `options.dtype must be a string (got ${describe(dtype)})`);
  const ctor = (DTYPES as Record<string, Ctor>)[dtype];
  if (!ctor) throw rangeError(fn, codes.OUT_OF_RANGE, `options.dtype must be one of ${Object.keys(DTYPES).join(', ')} (got ${dtype})`);
  return ctor;
}

/**
 * The source's chunk iterator, async when it offers one. An object whose iterator cannot
 * even start (a Proxy of a TypedArray, whose inherited values() refuses the proxy) is bad
 * data, not a failing source: a coded TypeError.
 */
export function iteratorOf(fn: string, source: Source): { it: ChunkIterator; async: boolean } {
  const o = source as unknown as Record<symbol, (() => ChunkIterator) | undefined>;
  const asyncIt = o[Symbol.asyncIterator];
  try {
    if (typeof asyncIt === 'function') return { it: asyncIt.call(source), async: true };
    return { it: o[Symbol.iterator]!.call(source), async: false };
  } catch (err) {
    throw typeError(fn, codes.INVALID_ARG_TYPE,
      `data must be a TypedArray or a source of chunks (got ${describe(source)}, whose iterator failed: ${(err as Error)?.message ?? String(err)})`);
  }
}

export type { Ctor };
