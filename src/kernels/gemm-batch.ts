// A stack of GEMMs in JS: a tile is a run of whole products, each run by the gemm kernel on
// views of its own matrices, so a tile never depends on another and every product computes
// exactly as a single gemm call would.
import { gemmKernel, type GemmJob } from './gemm';
import type { JsKernel } from './kernel';

/** C_i = alpha·op(A_i)·op(B_i) + beta·C_i for i < batch, matrix i of X at x[i·strideX]; row-major, validated. */
export interface GemmBatchJob extends GemmJob {
  batch: number;
  strideA: number;
  strideB: number;
  strideC: number;
}

// About 1M multiply-adds a tile, as the gemm kernel's row tiles.
function productsPerTile(job: GemmBatchJob): number {
  return Math.max(1, Math.floor((1 << 20) / Math.max(1, job.m * job.n * job.k)));
}

/** Product i as a plain gemm job: views starting at its matrices. */
function product(job: GemmBatchJob, i: number): GemmJob {
  const { m, n, k, transA, transB, alpha, beta, lda, ldb, ldc } = job;
  return {
    m, n, k, transA, transB, alpha, beta, lda, ldb, ldc,
    a: job.a.subarray(i * job.strideA), b: job.b.subarray(i * job.strideB), c: job.c.subarray(i * job.strideC),
  };
}

export const gemmBatchKernel: JsKernel<GemmBatchJob, void, void> = {
  name: 'gemmBatch',
  outputs: ['c'],
  // As gemm's: only a C with no gaps between rows or matrices and nothing past the last is written in full.
  overwrites: (job) =>
    job.beta === 0 && job.ldc === job.n && job.strideC === job.m * job.n && job.c.length === job.batch * job.m * job.n ? ['c'] : [],
  tiles: (job) => (job.m === 0 || job.n === 0 ? 0 : Math.ceil(job.batch / productsPerTile(job))),
  run(job, t0, t1) {
    const per = productsPerTile(job);
    for (let i = t0 * per, end = Math.min(job.batch, t1 * per); i < end; i++) {
      const g = gemmKernel.prepare!(product(job, i));
      gemmKernel.run(g, 0, gemmKernel.tiles(g));
    }
  },
  merge() {},
  work: (job) => 0.5 * job.batch * job.m * job.n * Math.max(1, job.k),
};
