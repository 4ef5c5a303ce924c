// Every JS kernel by name: worker threads receive the name and look the kernel up here.
import type { AnyKernel } from './kernel';
import { gemmKernel } from './gemm';
import { countByColumnKernel, countByRowKernel, countKernel, histogramKernel, minMaxKernel } from './count';

export const kernels: Record<string, AnyKernel> = Object.fromEntries(
  [gemmKernel, countKernel, countByRowKernel, histogramKernel, minMaxKernel, countByColumnKernel].map((k) => [k.name, k]),
);
