// Naive, independent references, written from the math (BLAS gemm, pandas' between,
// numpy.histogram) and not from the implementation. Deliberately slow and simple.

export type Layout = 'row-major' | 'col-major';
export type Inclusive = 'both' | 'neither' | 'left' | 'right';
export type Scalar = number | bigint;

// ---------------------------------------------------------------------------------------
// Exact comparison of numbers and bigints.
//
// Every finite double is exactly mant * 2^exp with integer mant; a bigint is v * 2^0.
// Comparing two such values exactly needs nothing but bigint arithmetic. (This is what the
// spec's IsLessThan does for Number/BigInt too, but we do not lean on it here.)

interface Rational {
  mant: bigint;
  exp: number;
}

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

function toRational(v: number | bigint): Rational {
  if (typeof v === 'bigint') return { mant: v, exp: 0 };
  f64[0] = v;
  const bits = u64[0];
  const negative = bits >> 63n === 1n;
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  let mant: bigint;
  let exp: number;
  if (biased === 0) {
    mant = fraction; // subnormal (or zero)
    exp = -1074;
  } else {
    mant = fraction | (1n << 52n);
    exp = biased - 1075;
  }
  return { mant: negative ? -mant : mant, exp };
}

/** -1, 0 or 1 for the exact mathematical order of a and b; undefined when either is NaN. */
export function exactCompare(a: Scalar, b: Scalar): -1 | 0 | 1 | undefined {
  if (typeof a === 'number' && Number.isNaN(a)) return undefined;
  if (typeof b === 'number' && Number.isNaN(b)) return undefined;
  // Two numbers (or two bigints) of the same kind: the language's own comparison is exact.
  if (typeof a === typeof b) return a < b ? -1 : a > b ? 1 : 0;
  // Infinities are beyond every bigint.
  if (a === Infinity || b === -Infinity) return 1;
  if (a === -Infinity || b === Infinity) return -1;
  const ra = toRational(a);
  const rb = toRational(b);
  const e = Math.min(ra.exp, rb.exp);
  const x = ra.mant << BigInt(ra.exp - e);
  const y = rb.mant << BigInt(rb.exp - e);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** pandas Series.between semantics with exact comparison; NaN elements are never in range. */
export function inRange(x: Scalar, lo: Scalar, hi: Scalar, inclusive: Inclusive): boolean {
  const cl = exactCompare(x, lo);
  const ch = exactCompare(x, hi);
  if (cl === undefined || ch === undefined) return false;
  const leftOk = inclusive === 'both' || inclusive === 'left' ? cl >= 0 : cl > 0;
  const rightOk = inclusive === 'both' || inclusive === 'right' ? ch <= 0 : ch < 0;
  return leftOk && rightOk;
}

export function refCount(data: ArrayLike<Scalar>, lo: Scalar, hi: Scalar, inclusive: Inclusive = 'both'): number {
  let n = 0;
  for (let i = 0; i < data.length; i++) if (inRange(data[i], lo, hi, inclusive)) n++;
  return n;
}

export function refCountByRow(
  data: ArrayLike<Scalar>,
  rows: number,
  cols: number,
  lo: Scalar,
  hi: Scalar,
  inclusive: Inclusive = 'both',
): number[] {
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    let n = 0;
    for (let c = 0; c < cols; c++) if (inRange(data[r * cols + c], lo, hi, inclusive)) n++;
    out.push(n);
  }
  return out;
}

/**
 * numpy.histogram with explicit edges: bin i counts edges[i] <= x < edges[i+1]; the last
 * bin also counts x == edges[last]. NaN and values outside [edges[0], edges[last]] are ignored.
 */
