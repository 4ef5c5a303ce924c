// Building random GEMM / matmul cases: stored matrices with padded leading dimensions,
// offsets into larger buffers, NaN in every element that must not be read.
import fc from 'fast-check';
import {
  minLd,
  mulberry32,
  requiredLength,
  storedShape,
  type Layout,
  type RefGemmArgs,
} from './reference.js';

export type Dtype = 'f32' | 'f64';
export type FloatCtor = typeof Float32Array | typeof Float64Array;
export const ctorOf = (d: Dtype): FloatCtor => (d === 'f32' ? Float32Array : Float64Array);

/** Sizes 0..67, biased towards 0, 1, small primes and sizes around SIMD/blocking edges. */
export const dimArb = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 67 }), weight: 3 },
  { arbitrary: fc.constantFrom(0, 1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 17, 31, 32, 33, 61, 64, 67), weight: 2 },
);

export const scalarArb = fc.oneof(
  fc.constantFrom(1, 0, -1, 0.5, 2, -0.75),
  fc.double({ min: -2, max: 2, noNaN: true, noDefaultInfinity: true }),
);

export interface GemmParams {
  dtype: Dtype;
  layout: Layout;
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  beta: number;
  padA: number;
  padB: number;
  padC: number;
  extraA: number;
  extraB: number;
  extraC: number;
  offA: number;
  offB: number;
  offC: number;
  seed: number;
  /** Pass lda/ldb/ldc explicitly even when they equal the defaults. */
  explicitLd: boolean;
  /** Leave layout/transA/transB/alpha/beta out of the args when they equal the defaults. */
  omitDefaults: boolean;
  /** Bit mask: 1 = a, 2 = b, 4 = c live on a SharedArrayBuffer (the workers backend's zero-copy path). */
  shared: number;
}

export const gemmParamsArb: fc.Arbitrary<GemmParams> = fc.record({
  dtype: fc.constantFrom<Dtype>('f32', 'f64'),
  layout: fc.constantFrom<Layout>('row-major', 'col-major'),
  transA: fc.boolean(),
  transB: fc.boolean(),
  m: dimArb,
  n: dimArb,
  k: dimArb,
  alpha: scalarArb,
  beta: scalarArb,
  padA: fc.integer({ min: 0, max: 3 }),
  padB: fc.integer({ min: 0, max: 3 }),
  padC: fc.integer({ min: 0, max: 3 }),
  extraA: fc.integer({ min: 0, max: 2 }),
  extraB: fc.integer({ min: 0, max: 2 }),
  extraC: fc.integer({ min: 0, max: 2 }),
  offA: fc.integer({ min: 0, max: 2 }),
  offB: fc.integer({ min: 0, max: 2 }),
  offC: fc.integer({ min: 0, max: 2 }),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  explicitLd: fc.boolean(),
  omitDefaults: fc.boolean(),
  shared: fc.integer({ min: 0, max: 7 }),
});

/** A view of `length` elements at element offset `off` into a larger NaN-filled buffer. */
export function view(ctor: FloatCtor, length: number, off: number, shared = false): Float32Array | Float64Array {
  const n = length + off + 1;
  const whole: Float32Array | Float64Array = shared ? new (ctor as any)(new SharedArrayBuffer(n * ctor.BYTES_PER_ELEMENT)) : new ctor(n);
  whole.fill(NaN);
  return new (ctor as any)(whole.buffer, off * ctor.BYTES_PER_ELEMENT, length);
}

/**
 * Fill the elements of a stored rows x cols matrix with random values; everything else in
 * the array (padding between rows/columns, trailing extra) stays NaN, so reading it leaks NaN.
 */
function fillStored(
  x: Float32Array | Float64Array,
  layout: Layout,
  rows: number,
  cols: number,
  ld: number,
  fill: () => number,
) {
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) x[layout === 'row-major' ? r * ld + c : r + c * ld] = fill();
}

