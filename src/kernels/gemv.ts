import type { FloatArray } from '../types';
import type { JsKernel } from './kernel';

/** y = A·x, or Aᵀ·x when trans, A dense row-major rows×cols; already validated. */
export interface GemvJob {
  a: FloatArray;
  rows: number;
  cols: number;
  x: FloatArray;
  y: FloatArray;
  trans: boolean;
}

// About this many multiply-adds a tile (~1 ms inline): coarse enough to amortise a worker
// hand-off, fine enough that an abort lands soon.
const TILE_MADDS = 1 << 20;
// Aᵀ·x tiles hold at least this many rows, so their partial sums (a row of y each) take at
// most a sixteenth of A's memory.
const MIN_TRANS_TILE_ROWS = 16;

/** Rows per tile: fixed by the shape, never by the thread count, so results are too. */
export function gemvTileRows(job: Pick<GemvJob, 'cols' | 'trans'>): number {
  const rows = Math.ceil(TILE_MADDS / Math.max(1, job.cols));
  return job.trans ? Math.max(MIN_TRANS_TILE_ROWS, rows) : rows;
}

export const gemvKernel: JsKernel<GemvJob, Float64Array | undefined, void> = {
  name: 'gemv',
  // A·x tiles write their rows of y; Aᵀ·x tiles return partial sums that merge() adds into
  // y on the calling thread, after any copy back. Either way y is never read.
  outputs: ['y'],
  overwrites: () => ['y'],
  tiles: (job) => Math.ceil(job.rows / gemvTileRows(job)),
  run(job, t0, t1) {
    const { a, x, y, cols } = job, per = gemvTileRows(job);
    const r0 = t0 * per, r1 = Math.min(job.rows, t1 * per);
    if (!job.trans) {
      for (let i = r0; i < r1; i++) {
        let s = 0;
        for (let j = 0, o = i * cols; j < cols; j++, o++) s += a[o] * x[j];
        y[i] = s;
      }
      return undefined;
    }
    // Rows in order, each scaled into the tile's own sums: the same arithmetic wherever the
    // tile runs. A zero x[i] still multiplies (0·Infinity is NaN, as in numpy).
    const p = new Float64Array(cols);
    for (let i = r0; i < r1; i++) {
      const xi = x[i];
      for (let j = 0, o = i * cols; j < cols; j++, o++) p[j] += xi * a[o];
    }
    return p;
  },
  merge(job, parts) {
    if (!job.trans) return;
    if (parts.length === 0) {
      job.y.fill(0); // no rows: an empty sum (numpy gives zeros)
      return;
    }
    // In tile order, in float64, rounded once into y.
    const sum = parts[0]!;
    for (let t = 1; t < parts.length; t++) {
      const p = parts[t]!;
      for (let j = 0; j < sum.length; j++) sum[j] += p[j];
    }
    job.y.set(sum);
  },
  // ~1 ns a multiply-add inline: one load of A each, which no register blocking saves.
  work: (job) => job.rows * Math.max(1, job.cols),
};
