// The public types of corekernels (see DESIGN.md, "Public API").

import type { HalfArray } from './half';

export type FloatArray = Float32Array | Float64Array;
/**
 * A Float16Array (Node 24+, Bun, Deno), typed structurally since TypeScript's ES2022 lib has
 * none: the counts, histograms and minMax read it; matmul and gemm take it as operands.
 */
export type { HalfArray };
/** What matmul and gemm take: float32, float64, or half operands (computed in float32). */
export type GemmArray = FloatArray | HalfArray;
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
  | BigUint64Array
  | HalfArray;

/** A dense row-major matrix; with `batch`, a stack of that many, one after another (numpy's [batch, rows, cols]). */
export interface Matrix<T extends GemmArray = FloatArray> {
  data: T;
  rows: number;
  cols: number;
  /** Matrices in the stack, >= 1 (default 1). */
  batch?: number;
}

export type BackendChoice = 'auto' | 'native' | 'wasm' | 'workers' | 'js';
export type BackendName = 'native' | 'wasm' | 'workers' | 'js';

export interface CallOptions {
  /** Cancels queued or running work; the call rejects with a DOMException named AbortError. */
  signal?: AbortSignal;
  backend?: BackendChoice;
  /** Cap on threads for this call, 1..threads(). */
  threads?: number;
}
export type SyncOptions = Omit<CallOptions, 'signal'>;

export interface GemmArgs<T extends GemmArray> {
  layout?: 'row-major' | 'col-major';
  transA?: boolean;
  transB?: boolean;
  m: number;
  n: number;
  k: number;
  alpha?: number;
  /** beta = 0 means C is not read (NaN in C does not leak). */
  beta?: number;
  a: T;
  lda?: number;
  b: T;
  ldb?: number;
  /** For half a and b, a Float16Array or a Float32Array. */
  c: T | (T extends HalfArray ? Float32Array : never);
  ldc?: number;
}

/**
 * gemmBatch's arguments (BLAS strided batched gemm): gemm's, for `batch` products. Matrix i
 * of A starts at a[i·strideA] (likewise B and C); stride 0 uses the same matrix for every
 * product (not for C, whose matrices must not overlap). A stride defaults to one stored
 * matrix (its rows, or columns in col-major, times its leading dimension): matrices packed
 * one after another.
 */
export interface GemmBatchArgs<T extends GemmArray> extends GemmArgs<T> {
  batch: number;
  strideA?: number;
  strideB?: number;
  strideC?: number;
}

/**
 * An Arrow validity bitmap over the data's elements: bit i (least significant first) set
 * means element i is present; an absent element never counts, as NaN never does. At least
 * ceil(n / 8) bytes; it indexes the elements of the view passed, 0..n-1.
 */
export interface ValidityOptions {
  valid?: Uint8Array;
}

export interface HistogramOptions extends CallOptions, ValidityOptions {
  /** With a bin count: the [min, max] the bins span (numpy's `range`); by default the data's own, NaN ignored. */
  range?: [number, number];
  /** One weight per element: each bin holds the float64 sum of its elements' weights (numpy's `weights`). */
  weights?: FloatArray;
  /** numpy's `density`: each bin divided by the total and by its width. */
  density?: boolean;
}

/** matvec's options: y = A·x, or Aᵀ·x with transpose; `out` receives y (same element type, not sharing memory with A or x). */
export interface MatvecOptions<T extends GemmArray = FloatArray> extends CallOptions {
  transpose?: boolean;
  /** For half a and x, a Float16Array or a Float32Array. */
  out?: T | (T extends HalfArray ? Float32Array : never);
}
export type MatvecSyncOptions<T extends GemmArray = FloatArray> = Omit<MatvecOptions<T>, 'signal'>;
/** histogramEdges' options: numpy.histogram_bin_edges' `range`. */
export interface HistogramEdgesOptions extends CallOptions, ValidityOptions {
  range?: [number, number];
}

/** numpy's estimators of a histogram's number of bins (histogram_bin_edges' string `bins`). */
export type HistogramEstimator = 'auto' | 'fd' | 'sturges' | 'sqrt' | 'rice' | 'scott' | 'doane' | 'stone';
export interface MinMaxOptions extends CallOptions, ValidityOptions {}

/** minMax's result: the least and greatest element, NaN and NaN when there is none; bigints for BigInt arrays. */
export interface MinMax {
  min: number | bigint;
  max: number | bigint;
}

/** numpy's name of the element type in a byte source (little-endian). */
export type Dtype = 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64' | 'float32' | 'float64';
/** For calls given a source instead of an array. */
export interface StreamOptions {
  /** The source's chunks are raw bytes of this element type (required for a Node Readable). */
  dtype?: Dtype;
}

export type Inclusive = 'both' | 'neither' | 'left' | 'right';
export interface RangeOptions extends CallOptions, ValidityOptions {
  /** Which bounds count, as pandas' Series.between: 'both' (default), 'neither', 'left', 'right'. */
  inclusive?: Inclusive;
}
export type RangeSyncOptions = Omit<RangeOptions, 'signal'>;

/**
 * Where threads() came from: COREKERNELS_THREADS ('env'), configure({ threads }), the
 * container's CPU quota ('cgroup'), or os.availableParallelism() ('cpus').
 */
export type ThreadsSource = 'env' | 'configure' | 'cgroup' | 'cpus';

export interface Info {
  version: string;
  /** What 'auto' uses for large work. */
  backend: BackendName;
  native: {
    loaded: boolean;
    error?: string;
    isa?: string;
    /** The row of the native tuning table this CPU runs (its family, e.g. 'intel-spr', 'amd-zen4'; COREKERNELS_CPU picks one by name). */
    cpu?: string;
    openmp?: boolean;
    build?: 'node-gyp' | 'cmake-js' | 'prebuilt';
  };
  /** The kernels 'auto' runs: the addon, else the WebAssembly engine, else the JS kernels. */
  engine: 'native' | 'wasm' | 'js';
  /** The WebAssembly engine: which SIMD build this runtime runs (absent where WebAssembly is not available). */
  wasm: { loaded: boolean; simd?: 'relaxed' | 'simd128'; error?: string };
  /** The worker threads of the 'workers' backend; off when Node's permission model forbids them. */
  workers: {
    available: boolean;
    error?: string;
  };
  threads: number;
  threadsSource: ThreadsSource;
}
