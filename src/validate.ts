// Argument checks shared by every public function. Each throws the designed error; the
// async entry points turn a throw into a rejection.
import { checkBackend, checkThreadCount, defaultBackend, threads } from './config';
import { codes, describe, rangeError, typeError } from './errors';
import { Float16 } from './half';
import { pooledView } from './result-pool';
import type { BackendChoice, CallOptions, FloatArray, GemmArray, NumericArray } from './types';

// Float16Array where the runtime has one (Node 24+): last, so messages elsewhere read as before.
const NUMERIC_KINDS = [
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array, ...(Float16 ? [Float16] : []),
] as const;

const typedArrayProto = Object.getPrototypeOf(Int8Array.prototype) as object;
const intrinsic = (key: PropertyKey) => Object.getOwnPropertyDescriptor(typedArrayProto, key)!.get!;
// The engine's own accessors: an array's own or inherited properties cannot lie through them.
const toStringTag = intrinsic(Symbol.toStringTag);
const lengthOf = intrinsic('length') as (this: unknown) => number;
const bufferOf = intrinsic('buffer') as (this: unknown) => ArrayBufferLike;
const byteOffsetOf = intrinsic('byteOffset') as (this: unknown) => number;

type TypedArrayCtor = { new (b: ArrayBufferLike, offset: number, length: number): NumericArray; prototype: object };
const CTOR_OF: Record<string, TypedArrayCtor> = Object.fromEntries(NUMERIC_KINDS.map((k) => [k.name, k as unknown as TypedArrayCtor]));
const SHADOWABLE = ['length', 'byteLength', 'byteOffset', 'buffer', 'constructor', 'subarray', 'set', 'fill'];

// A plain loop, not SHADOWABLE.some(closure): every matmul runs this for three arrays, and
// the closure was a tenth of a small matmulSync's JavaScript time.
function shadowed(arr: object): boolean {
  for (let i = 0; i < SHADOWABLE.length; i++) if (Object.hasOwn(arr, SHADOWABLE[i])) return true;
  return false;
}

/** The constructor name of a real TypedArray (not a look-alike), or undefined. */
export function typedArrayKind(value: unknown): string | undefined {
  return toStringTag.call(value) as string | undefined;
}

/** The built-in constructor of a TypedArray kind (never a subclass the caller made). */
export function ctorOf(arr: NumericArray): { new (n: number): NumericArray; from(x: ArrayLike<number | bigint>): NumericArray } {
  return CTOR_OF[typedArrayKind(arr)!] as never;
}

function isDetached(buffer: ArrayBufferLike): boolean {
  if (buffer.byteLength !== 0 || typeof SharedArrayBuffer !== 'undefined' && buffer instanceof SharedArrayBuffer) return false;
  const flag = (buffer as { detached?: boolean }).detached;
  if (typeof flag === 'boolean') return flag;
  try {
    new Uint8Array(buffer as ArrayBuffer);
    return false;
  } catch {
    return true;
  }
}

/**
 * The array as the engine sees it. A subclass, or an own property shadowing length, buffer
 * and the like, could make the kernels read past the buffer or misjudge the element type;
 * such an array is replaced by a plain view of the same memory.
 */
function plainArray(fn: string, name: string, value: unknown, kind: string): NumericArray {
  const buffer = bufferOf.call(value);
  if (isDetached(buffer)) throw typeError(fn, codes.DETACHED, `${name}'s ArrayBuffer is detached`);
  // A resizable ArrayBuffer can shrink under a running kernel (a growable SharedArrayBuffer only grows).
  if ((buffer as { resizable?: boolean }).resizable === true && !(buffer instanceof SharedArrayBuffer))
    throw typeError(fn, codes.INVALID_ARG_TYPE, `${name} is on a resizable ArrayBuffer, which could shrink during the call; pass a fixed-length copy`);
  const Ctor = CTOR_OF[kind];
  const arr = value as NumericArray;
  if (Object.getPrototypeOf(arr) === Ctor.prototype && !shadowed(arr)) return arr;
  return new Ctor(bufferOf.call(arr), byteOffsetOf.call(arr), lengthOf.call(arr));
}

