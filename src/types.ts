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

/** A dense row-major matrix. */
export interface Matrix<T extends GemmArray = FloatArray> {
  data: T;
  rows: number;
  cols: number;
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

export interface HistogramOptions extends CallOptions {
  /** With a bin count: the [min, max] the bins span (numpy's `range`); by default the data's own, NaN ignored. */
  range?: [number, number];
}

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
export interface RangeOptions extends CallOptions {
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
