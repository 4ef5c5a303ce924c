// Range bounds as the kernels want them: an inclusive interval in the element domain,
// converted once per call. "Mathematical" comparison of a number bound with an element
// type becomes exact compares of elements with elements: 2.5 on an Int32Array is 3 (as a
// lower bound), 0.1 on a Float32Array is the least float32 above 0.1.
import { f16round, step16 } from './half';
import type { Inclusive, NumericArray } from './types';
import { typedArrayKind } from './validate';

export interface ElementKind {
  readonly float: boolean;
  readonly f32: boolean;
  /** Float16Array: bounds round and step in float16, as f32 ones do in float32. */
  readonly f16?: boolean;
  readonly bigint: boolean;
  readonly min: number | bigint;
  readonly max: number | bigint;
}

const int = (min: number, max: number): ElementKind => ({ float: false, f32: false, bigint: false, min, max });
const KINDS: Record<string, ElementKind> = {
  Int8Array: int(-128, 127),
  Uint8Array: int(0, 255),
  Uint8ClampedArray: int(0, 255),
  Int16Array: int(-32768, 32767),
  Uint16Array: int(0, 65535),
  Int32Array: int(-2147483648, 2147483647),
  Uint32Array: int(0, 4294967295),
  Float32Array: { float: true, f32: true, bigint: false, min: -Infinity, max: Infinity },
  Float64Array: { float: true, f32: false, bigint: false, min: -Infinity, max: Infinity },
  Float16Array: { float: true, f32: false, f16: true, bigint: false, min: -Infinity, max: Infinity },
  BigInt64Array: { float: false, f32: false, bigint: true, min: -(1n << 63n), max: (1n << 63n) - 1n },
  BigUint64Array: { float: false, f32: false, bigint: true, min: 0n, max: (1n << 64n) - 1n },
};

export function elementKind(arr: NumericArray): ElementKind {
  return KINDS[typedArrayKind(arr)!];
}

// Neighbouring floats, through their bit patterns. next(±Infinity outward) is NaN: "no such value".
const f64 = new Float64Array(1), i64 = new BigInt64Array(f64.buffer);
const f32 = new Float32Array(1), i32 = new Int32Array(f32.buffer);

function step64(x: number, up: boolean): number {
  if (x === (up ? Infinity : -Infinity)) return NaN;
  if (x === 0) return up ? Number.MIN_VALUE : -Number.MIN_VALUE;
  f64[0] = x;
  i64[0] += (x > 0) === up ? 1n : -1n;
  return f64[0];
}

function step32(x: number, up: boolean): number {
  if (x === (up ? Infinity : -Infinity)) return NaN;
  if (x === 0) return up ? 1.401298464324817e-45 : -1.401298464324817e-45;
  f32[0] = x;
  i32[0] += (x > 0) === up ? 1 : -1;
  return f32[0];
}

/** Rounding to and stepping through a narrow float type's values. */
const narrow = (kind: ElementKind): [(x: number) => number, (x: number, up: boolean) => number] =>
  kind.f16 ? [f16round, step16] : [Math.fround, step32];

/** The least element value >= x (or > x when strict); undefined when there is none. */
export function lowerBound(kind: ElementKind, x: number | bigint, strict: boolean): number | bigint | undefined {
  if (kind.bigint) {
    let v: bigint;
    if (typeof x === 'bigint') v = strict ? x + 1n : x;
    else if (x === -Infinity) v = kind.min as bigint;
    else if (x === Infinity) return undefined;
    else v = strict ? BigInt(Math.floor(x)) + 1n : BigInt(Math.ceil(x));
    if (v > (kind.max as bigint)) return undefined;
    return v < (kind.min as bigint) ? kind.min : v;
  }
  const n = x as number;
  if (kind.float) {
    if (!kind.f32 && !kind.f16) return strict ? nanToUndefined(step64(n, true)) : n;
    const [round, step] = narrow(kind);
    const r = round(n);
    return nanToUndefined(strict ? (r <= n ? step(r, true) : r) : r < n ? step(r, true) : r);
  }
  const v = strict ? Math.floor(n) + 1 : Math.ceil(n);
  if (v > (kind.max as number) || Number.isNaN(v)) return undefined;
  return Math.max(v, kind.min as number);
}

/** The greatest element value <= x (or < x when strict); undefined when there is none. */
export function upperBound(kind: ElementKind, x: number | bigint, strict: boolean): number | bigint | undefined {
  if (kind.bigint) {
    let v: bigint;
    if (typeof x === 'bigint') v = strict ? x - 1n : x;
    else if (x === Infinity) v = kind.max as bigint;
    else if (x === -Infinity) return undefined;
    else v = strict ? BigInt(Math.ceil(x)) - 1n : BigInt(Math.floor(x));
    if (v < (kind.min as bigint)) return undefined;
    return v > (kind.max as bigint) ? kind.max : v;
  }
  const n = x as number;
  if (kind.float) {
    if (!kind.f32 && !kind.f16) return strict ? nanToUndefined(step64(n, false)) : n;
    const [round, step] = narrow(kind);
    const r = round(n);
    return nanToUndefined(strict ? (r >= n ? step(r, false) : r) : r > n ? step(r, false) : r);
  }
  const v = strict ? Math.ceil(n) - 1 : Math.floor(n);
  if (v < (kind.min as number) || Number.isNaN(v)) return undefined;
  return Math.min(v, kind.max as number);
}

function nanToUndefined(x: number): number | undefined {
  return Number.isNaN(x) ? undefined : x;
}

/** [lo, hi] inclusive in the element domain, or undefined when nothing can match. */
export function inclusiveRange(
  kind: ElementKind, lo: number | bigint, hi: number | bigint, inclusive: Inclusive,
): { lo: number | bigint; hi: number | bigint } | undefined {
  const l = lowerBound(kind, lo, inclusive === 'neither' || inclusive === 'right');
  const h = upperBound(kind, hi, inclusive === 'neither' || inclusive === 'left');
  if (l === undefined || h === undefined || l > h) return undefined;
  return { lo: l, hi: h };
}
