// What the bench command times: one entry per public function it exercises, with its
// default sizes, its work per call (for GFLOP/s or GB/s) and how to build its inputs.
// Inputs live on SharedArrayBuffers, so the workers backend reads them without a copy
// (the zero-copy path the README recommends) and every backend times the kernel alone.
import * as ck from '../../index';
import { Float16 } from '../../half';
import type { Backend, Dtype, Kernel } from '../args';

export type ElementType = Dtype | 'i32';

/** One input set, built once and timed on every backend and thread count. */
export interface Workload {
  run(backend: Backend, threads: number): Promise<unknown>;
}

export interface Benchmark {
  /** The public function timed; also the table's name. */
  readonly name: 'matmul' | 'countInRangeByRow' | 'countInRange' | 'minMax' | 'countInRangeByColumn' | 'histogram' | 'histogramWeighted' | 'matvec' | 'gemmBatch';
  /** The command-line kernel that selects it. */
  readonly kernel: Kernel;
  readonly about: string;
  readonly unit: 'GFLOP/s' | 'GB/s';
  /** What a size counts: 'n' for matmul and matvec, 'elements' for the others. */
  readonly sizeName: string;
  readonly defaultSizes: readonly number[];
  /** Element types it can run, and the ones it runs when --dtype is not given. */
  readonly dtypes: readonly ElementType[];
  readonly defaultDtypes: readonly ElementType[];
  /** FLOPs (matmul) or bytes read (counts, matvec) per call. */
  work(size: number, dtype: ElementType): number;
  /** The size as a user reads it: 2048 (n), 200000x5, 32M. */
  shape(size: number): string;
  prepare(size: number, dtype: ElementType): Workload;
}

type FloatCtor = { new (n: number): ck.GemmArray; new (b: SharedArrayBuffer): ck.GemmArray; BYTES_PER_ELEMENT: number };
const FLOAT: Record<string, FloatCtor> = { f64: Float64Array, f32: Float32Array, ...(Float16 ? { f16: Float16 as unknown as FloatCtor } : {}) };
const bytes = (dtype: ElementType) => (dtype === 'f16' ? 2 : dtype === 'f32' || dtype === 'i32' ? 4 : 8);
/** The float types a runtime has: f16 (Float16Array) on Node 24 and later, run when asked for. */
const FLOATS: ElementType[] = ['f64', 'f32', ...(Float16 ? ['f16' as const] : [])];

/** 1500000 -> 1.5M, 200000 -> 200k. */
export function shortCount(n: number): string {
  if (n >= 1e6 && n % 1e5 === 0) return `${n / 1e6}M`;
  if (n >= 1e3 && n % 100 === 0) return `${n / 1e3}k`;
  return String(n);
}

/** Deterministic fill (mulberry32), so every run times the same data. */
function fill(x: ck.GemmArray | Int32Array, scale: (u: number) => number, seed = 1): void {
  let s = seed >>> 0;
  for (let i = 0; i < x.length; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    x[i] = scale(((t ^ (t >>> 14)) >>> 0) / 4294967296);
  }
}

const matmul: Benchmark = {
  name: 'matmul',
  kernel: 'matmul',
  about: 'C = A·B, n×n by n×n',
  unit: 'GFLOP/s',
  sizeName: 'n',
  defaultSizes: [64, 128, 256, 512, 1024, 2048],
  dtypes: FLOATS,
  defaultDtypes: ['f64', 'f32'],
  work: (n) => 2 * n ** 3,
  shape: (n) => String(n),
  prepare(n, dtype) {
    const T = FLOAT[dtype];
    const a = ck.matrix<ck.GemmArray>(T, n, n, { shared: true }), b = ck.matrix<ck.GemmArray>(T, n, n, { shared: true });
    fill(a.data, (u) => 2 * u - 1, 1);
    fill(b.data, (u) => 2 * u - 1, 2);
    const out = ck.shared(T, n * n);
    return { run: (backend, threads) => ck.matmul(a, b, { backend, threads, out }) };
  },
};

// The README's quick start: how many values in each row of 5 are within [4, 8]?
const COLS = 5;
const countRows: Benchmark = {
  name: 'countInRangeByRow',
  kernel: 'count',
  about: 'int32 rows of 5 values in 0..9, 4 <= x <= 8 per row (the README tutorial)',
  unit: 'GB/s',
  sizeName: 'elements',
  defaultSizes: [1_000_000],
  dtypes: ['i32'],
  defaultDtypes: ['i32'],
  work: (size) => size * 4,
  shape: (size) => `${Math.max(1, Math.floor(size / COLS))}x${COLS}`,
  prepare(size) {
    const rows = Math.max(1, Math.floor(size / COLS));
    const data = ck.shared(Int32Array, rows * COLS);
    fill(data, (u) => Math.floor(u * 10));
    const out = ck.shared(Uint32Array, rows);
    return { run: (backend, threads) => ck.countInRangeByRow({ data, rows, cols: COLS }, 4, 8, { backend, threads, out }) };
  },
};

/** A pass over uniform floats in [0, 1): what countInRange and histogram share. */
function floatScan(
  name: 'countInRange' | 'minMax' | 'histogram', about: string, defaultSize: number,
  call: (data: ck.FloatArray | ck.HalfArray, opts: { backend: Backend; threads: number }) => Promise<unknown>,
): Benchmark {
  return {
    name, kernel: name === 'histogram' ? 'histogram' : 'count', about, unit: 'GB/s', sizeName: 'elements',
    defaultSizes: [defaultSize], dtypes: FLOATS, defaultDtypes: ['f64'],
    work: (size, dtype) => size * bytes(dtype),
    shape: shortCount,
    prepare(size, dtype) {
      const data = ck.shared(FLOAT[dtype] as unknown as typeof Float64Array, size) as ck.FloatArray | ck.HalfArray;
      fill(data, (u) => u);
      return { run: (backend, threads) => call(data, { backend, threads }) };
    },
  };
}

