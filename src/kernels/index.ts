// Every JS kernel by name: worker threads receive the name and look the kernel up here.
import type { AnyKernel } from './kernel';
import { gemmKernel } from './gemm';
import { gemmBatchKernel } from './gemm-batch';
import { gemvKernel } from './gemv';
import { countByColumnKernel, countByRowKernel, countKernel, histogramKernel, minMaxKernel, weightedHistogramKernel } from './count';

export const kernels: Record<string, AnyKernel> = Object.fromEntries(
  [gemmKernel, gemmBatchKernel, countKernel, countByRowKernel, histogramKernel, minMaxKernel, countByColumnKernel, weightedHistogramKernel,
    gemvKernel].map((k) => [k.name, k]),
);
