import type { FloatArray } from '../types';
import type { JsKernel } from './kernel';

/** C = alpha·op(A)·op(B) + beta·C, row-major, already validated. */
export interface GemmJob {
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  alpha: number;
  beta: number;
  a: FloatArray;
  lda: number;
  b: FloatArray;
  ldb: number;
  c: FloatArray;
  ldc: number;
}

const DEPTH_BLOCK = 256;

function rowsPerTile(job: GemmJob): number {
  // Aim for ~1M multiply-adds a tile: coarse enough to amortise a worker hand-off.
  return Math.max(4, Math.min(256, Math.ceil((1 << 20) / Math.max(1, job.n * job.k)) * 4));
}

function scaleRows(job: GemmJob, i0: number, i1: number): void {
  const { c, ldc, n, beta } = job;
  for (let i = i0; i < i1; i++) {
    const row = i * ldc;
    if (beta === 0) c.fill(0, row, row + n);
    else if (beta !== 1) for (let j = row; j < row + n; j++) c[j] *= beta;
  }
}

/** alpha·op(A)[i][p], read in place whatever the transpose. */
function aAt(job: GemmJob, i: number, p: number): number {
  return job.alpha * (job.transA ? job.a[p * job.lda + i] : job.a[i * job.lda + p]);
}

// Four rows of C per pass, so each loaded row of B feeds four multiply-adds.
function rowBlock(job: GemmJob, i0: number, i1: number, p0: number, p1: number): void {
  const { c, ldc, n, b, ldb } = job;
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const r0 = i * ldc, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
    for (let p = p0; p < p1; p++) {
      const x0 = aAt(job, i, p), x1 = aAt(job, i + 1, p), x2 = aAt(job, i + 2, p), x3 = aAt(job, i + 3, p);
      const bp = p * ldb;
      for (let j = 0; j < n; j++) {
        const bv = b[bp + j];
        c[r0 + j] += x0 * bv;
        c[r1 + j] += x1 * bv;
        c[r2 + j] += x2 * bv;
        c[r3 + j] += x3 * bv;
      }
    }
  }
  for (; i < i1; i++) {
    const r = i * ldc;
    for (let p = p0; p < p1; p++) {
      const x = aAt(job, i, p), bp = p * ldb;
      for (let j = 0; j < n; j++) c[r + j] += x * b[bp + j];
    }
  }
}

export const gemmKernel: JsKernel<GemmJob, void, void> = {
  name: 'gemm',
  outputs: ['c'],
  prepare(job) {
    if (!job.transB || job.k === 0 || job.n === 0 || job.alpha === 0) return job;
    // A dense k×n copy of op(B), so the inner loop runs along contiguous memory.
    const { b, ldb, k, n } = job;
    const dense = new (b.constructor as { new (len: number): FloatArray })(k * n);
    for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) dense[p * n + j] = b[j * ldb + p];
    return { ...job, b: dense, ldb: n, transB: false };
  },
  tiles: (job) => (job.n === 0 ? 0 : Math.ceil(job.m / rowsPerTile(job))),
  run(job, t0, t1) {
    const rows = rowsPerTile(job);
    const i0 = t0 * rows, i1 = Math.min(job.m, t1 * rows);
    scaleRows(job, i0, i1);
    if (job.k === 0 || job.alpha === 0) return; // A and B are not read
    for (let p0 = 0; p0 < job.k; p0 += DEPTH_BLOCK) rowBlock(job, i0, i1, p0, Math.min(job.k, p0 + DEPTH_BLOCK));
  },
  merge() {},
  work: (job) => job.m * job.n * Math.max(1, job.k),
};