export interface GemmCase {
  /** The args object for ck.gemm (a, b, c are fresh arrays; c is the one written). */
  args: {
    layout?: Layout;
    transA?: boolean;
    transB?: boolean;
    m: number;
    n: number;
    k: number;
    alpha?: number;
    beta?: number;
    a: Float32Array | Float64Array;
    lda?: number;
    b: Float32Array | Float64Array;
    ldb?: number;
    c: Float32Array | Float64Array;
    ldc?: number;
  };
  /** The same, with every default resolved, for the reference. */
  ref: RefGemmArgs;
  /** Copies of a, b and c as they were before the call. */
  a0: Float64Array;
  b0: Float64Array;
  c0: Float64Array;
}

export function buildGemmCase(p: GemmParams): GemmCase {
  const ctor = ctorOf(p.dtype);
  const rnd = mulberry32(p.seed);
  const value = () => (rnd() < 0.1 ? Math.round(rnd() * 8 - 4) : rnd() * 2 - 1);
  const [arows, acols] = storedShape(p.transA, p.m, p.k);
  const [brows, bcols] = storedShape(p.transB, p.k, p.n);
  const lda = minLd(p.layout, arows, acols) + p.padA;
  const ldb = minLd(p.layout, brows, bcols) + p.padB;
  const ldc = minLd(p.layout, p.m, p.n) + p.padC;
  const a = view(ctor, requiredLength(p.layout, arows, acols, lda) + p.extraA, p.offA, (p.shared & 1) !== 0);
  const b = view(ctor, requiredLength(p.layout, brows, bcols, ldb) + p.extraB, p.offB, (p.shared & 2) !== 0);
  const c = view(ctor, requiredLength(p.layout, p.m, p.n, ldc) + p.extraC, p.offC, (p.shared & 4) !== 0);
  fillStored(a, p.layout, arows, acols, lda, value);
  fillStored(b, p.layout, brows, bcols, ldb, value);
  // beta = 0: C's window is NaN (it must not be read). Otherwise random; padding stays NaN.
  fillStored(c, p.layout, p.m, p.n, ldc, p.beta === 0 ? () => NaN : value);
  const args: GemmCase['args'] = { m: p.m, n: p.n, k: p.k, a, b, c };
  const isDefaultLd = p.padA === 0 && p.padB === 0 && p.padC === 0;
  if (!isDefaultLd || p.explicitLd) Object.assign(args, { lda, ldb, ldc });
  const defaults = p.layout === 'row-major' && !p.transA && !p.transB && p.alpha === 1 && p.beta === 0;
  if (!(defaults && p.omitDefaults)) {
    Object.assign(args, { layout: p.layout, transA: p.transA, transB: p.transB, alpha: p.alpha, beta: p.beta });
  }
  const ref: RefGemmArgs = {
    layout: p.layout,
    transA: p.transA,
    transB: p.transB,
    m: p.m,
    n: p.n,
    k: p.k,
    alpha: p.alpha,
    beta: p.beta,
    a: Float64Array.from(a),
    lda,
    b: Float64Array.from(b),
    ldb,
    c: Float64Array.from(c),
    ldc,
  };
  return { args, ref, a0: Float64Array.from(a), b0: Float64Array.from(b), c0: Float64Array.from(c) };
}

/** A fresh copy of a case's c (same offset/padding layout is irrelevant: a plain copy). */
export function cloneArgsWithFreshC(cs: GemmCase): GemmCase['args'] {
  const ctor = cs.args.c.constructor as FloatCtor;
  return { ...cs.args, c: ctor.from(cs.c0) };
}

/** Object.is equality of two arrays' elements (NaN == NaN, 0 != -0). */
export function sameElements(x: ArrayLike<number>, y: ArrayLike<number>): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
  return true;
}

/** Bit-identical, but treating 0 and -0 as different and all NaNs alike. */
export const bitIdentical = sameElements;