/** Every element type the counts and histograms take, for messages. */
export const NUMERIC_TYPES = `${NUMERIC_KINDS.slice(0, -1).map((k) => k.name).join(', ')} or ${NUMERIC_KINDS.at(-1)!.name}`;
const FLOAT_TYPES = 'Float32Array or Float64Array';
/** What matmul and gemm take: the float types, and Float16Array where the runtime has one. */
const GEMM_KINDS = ['Float32Array', 'Float64Array', ...(Float16 ? ['Float16Array'] : [])];
export const GEMM_TYPES = Float16 ? 'Float32Array, Float64Array or Float16Array' : FLOAT_TYPES;

/** The type of an ArrayBuffer view as the engine knows it (Float16Array, DataView, ...), else undefined. */
function viewKind(value: unknown): string | undefined {
  return ArrayBuffer.isView(value) ? (typedArrayKind(value) ?? 'DataView') : undefined;
}

const withArticle = (name: string) => `${/^[AEIO]/.test(name) ? 'an' : 'a'} ${name}`;

/**
 * The refusal of an argument of a type `fn` does not take. A TypedArray of a type not taken
 * (yet: a Float16Array) or a DataView is named by its type, with what is taken (`takes`);
 * anything else is described as usual against `expected`.
 */
export function wrongType(fn: string, name: string, value: unknown, takes: string, expected: string): TypeError {
  const kind = viewKind(value);
  return kind === undefined
    ? typeError(fn, codes.INVALID_ARG_TYPE, `${name} must be ${expected} (got ${describe(value)})`)
    : typeError(fn, codes.INVALID_ARG_TYPE, `${name} is ${withArticle(kind)}; ${takes}`);
}

export function numericArray(fn: string, name: string, value: unknown,
  takes = `${fn} takes ${NUMERIC_TYPES}`, expected = 'a TypedArray'): NumericArray {
  const kind = typedArrayKind(value);
  if (kind === undefined || !(kind in CTOR_OF)) throw wrongType(fn, name, value, takes, expected);
  return plainArray(fn, name, value, kind);
}

export function floatArray(fn: string, name: string, value: unknown): FloatArray {
  const kind = typedArrayKind(value);
  if (kind !== 'Float32Array' && kind !== 'Float64Array')
    throw wrongType(fn, name, value, `${fn} takes ${FLOAT_TYPES}`, `a ${FLOAT_TYPES}`);
  return plainArray(fn, name, value, kind) as FloatArray;
}

/** An operand of matmul or gemm: Float32Array, Float64Array or (where there is one) Float16Array. */
export function gemmArray(fn: string, name: string, value: unknown): GemmArray {
  const kind = typedArrayKind(value);
  // The two common kinds compared first: GEMM_KINDS.includes was a tenth of a small matmulSync's JavaScript time.
  if (kind !== 'Float64Array' && kind !== 'Float32Array' && (kind === undefined || !GEMM_KINDS.includes(kind)))
    throw wrongType(fn, name, value, `${fn} takes ${GEMM_TYPES}`, `a ${GEMM_TYPES}`);
  return plainArray(fn, name, value, kind) as GemmArray;
}

const TypedArray = Object.getPrototypeOf(Int8Array) as Function;

/**
 * The refusal of a constructor argument (`matrix(type, ...)`, `shared(type, ...)`): a
 * TypedArray or DataView constructor is named, so that Float16Array is refused as itself.
 */
export function arrayTypeError(fn: string, type: unknown, takes: string): TypeError {
  const named = typeof type === 'function' && (type === DataView || type.prototype instanceof TypedArray);
  return typeError(fn, codes.INVALID_ARG_TYPE, named ? `type is ${type.name}; ${fn} takes ${takes}` : `type must be ${takes} (got ${describe(type)})`);
}

/** One of the element types the counts take (or a subclass of one): what shared() makes. */
export const isNumericCtor = (type: unknown): boolean =>
  typeof type === 'function' && NUMERIC_KINDS.some((k) => type === k || type.prototype instanceof k);

export { FLOAT_TYPES };

export function sameKind(fn: string, name: string, value: NumericArray, expected: NumericArray, expectedName: string): void {
  if (typedArrayKind(value) !== typedArrayKind(expected))
    throw typeError(fn, codes.INVALID_ARG_TYPE,
      `${name} is a ${typedArrayKind(value)} but ${expectedName} is a ${typedArrayKind(expected)} (element types must match)`);
}

const isSize = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= Number.MAX_SAFE_INTEGER;

/** A non-negative safe integer (sizes, counts, leading dimensions). */
export function size(fn: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw typeError(fn, codes.INVALID_ARG_TYPE, `${name} must be an integer (got ${describe(value)})`);
  if (value < 0 || value > Number.MAX_SAFE_INTEGER)
    throw rangeError(fn, codes.OUT_OF_RANGE, `${name} must be a non-negative integer (got ${value})`);
  return value;
}