export function refHistogram(data: ArrayLike<Scalar>, edges: ArrayLike<number>): number[] {
  const bins = edges.length - 1;
  const out: number[] = new Array(bins).fill(0);
  for (let i = 0; i < data.length; i++) {
    const x = data[i];
    if (typeof x === 'number' && Number.isNaN(x)) continue;
    if (exactCompare(x, edges[0])! < 0) continue;
    const vsLast = exactCompare(x, edges[bins])!;
    if (vsLast > 0) continue;
    if (vsLast === 0) {
      out[bins - 1]++;
      continue;
    }
    for (let b = 0; b < bins; b++) {
      if (exactCompare(x, edges[b])! >= 0 && exactCompare(x, edges[b + 1])! < 0) {
        out[b]++;
        break;
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// GEMM: C = alpha * op(A) * op(B) + beta * C, BLAS semantics, float64 accumulation.

export interface RefGemmArgs {
  layout: Layout;
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  beta: number;
  a: ArrayLike<number>;
  lda: number;
  b: ArrayLike<number>;
  ldb: number;
  c: ArrayLike<number>;
  ldc: number;
}

/** Index of element (r, col) of a stored matrix with leading dimension ld. */
export function at(layout: Layout, ld: number, r: number, col: number): number {
  return layout === 'row-major' ? r * ld + col : r + col * ld;
}

/** Rows and columns of the matrix as stored, for op(X) of shape rows x cols. */
export function storedShape(trans: boolean, rows: number, cols: number): [number, number] {
  return trans ? [cols, rows] : [rows, cols];
}

/** The smallest legal leading dimension of a stored matrix (BLAS: at least 1). */
export function minLd(layout: Layout, storedRows: number, storedCols: number): number {
  return Math.max(1, layout === 'row-major' ? storedCols : storedRows);
}

/** Elements an array needs to hold a stored matrix with leading dimension ld. */
export function requiredLength(layout: Layout, storedRows: number, storedCols: number, ld: number): number {
  if (storedRows === 0 || storedCols === 0) return 0;
  return layout === 'row-major' ? (storedRows - 1) * ld + storedCols : (storedCols - 1) * ld + storedRows;
}

export interface RefGemmResult {
  /** The expected contents of the whole c array (elements outside the window unchanged). */
  expected: Float64Array;
  /** Per element of c: |alpha| * sum |a||b| + |beta * c| (0 outside the window): the error scale. */
  scale: Float64Array;
  /** Per element of c: whether it is inside the m x n window. */
  inWindow: Uint8Array;
  /** Per element of c: 1 + sum |a||b| + |c| (beta != 0): the scale of underflow errors, which alpha does not shrink. */
  magnitude: Float64Array;
}

export function refGemm(g: RefGemmArgs): RefGemmResult {
  const expected = Float64Array.from(g.c as ArrayLike<number>);
  const scale = new Float64Array(g.c.length);
  const inWindow = new Uint8Array(g.c.length);
  const magnitude = new Float64Array(g.c.length);
  const opA = (i: number, p: number) => (g.transA ? g.a[at(g.layout, g.lda, p, i)] : g.a[at(g.layout, g.lda, i, p)]);
  const opB = (p: number, j: number) => (g.transB ? g.b[at(g.layout, g.ldb, j, p)] : g.b[at(g.layout, g.ldb, p, j)]);
  for (let i = 0; i < g.m; i++) {
    for (let j = 0; j < g.n; j++) {
      let sum = 0;
      let abs = 0;
      for (let p = 0; p < g.k; p++) {
        const x = opA(i, p) * opB(p, j);
        sum += x;
        abs += Math.abs(x);
      }
      const ci = at(g.layout, g.ldc, i, j);
      const c0 = g.c[ci];
      // beta = 0 means C is not read at all: NaN or Inf in C must not leak.
      expected[ci] = g.alpha * sum + (g.beta === 0 ? 0 : g.beta * c0);
      scale[ci] = Math.abs(g.alpha) * abs + (g.beta === 0 ? 0 : Math.abs(g.beta * c0));
      inWindow[ci] = 1;
      magnitude[ci] = 1 + abs + (g.beta === 0 ? 0 : Math.abs(c0));
    }
  }
  return { expected, scale, inWindow, magnitude };
}

/**
 * Compare a gemm result with the reference: inside the window within
 * (k + 2) * (tol * scale + eta * magnitude), the usual floating-point error model (relative
 * rounding plus an absolute underflow term: a subnormal alpha or beta loses relative
 * precision, and float32 results below its smallest subnormal are 0); exact when everything
 * is 0. Outside the window unchanged bit for bit (Object.is, so NaN padding must stay NaN).
 * Returns a list of human-readable mismatches (empty when all good).
 */
export function gemmMismatches(
  got: ArrayLike<number>,
  original: ArrayLike<number>,
  ref: RefGemmResult,
  k: number,
  tol: number,
  limit = 5,
): string[] {
  const eta = tol === TOL_F32 ? ETA_F32 : ETA_F64;
  const bad: string[] = [];
  if (got.length !== original.length) return [`length changed: ${got.length} vs ${original.length}`];
  for (let i = 0; i < got.length && bad.length < limit; i++) {
    if (ref.inWindow[i]) {
      const e = ref.expected[i];
      const allowed = (k + 2) * (tol * ref.scale[i] + eta * ref.magnitude[i]);
      if (!(Math.abs(got[i] - e) <= allowed)) bad.push(`c[${i}] = ${got[i]}, expected ${e} (±${allowed})`);
    } else if (!Object.is(got[i], original[i])) {
      bad.push(`c[${i}] outside the m x n window was written: ${original[i]} -> ${got[i]}`);
    }
  }
  return bad;
}

export const TOL_F64 = 1e-12;
export const TOL_F32 = 1e-5;
/** The smallest normal float32 / float64: below it, rounding errors are absolute, not relative. */
export const ETA_F32 = 2 ** -126;
export const ETA_F64 = 2 ** -1022;

// ---------------------------------------------------------------------------------------
// O(n^2) check of a large product with a random vector t:
//   C_new · t  ==  beta · C0 · t + alpha · op(A) · (op(B) · t)
// within tol * k * (|alpha| · |op(A)| · (|op(B)| · |t|) + |beta| · |C0| · |t|).

function stored(layout: Layout, x: ArrayLike<number>, ld: number) {
  return (r: number, c: number) => x[at(layout, ld, r, c)];
}

export function gemmVectorCheck(g: RefGemmArgs, cNew: ArrayLike<number>, tol: number, seed = 12345): string[] {
  const rnd = mulberry32(seed);
  const t = Array.from({ length: g.n }, () => rnd() * 2 - 1);
  const A = stored(g.layout, g.a, g.lda);
  const B = stored(g.layout, g.b, g.ldb);
  const C0 = stored(g.layout, g.c, g.ldc);
  const C1 = stored(g.layout, cNew, g.ldc);
  const opA = (i: number, p: number) => (g.transA ? A(p, i) : A(i, p));
  const opB = (p: number, j: number) => (g.transB ? B(j, p) : B(p, j));
  // u = op(B) · t, uAbs = |op(B)| · |t|
  const u = new Float64Array(g.k);
  const uAbs = new Float64Array(g.k);
  for (let p = 0; p < g.k; p++) {
    let s = 0;
    let sa = 0;
    for (let j = 0; j < g.n; j++) {
      s += opB(p, j) * t[j];
      sa += Math.abs(opB(p, j) * t[j]);
    }
    u[p] = s;
    uAbs[p] = sa;
  }
  const bad: string[] = [];
  for (let i = 0; i < g.m && bad.length < 5; i++) {
    let want = 0;
    let scale = 0;
    for (let p = 0; p < g.k; p++) {
      want += g.alpha * opA(i, p) * u[p];
      scale += Math.abs(g.alpha * opA(i, p)) * uAbs[p];
    }
    if (g.beta !== 0) {
      for (let j = 0; j < g.n; j++) {
        want += g.beta * C0(i, j) * t[j];
        scale += Math.abs(g.beta * C0(i, j) * t[j]);
      }
    }
    let got = 0;
    for (let j = 0; j < g.n; j++) got += C1(i, j) * t[j];
    const allowed = tol * (g.k + 2) * scale + 1e-300;
    if (!(Math.abs(got - want) <= allowed)) bad.push(`row ${i}: (C·t) = ${got}, expected ${want} (±${allowed})`);
  }
  return bad;
}

// ---------------------------------------------------------------------------------------
// Small utilities

/** A tiny deterministic PRNG (mulberry32) returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomFill<T extends Float32Array | Float64Array>(x: T, seed: number, lo = -1, hi = 1): T {
  const rnd = mulberry32(seed);
  for (let i = 0; i < x.length; i++) x[i] = lo + (hi - lo) * rnd();
  return x;
}

/** The next double above x (x finite). */
export function nextUp(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x;
  if (x === 0) return Number.MIN_VALUE;
  f64[0] = x;
  u64[0] = x > 0 ? u64[0] + 1n : u64[0] - 1n;
  return f64[0];
}

/** The next double below x (x finite). */
export function nextDown(x: number): number {
  return -nextUp(-x);
}

/** A random n×n float64 matrix (for tests that multiply it by itself). */
export function randomSquare(n: number, seed: number): { data: Float64Array; rows: number; cols: number } {
  return { data: randomFill(new Float64Array(n * n), seed), rows: n, cols: n };
}

/** Problems with c as x·x (random-vector check); empty when c is right. */
export function squareProductCheck(x: { data: Float64Array; rows: number }, c: Float64Array): string[] {
  const n = x.rows;
  return gemmVectorCheck(
    { layout: 'row-major', transA: false, transB: false, m: n, n, k: n, alpha: 1, beta: 0, a: x.data, lda: n, b: x.data, ldb: n, c: new Float64Array(n * n), ldc: n },
    c,
    TOL_F64,
  );
}
