// corekernels: CPU-bound numeric kernels on every core, off the event loop.
export { matmul, matmulSync, gemm, gemmSync } from './matmul';
export { gemmBatch, gemmBatchSync } from './matmul';
export {
  countInRange, countInRangeSync, countInRangeByRow, countInRangeByRowSync, histogram, histogramSync,
  histogramEdges, histogramEdgesSync,
} from './count';
export { minMax, minMaxSync } from './minmax';
export { matvec, matvecSync } from './matvec';
export { countInRangeByColumn, countInRangeByColumnSync } from './count-by-column';
export { matrix, fromRows, toRows, shared } from './matrix';
export { configure, threads } from './config';
export { info, close } from './runtime';
export { codes } from './errors';
export type { CoreKernelsError, ErrorCode } from './errors';
export type {
  BackendChoice, BackendName, CallOptions, FloatArray, GemmArgs, GemmBatchArgs, Inclusive, Info, Matrix, NumericArray, RangeOptions,
  RangeSyncOptions, SyncOptions, ThreadsSource, Dtype, StreamOptions, MinMax, HistogramOptions, HalfArray, GemmArray,
  HistogramEdgesOptions, HistogramEstimator,
} from './types';
export type { MatvecOptions, MatvecSyncOptions } from './types';
export type { ValidityOptions, MinMaxOptions } from './types';
export type { Source } from './stream/source';