export function bool(fn: string, name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw typeError(fn, codes.INVALID_ARG_TYPE, `${name} must be a boolean (got ${describe(value)})`);
  return value;
}

export function num(fn: string, name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw typeError(fn, codes.INVALID_ARG_TYPE, `${name} must be a number (got ${describe(value)})`);
  return value;
}

export function oneOf<T extends string>(fn: string, name: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly unknown[]).includes(value))
    throw rangeError(fn, codes.OUT_OF_RANGE, `${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')} (got ${String(value)})`);
  return value as T;
}

export function object(fn: string, name: string, value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object')
    throw typeError(fn, codes.INVALID_ARG_TYPE, `${name} must be an object (got ${describe(value)})`);
  return value as Record<string, unknown>;
}

/** `shape` describes what needs the elements; built only for the error, as calls are hot. */
export function needLength(fn: string, name: string, arr: NumericArray, needed: number, shape: () => string): void {
  if (arr.length < needed)
    throw rangeError(fn, codes.ARRAY_TOO_SHORT, `${name} has ${arr.length} elements but ${shape()} needs ${needed}`);
}

/** True when two arrays share any byte of memory. */
export function overlaps(x: NumericArray, y: NumericArray): boolean {
  if (x.buffer !== y.buffer || x.byteLength === 0 || y.byteLength === 0) return false;
  return x.byteOffset < y.byteOffset + y.byteLength && y.byteOffset < x.byteOffset + x.byteLength;
}

export function noOverlap(fn: string, outName: string, out: NumericArray, inputs: [string, NumericArray][]): void {
  for (const [name, arr] of inputs)
    if (overlaps(out, arr)) throw rangeError(fn, codes.OUT_OVERLAP, `${outName} shares memory with ${name}`);
}

/** A matrix-shaped argument {data, rows, cols}. */
export function shape(fn: string, name: string, m: unknown): { rows: number; cols: number } {
  const o = object(fn, name, m);
  const { rows, cols } = o;
  if (isSize(rows) && isSize(cols)) return { rows, cols };
  return { rows: size(fn, `${name}.rows`, rows), cols: size(fn, `${name}.cols`, cols) };
}

export interface CheckedOptions {
  backend: BackendChoice;
  threads: number;
  signal?: AbortSignal;
}

/** The options every call takes, checked and with defaults filled in. */
export function callOptions(fn: string, opts: CallOptions | undefined): CheckedOptions {
  if (opts === undefined) return { backend: defaultBackend(), threads: threads() };
  const o = object(fn, 'options', opts) as CallOptions;
  const backend = o.backend === undefined ? defaultBackend() : checkBackend(fn, o.backend);
  const t = o.threads === undefined ? threads() : checkThreadCount(fn, 'options.threads', o.threads, threads());
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal))
    throw typeError(fn, codes.INVALID_ARG_TYPE, `options.signal must be an AbortSignal (got ${describe(o.signal)})`);
  return { backend, threads: t, signal: o.signal };
}

type ResultCtor<T> = { new (n: number): T; new (b: ArrayBuffer, offset: number, length: number): T; readonly BYTES_PER_ELEMENT: number };

/**
 * A new result array, or a coded RangeError when it cannot be allocated (`what` names the
 * result in that error). Small ones share a pooled ArrayBuffer (see result-pool.ts). It is
 * zeroed unless `zeroed` is false, for results whose every element the caller writes (a
 * memset and, for large ones, the page faults of fresh zeroed memory saved).
 */
export function allocate<T>(fn: string, what: () => string, Ctor: ResultCtor<T>, length: number, zeroed = true): T {
  try {
    const small = pooledView(Ctor, length);
    if (small !== undefined) return zeroed ? (small as unknown as Uint8Array).fill(0) as unknown as T : small;
    if (zeroed) return new Ctor(length);
    const bytes = Buffer.allocUnsafeSlow(length * Ctor.BYTES_PER_ELEMENT);
    return new Ctor(bytes.buffer as ArrayBuffer, bytes.byteOffset, length);
  } catch (err) {
    throw Object.assign(rangeError(fn, codes.OUT_OF_MEMORY, `${what()} needs ${length} elements, more than can be allocated`), { cause: err });
  }
}
