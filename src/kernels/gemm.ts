import type { GemmArray } from '../types';
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
  a: GemmArray;
  lda: number;
  b: GemmArray;
  ldb: number;
  c: GemmArray;
  ldc: number;
  /** op(B) packed by prepare() into NR-wide column panels: panel q, depth p, column j at ((q·k + p)·NR + j). */
  packedB?: Float64Array;
}

// A 4×2 register block: 8 accumulators plus 6 operands fit the 16 registers V8 allocates
// from on x64 (measured: 4×4 spills and runs slower).
const MR = 4;
const NR = 2;
const KC = 256; // depth of one packed block of A: 4·256 doubles stay in L1

function rowsPerTile(job: GemmJob): number {
  // About 1M multiply-adds a tile: coarse enough to amortise a worker hand-off; a multiple of MR.
  return MR * Math.max(1, Math.min(64, Math.ceil((1 << 20) / Math.max(1, job.n * job.k * MR))));
}

function scaleRows(job: GemmJob, i0: number, i1: number): void {
  const { c, ldc, n, beta } = job;
  for (let i = i0; i < i1; i++) {
    const row = i * ldc;
    if (beta === 0) c.fill(0, row, row + n); // C is not read: NaN in it never leaks
    else if (beta !== 1) for (let j = row; j < row + n; j++) c[j] *= beta;
  }
}

function packB(job: GemmJob): Float64Array {
  const { b, ldb, k, n, transB } = job;
  const panels = Math.ceil(n / NR), out = new Float64Array(panels * k * NR);
  for (let q = 0; q < panels; q++)
    for (let jj = 0; jj < NR; jj++) {
      const j = q * NR + jj;
      if (j >= n) continue; // padding stays zero
      for (let p = 0; p < k; p++) out[(q * k + p) * NR + jj] = transB ? b[j * ldb + p] : b[p * ldb + j];
    }
  return out;
}

/** alpha·op(A) rows [i0, i0+MR) × depth [p0, p0+kc) into ap (row index fastest); missing rows are zero. */
function packA(job: GemmJob, ap: Float64Array, i0: number, p0: number, kc: number): void {
  const { a, lda, alpha, transA, m } = job;
  for (let r = 0; r < MR; r++) {
    const i = i0 + r;
    if (i >= m) {
      for (let p = 0; p < kc; p++) ap[p * MR + r] = 0;
      continue;
    }
    if (transA) for (let p = 0; p < kc; p++) ap[p * MR + r] = alpha * a[(p0 + p) * lda + i];
    else for (let p = 0, base = i * lda + p0; p < kc; p++) ap[p * MR + r] = alpha * a[base + p];
  }
}

const edge = new Float64Array(MR * NR);

/** C[i0.., j0..] += ap · packed panel q over depth [p0, p0+kc). */
function microKernel(job: GemmJob, ap: Float64Array, bp: Float64Array, q: number, p0: number, kc: number, i0: number): void {
  let c00 = 0, c01 = 0, c10 = 0, c11 = 0, c20 = 0, c21 = 0, c30 = 0, c31 = 0;
  for (let p = 0, ao = 0, bo = (q * job.k + p0) * NR; p < kc; p++, ao += MR, bo += NR) {
    const a0 = ap[ao], a1 = ap[ao + 1], a2 = ap[ao + 2], a3 = ap[ao + 3], b0 = bp[bo], b1 = bp[bo + 1];
    c00 += a0 * b0; c10 += a1 * b0; c20 += a2 * b0; c30 += a3 * b0;
    c01 += a0 * b1; c11 += a1 * b1; c21 += a2 * b1; c31 += a3 * b1;
  }
  const { c, ldc, m, n } = job, j0 = q * NR, r0 = i0 * ldc + j0;
  if (i0 + MR <= m && j0 + NR <= n) {
    c[r0] += c00; c[r0 + 1] += c01;
    c[r0 + ldc] += c10; c[r0 + ldc + 1] += c11;
    c[r0 + 2 * ldc] += c20; c[r0 + 2 * ldc + 1] += c21;
    c[r0 + 3 * ldc] += c30; c[r0 + 3 * ldc + 1] += c31;
    return;
  }
  edge[0] = c00; edge[1] = c01; edge[2] = c10; edge[3] = c11; edge[4] = c20; edge[5] = c21; edge[6] = c30; edge[7] = c31;
  for (let r = 0; r < MR && i0 + r < m; r++)
    for (let jj = 0; jj < NR && j0 + jj < n; jj++) c[r0 + r * ldc + jj] += edge[r * NR + jj];
}

export const gemmKernel: JsKernel<GemmJob, void, void> = {
  name: 'gemm',
  outputs: ['c'],
  // beta = 0 never reads C, but only a C with no gaps between rows (ldc = n) and nothing
  // past its last row is written in full.
  overwrites: (job) => (job.beta === 0 && job.ldc === job.n && job.c.length === job.m * job.n ? ['c'] : []),
  prepare(job) {
    if (job.k === 0 || job.n === 0 || job.m === 0 || job.alpha === 0) return job;
    return { ...job, packedB: packB(job) };
  },
  tiles: (job) => (job.n === 0 ? 0 : Math.ceil(job.m / rowsPerTile(job))),
  run(job, t0, t1) {
    const rows = rowsPerTile(job);
    const i0 = t0 * rows, i1 = Math.min(job.m, t1 * rows);
    scaleRows(job, i0, i1);
    const bp = job.packedB;
    if (!bp) return; // k = 0 or alpha = 0: A and B are not read
    const ap = new Float64Array(MR * KC), panels = Math.ceil(job.n / NR);
    for (let p0 = 0; p0 < job.k; p0 += KC) {
      const kc = Math.min(KC, job.k - p0);
      for (let i = i0; i < i1; i += MR) {
        packA(job, ap, i, p0, kc);
        for (let q = 0; q < panels; q++) microKernel(job, ap, bp, q, p0, kc, i);
      }
    }
  },
  merge() {},
  // ~0.5 ns a multiply-add inline (n = 128: 1.1 ms, bench/workers-crossover.mjs).
  work: (job) => 0.5 * job.m * job.n * Math.max(1, job.k),
};
