// corekernels: CPU-bound numeric kernels on every core, off the event loop.
export { matmul, matmulSync, gemm, gemmSync } from './matmul';
export {
  countInRange, countInRangeSync, countInRangeByRow, countInRangeByRowSync, histogram, histogramSync,
} from './count';
export { minMax, minMaxSync } from './minmax';
export { matrix, fromRows, toRows, shared } from './matrix';
export { configure, threads } from './config';
export { info, close } from './runtime';
export { codes } from './errors';
export type { CoreKernelsError, ErrorCode } from './errors';
export type {
  BackendChoice, BackendName, CallOptions, FloatArray, GemmArgs, Inclusive, Info, Matrix, NumericArray, RangeOptions,
  RangeSyncOptions, SyncOptions, ThreadsSource, Dtype, StreamOptions, MinMax, HistogramOptions, HalfArray, GemmArray,
} from './types';
export type { Source } from './stream/source';
