// The 11 element types the range kernels accept, and fast-check generators for their
// elements and for range bounds that probe exactness (fractional bounds on integer arrays,
// double neighbours of float32 values, numbers beyond the type's range, bigints vs numbers).
import fc from 'fast-check';
import { nextDown, nextUp, type Inclusive, type Scalar } from './reference.js';

export type NumericArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

export interface Kind {
  name: string;
  ctor: { new (n: number | ArrayLike<any> | ArrayBufferLike, byteOffset?: number, length?: number): NumericArray; BYTES_PER_ELEMENT: number };
  bigint: boolean;
  float: boolean;
  /** Smallest and largest value the type holds (finite types). */
  min: Scalar;
  max: Scalar;
}

export const KINDS: Kind[] = [
  { name: 'Int8Array', ctor: Int8Array as any, bigint: false, float: false, min: -128, max: 127 },
  { name: 'Uint8Array', ctor: Uint8Array as any, bigint: false, float: false, min: 0, max: 255 },
  { name: 'Uint8ClampedArray', ctor: Uint8ClampedArray as any, bigint: false, float: false, min: 0, max: 255 },
  { name: 'Int16Array', ctor: Int16Array as any, bigint: false, float: false, min: -32768, max: 32767 },
  { name: 'Uint16Array', ctor: Uint16Array as any, bigint: false, float: false, min: 0, max: 65535 },
  { name: 'Int32Array', ctor: Int32Array as any, bigint: false, float: false, min: -(2 ** 31), max: 2 ** 31 - 1 },
  { name: 'Uint32Array', ctor: Uint32Array as any, bigint: false, float: false, min: 0, max: 2 ** 32 - 1 },
  { name: 'Float32Array', ctor: Float32Array as any, bigint: false, float: true, min: -3.4028234663852886e38, max: 3.4028234663852886e38 },
  { name: 'Float64Array', ctor: Float64Array as any, bigint: false, float: true, min: -Number.MAX_VALUE, max: Number.MAX_VALUE },
  { name: 'BigInt64Array', ctor: BigInt64Array as any, bigint: true, float: false, min: -(2n ** 63n), max: 2n ** 63n - 1n },
  { name: 'BigUint64Array', ctor: BigUint64Array as any, bigint: true, float: false, min: 0n, max: 2n ** 64n - 1n },
];

export const INCLUSIVE: Inclusive[] = ['both', 'neither', 'left', 'right'];

/** Element values for a kind, biased towards extremes, small values and duplicates. */
export function elementArb(kind: Kind): fc.Arbitrary<Scalar> {
  if (kind.bigint) {
    const min = kind.min as bigint;
    const max = kind.max as bigint;
    const near53 = [2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 53n + 2n, 2n ** 62n + 1n];
    const specials = [min, max, min + 1n, max - 1n, 0n, 1n, 2n, ...near53, ...(min < 0n ? near53.map((v) => -v) : [])];
    return fc.oneof(
      { arbitrary: fc.bigInt({ min: -5n, max: 5n }).filter((v) => v >= min), weight: 4 },
      { arbitrary: fc.bigInt({ min, max }), weight: 3 },
      { arbitrary: fc.constantFrom(...specials), weight: 3 },
    );
  }
  if (kind.float) {
    const f32 = kind.name === 'Float32Array';
    const base = f32
      ? fc.float() // includes NaN, ±Infinity, -0, subnormals
      : fc.double(); // includes NaN, ±Infinity, -0, subnormals
    const round = (v: number) => (f32 ? Math.fround(v) : v);
    const specials = [0.1, -0.1, 0.5, 1 / 3, 2.5, -2.5, NaN, Infinity, -Infinity, -0, 1e-40, 16777217, 2 ** 53 + 2].map(round);
    return fc.oneof(
      { arbitrary: fc.integer({ min: -6, max: 6 }).map((v) => round(v / 2)), weight: 4 },
      { arbitrary: base, weight: 3 },
      { arbitrary: fc.constantFrom(...specials), weight: 3 },
    );
  }
  const min = kind.min as number;
  const max = kind.max as number;
  return fc.oneof(
    { arbitrary: fc.integer({ min: Math.max(min, -5), max: Math.min(max, 5) }), weight: 4 },
    { arbitrary: fc.integer({ min, max }), weight: 3 },
    { arbitrary: fc.constantFrom(min, max, min + 1, max - 1, 0), weight: 3 },
  );
}