const countAll = floatScan('countInRange', 'uniform floats in [0, 1), 0.25 <= x <= 0.75', 32_000_000,
  (data, opts) => ck.countInRange(data, 0.25, 0.75, opts));

const minMax = floatScan('minMax', 'uniform floats in [0, 1): the least and greatest (nanmin, nanmax)', 32_000_000,
  (data, opts) => ck.minMax(data, opts));

const BINS = 64;
const EDGES = Float64Array.from({ length: BINS + 1 }, (_, i) => i / BINS);
const histogram = floatScan('histogram', `uniform floats in [0, 1), ${BINS} equal bins`, 4_000_000,
  (data, opts) => ck.histogram(data, EDGES, opts));

// Memory-bound: A is read once, so GB/s of A against the machine's read bandwidth is the
// figure (x and y are n elements each, noise beside n²).
const matvec: Benchmark = {
  name: 'matvec',
  kernel: 'matvec',
  about: 'y = A·x, n×n (GB/s of A read)',
  unit: 'GB/s',
  sizeName: 'n',
  defaultSizes: [1024, 4096, 8192],
  dtypes: FLOATS,
  defaultDtypes: ['f64'],
  work: (n, dtype) => n * n * bytes(dtype),
  shape: (n) => `${n}x${n}`,
  prepare(n, dtype) {
    const T = FLOAT[dtype];
    const a = ck.matrix(T, n, n, { shared: true }), x = ck.shared(T, n), out = ck.shared(T, n);
    fill(a.data, (u) => 2 * u - 1, 1);
    fill(x, (u) => 2 * u - 1, 2);
    return { run: (backend, threads) => ck.matvec(a as ck.Matrix<ck.FloatArray>, x as ck.FloatArray, { backend, threads, out: out as ck.FloatArray }) };
  },
};

// Weighted: the data and float64 weights both read, so GB/s counts both arrays.
const histogramWeighted: Benchmark = {
  name: 'histogramWeighted', kernel: 'histogram', about: `uniform floats in [0, 1), ${BINS} equal bins, float64 weights`,
  unit: 'GB/s', sizeName: 'elements', defaultSizes: [4_000_000], dtypes: FLOATS, defaultDtypes: ['f64'],
  work: (size, dtype) => size * (bytes(dtype) + 8),
  shape: shortCount,
  prepare(size, dtype) {
    const data = ck.shared(FLOAT[dtype], size), weights = ck.shared(Float64Array, size);
    fill(data, (u) => u);
    fill(weights, (u) => u * 2 - 0.5, 2);
    return { run: (backend, threads) => ck.histogram(data, BINS, { backend, threads, range: [0, 1], weights }) };
  },
};

// Many small products in one call (issue 12's target: 100,000 8x8 f64 products).
const SMALL = 8;
const gemmBatch: Benchmark = {
  name: 'gemmBatch',
  kernel: 'gemmBatch',
  about: `C_i = A_i·B_i for a stack of ${SMALL}×${SMALL} products`,
  unit: 'GFLOP/s',
  sizeName: 'products',
  defaultSizes: [1000, 100_000],
  dtypes: FLOATS,
  defaultDtypes: ['f64'],
  work: (batch) => 2 * batch * SMALL ** 3,
  shape: (batch) => `${shortCount(batch)}x${SMALL}x${SMALL}`,
  prepare(batch, dtype) {
    const T = FLOAT[dtype], size = batch * SMALL * SMALL;
    const a = ck.shared(T, size), b = ck.shared(T, size), c = ck.shared(T, size);
    fill(a, (u) => 2 * u - 1, 1);
    fill(b, (u) => 2 * u - 1, 2);
    const args = { batch, m: SMALL, n: SMALL, k: SMALL, a, b, c };
    return { run: (backend, threads) => ck.gemmBatch(args, { backend, threads }) };
  },
};

// numpy's count_nonzero(..., axis=0) on a tall float64 table: 16 columns, as issue 12's target (8e6 x 16).
const WIDE = 16;
const countColumns: Benchmark = {
  name: 'countInRangeByColumn',
  kernel: 'count',
  about: `uniform floats in [0, 1) in rows of ${WIDE}, 0.25 <= x <= 0.75 per column`,
  unit: 'GB/s',
  sizeName: 'elements',
  defaultSizes: [32_000_000],
  dtypes: FLOATS,
  defaultDtypes: ['f64'],
  work: (size, dtype) => Math.max(1, Math.floor(size / WIDE)) * WIDE * bytes(dtype),
  shape: (size) => `${shortCount(Math.max(1, Math.floor(size / WIDE)))}x${WIDE}`,
  prepare(size, dtype) {
    const rows = Math.max(1, Math.floor(size / WIDE));
    const data = ck.shared(FLOAT[dtype], rows * WIDE);
    fill(data, (u) => u);
    const out = ck.shared(Uint32Array, WIDE);
    return { run: (backend, threads) => ck.countInRangeByColumn({ data, rows, cols: WIDE }, 0.25, 0.75, { backend, threads, out }) };
  },
};

/** In the order the tables print. */
export const BENCHMARKS: readonly Benchmark[] = [matmul, countRows, countAll, minMax, countColumns, histogram, histogramWeighted, matvec, gemmBatch];

/** The benchmark behind a result read back from JSON. */
export const benchmarkNamed = (name: string): Benchmark | undefined => BENCHMARKS.find((b) => b.name === name);