/** A typed array of the kind holding values, optionally as a view at an element offset into a larger buffer. */
export function makeArray(kind: Kind, values: Scalar[], offset = 0, shared = false): NumericArray {
  const n = values.length + offset + 1;
  const buf = shared ? new kind.ctor(new SharedArrayBuffer(n * kind.ctor.BYTES_PER_ELEMENT)) : new kind.ctor(n);
  // Fill the surrounding memory with in-range junk so reading outside the view would be noticed.
  for (let i = 0; i < buf.length; i++) (buf as any)[i] = kind.bigint ? 1n : 1;
  const view = new kind.ctor(buf.buffer, offset * kind.ctor.BYTES_PER_ELEMENT, values.length);
  for (let i = 0; i < values.length; i++) (view as any)[i] = values[i];
  return view;
}

/** Bounds that probe exactness, drawn partly from the actual elements. */
export function boundArb(kind: Kind, values: Scalar[]): fc.Arbitrary<Scalar> {
  const fromElements: Scalar[] = [];
  for (const v of values.slice(0, 12)) {
    if (typeof v === 'bigint') {
      fromElements.push(v, v + 1n, v - 1n, Number(v)); // Number(v) may be rounded: a different number
    } else if (!Number.isNaN(v)) {
      fromElements.push(v, v + 0.5, v - 0.5, nextUp(v), nextDown(v), v + 2 ** -20);
    }
  }
  const numeric: Scalar[] = [
    Infinity,
    -Infinity,
    0,
    -0,
    0.1,
    -0.1,
    2.5,
    -2.5,
    1e300,
    -1e300,
    2 ** 53,
    2 ** 53 + 2,
    2 ** 63,
    -(2 ** 63),
    2 ** 64,
  ];
  if (!kind.bigint) {
    const min = kind.min as number;
    const max = kind.max as number;
    numeric.push(min, max, min - 1, max + 1, min - 0.5, max + 0.5, nextDown(min), nextUp(max));
  }
  const bigs: Scalar[] = kind.bigint
    ? [kind.min, kind.max, (kind.min as bigint) - 1n, (kind.max as bigint) + 1n, 2n ** 64n, -(2n ** 64n), 0n, -1n, 2n ** 70n]
    : [];
  const arbs: fc.Arbitrary<Scalar>[] = [
    fc.constantFrom(...numeric),
    fc.integer({ min: -40, max: 40 }).map((v) => v / 4),
    fc.double({ noNaN: true }),
  ];
  if (bigs.length) arbs.push(fc.constantFrom(...bigs), fc.bigInt({ min: -(2n ** 65n), max: 2n ** 65n }), fc.bigInt({ min: -8n, max: 8n }));
  const all = fc.oneof(...arbs);
  const nonNaN = (v: Scalar) => !(typeof v === 'number' && Number.isNaN(v));
  const pool = fromElements.filter(nonNaN);
  return (pool.length ? fc.oneof(all, fc.constantFrom(...pool)) : all).filter(nonNaN);
}

/** An array of the kind (values + element offset into its buffer) with two bounds and an inclusive mode. */
export function rangeCaseArb(kind: Kind, maxLength = 120) {
  return fc
    .tuple(fc.array(elementArb(kind), { minLength: 0, maxLength }), fc.integer({ min: 0, max: 3 }))
    .chain(([values, offset]) =>
      fc.record({
        values: fc.constant(values),
        offset: fc.constant(offset),
        lo: boundArb(kind, values),
        hi: boundArb(kind, values),
        inclusive: fc.constantFrom(...INCLUSIVE),
        sorted: fc.boolean(),
        shared: fc.boolean(),
      }),
    )
    .map((c) => {
      // Half the time put the bounds in order so that ranges are usually non-empty.
      let { lo, hi } = c;
      if (c.sorted && (lo > hi)) [lo, hi] = [hi, lo];
      return { ...c, lo, hi };
    });
}

/** Pretty form of a scalar for failure messages. */
export function show(v: Scalar): string {
  return typeof v === 'bigint' ? `${v}n` : Object.is(v, -0) ? '-0' : String(v);
}
