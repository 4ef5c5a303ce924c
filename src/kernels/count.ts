import type { FloatArray, MinMax, NumericArray } from '../types';
import { guessBin } from '../histogram-guess';
import { present } from './valid-bits';
import type { JsKernel } from './kernel';

/**
 * Bounds are inclusive and already in the element domain (see ../bounds.ts). `valid`: the
 * checked validity bitmap (../valid.ts) when the call was given one.
 */
export interface CountJob {
  data: NumericArray;
  lo: number | bigint;
  hi: number | bigint;
  valid?: Uint8Array;
}
export interface CountByRowJob extends CountJob {
  rows: number;
  cols: number;
  out: Uint32Array;
}
/**
 * Bin b holds lower[b] <= x < lower[b+1]; x is counted when lower[0] <= x <= upper.
 * scale > 0: the uniform-edges guess (../histogram-guess.ts), checked to be off by at most one.
 */
export interface HistogramJob {
  data: NumericArray;
  lower: NumericArray;
  upper: number | bigint;
  out: Float64Array;
  first: number;
  scale: number;
  valid?: Uint8Array;
}

const ELEMENTS_PER_TILE = 1 << 16;
// Inline cost per element, measured (bench/workers-crossover.mjs): ~7 ns on random data,
// where the range test's branch mispredicts, ~3 ns on predictable data.
const NS_PER_ELEMENT = 5;

// Loose element types: one loop serves number and bigint arrays alike.
type Elems = ArrayLike<number | bigint>;

function countSpan(d: Elems, i0: number, i1: number, lo: number | bigint, hi: number | bigint): number {
  let c = 0;
  for (let i = i0; i < i1; i++) {
    const x = d[i];
    if (x >= lo && x <= hi) c++;
  }
  return c;
}

/** countSpan over the present elements; a loop of its own, so the one without a bitmap stays as it was. */
function countSpanValid(d: Elems, i0: number, i1: number, lo: number | bigint, hi: number | bigint, valid: Uint8Array): number {
  let c = 0;
  for (let i = i0; i < i1; i++) {
    const x = d[i];
    if (x >= lo && x <= hi && present(valid, i)) c++;
  }
  return c;
}

const countOf = (job: CountJob, i0: number, i1: number) =>
  job.valid === undefined ? countSpan(job.data as Elems, i0, i1, job.lo, job.hi)
    : countSpanValid(job.data as Elems, i0, i1, job.lo, job.hi, job.valid);

const chunks = (n: number) => Math.ceil(n / ELEMENTS_PER_TILE);

export const countKernel: JsKernel<CountJob, number, number> = {
  name: 'count',
  outputs: [],
  tiles: (job) => chunks(job.data.length),
  run: (job, t0, t1) => countOf(job, t0 * ELEMENTS_PER_TILE, Math.min(job.data.length, t1 * ELEMENTS_PER_TILE)),
  merge: (_job, parts) => parts.reduce((s, p) => s + p, 0),
  work: (job) => NS_PER_ELEMENT * job.data.length,
};

const rowsPerTile = (job: CountByRowJob) => Math.max(1, Math.floor(ELEMENTS_PER_TILE / Math.max(1, job.cols)));

export const countByRowKernel: JsKernel<CountByRowJob, void, void> = {
  name: 'countByRow',
  outputs: ['out'],
  overwrites: () => ['out'],
  tiles: (job) => Math.ceil(job.rows / rowsPerTile(job)),
  run(job, t0, t1) {
    const per = rowsPerTile(job);
    const { cols, out } = job;
    for (let r = t0 * per, end = Math.min(job.rows, t1 * per); r < end; r++) out[r] = countOf(job, r * cols, r * cols + cols);
  },
  merge() {},
  work: (job) => NS_PER_ELEMENT * job.rows * job.cols,
};

/** Per column: out has cols entries. */
export type CountByColumnJob = CountByRowJob;

/**
 * Tiles are blocks of whole rows; each returns its column counts, and merge adds them up in
 * tile order on the calling thread.
 */
export const countByColumnKernel: JsKernel<CountByColumnJob, Float64Array, void> = {
  name: 'countByColumn',
  outputs: [], // merge() fills out on the calling thread
  tiles: (job) => Math.ceil(job.rows / rowsPerTile(job)),
  run(job, t0, t1) {
    const per = rowsPerTile(job);
    const { cols, lo, hi, valid } = job, d = job.data as Elems;
    const counts = new Float64Array(cols);
    for (let r = t0 * per, end = Math.min(job.rows, t1 * per); r < end; r++) {
      for (let c = 0, i = r * cols; c < cols; c++, i++) {
        const x = d[i];
        if (x >= lo && x <= hi && (valid === undefined || present(valid, i))) counts[c]++;
      }
    }
    return counts;
  },
  merge(job, parts) {
    job.out.fill(0);
    for (const part of parts) for (let c = 0; c < part.length; c++) job.out[c] += part[c];
  },
  work: (job) => NS_PER_ELEMENT * job.rows * job.cols,
};

/** The bin of x: the number of lower thresholds <= x, minus one (binary search). */
function binOf(lower: Elems, x: number | bigint): number {
  let lo = 0, hi = lower.length; // invariant: lower[lo-1] <= x < lower[hi]
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (lower[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** The bin of each x for a histogram job: a function of x giving its bin, or -1 outside the bins. */
function binFinder(job: HistogramJob): (x: number | bigint) => number {
  const lower = job.lower as Elems, first = lower[0], upper = job.upper;
  if (job.scale > 0) {
    const g = { first: job.first, scale: job.scale }, lastBin = lower.length - 1, l = lower as ArrayLike<number>;
    return (x) => {
      if (!((x as number) >= (first as number) && (x as number) <= (upper as number))) return -1;
      const b = guessBin(g, lastBin, x as number);
      if ((x as number) < l[b]) return b - 1; // one step either way (never both)
      return b < lastBin && (x as number) >= l[b + 1] ? b + 1 : b;
    };
  }
  return (x) => (x >= first && x <= upper ? binOf(lower, x) : -1);
}

export const histogramKernel: JsKernel<HistogramJob, Float64Array, void> = {
  name: 'histogram',
  outputs: [], // merge() fills out on the calling thread
  tiles: (job) => chunks(job.data.length),
  run(job, t0, t1) {
    const counts = new Float64Array(job.lower.length);
    const d = job.data as Elems, bin = binFinder(job), valid = job.valid;
    for (let i = t0 * ELEMENTS_PER_TILE, end = Math.min(d.length, t1 * ELEMENTS_PER_TILE); i < end; i++) {
      const b = bin(d[i]);
      if (b >= 0 && (valid === undefined || present(valid, i))) counts[b]++;
    }
    return counts;
  },
  merge(job, parts) {
    job.out.fill(0);
    for (const part of parts) for (let b = 0; b < part.length; b++) job.out[b] += part[b];
  },
  // The range test, then a binary search (or the uniform guess) per element.
  work: (job) => job.data.length * (NS_PER_ELEMENT + Math.max(1, Math.log2(job.lower.length))),
};

/**
 * A histogram whose bins sum weights: elements go in tiles of `tile` elements (weightedTile,
 * fixed by the job), each tile sums its weights in element order from zero, and merge adds
 * the tiles' sums in tile order. The native and wasm engines do the same arithmetic
 * (count.h, histogram_weighted), so every engine and thread count gives the same bits.
 */
export interface WeightedHistogramJob extends HistogramJob {
  weights: FloatArray;
  tile: number;
}

/**
 * numpy's block (65,536 elements, whose per-bin sums numpy's uniform-bins path adds up in
 * the same order), larger for many bins so that the tiles' sums stay under 1/8 of the weights.
 */
export const weightedTile = (nbins: number): number => ELEMENTS_PER_TILE * Math.ceil(nbins / 1024);

export const weightedHistogramKernel: JsKernel<WeightedHistogramJob, Float64Array, void> = {
  name: 'weightedHistogram',
  outputs: [],
  tiles: (job) => Math.ceil(job.data.length / job.tile),
  run(job, t0, t1) {
    const nbins = job.lower.length, sums = new Float64Array((t1 - t0) * nbins);
    const d = job.data as Elems, w = job.weights, bin = binFinder(job);
    for (let t = t0; t < t1; t++) {
      const row = (t - t0) * nbins;
      for (let i = t * job.tile, end = Math.min(d.length, i + job.tile); i < end; i++) {
        const b = bin(d[i]);
        if (b >= 0) sums[row + b] += w[i];
      }
    }
    return sums;
  },
  merge(job, parts) {
    const out = job.out, nbins = out.length;
    out.fill(0);
    for (const part of parts) for (let r = 0; r < part.length; r += nbins) for (let b = 0; b < nbins; b++) out[b] += part[r + b];
  },
  work: (job) => histogramKernel.work(job) + job.data.length,
};

export interface MinMaxJob {
  data: NumericArray;
  valid?: Uint8Array;
}
/** A tile's least and greatest non-NaN element; lo > hi (the identities) when it has none. */
export type MinMaxPart = [lo: number | bigint, hi: number | bigint];

/** The public result of a fold: NaN and NaN when nothing was seen; a zero is +0 whichever
 * zeros the data held, so it never depends on which tile saw which first (see count.h). */
export function minMaxResult([lo, hi]: MinMaxPart): MinMax {
  if (lo > hi) return { min: NaN, max: NaN };
  return typeof lo === 'bigint' ? { min: lo, max: hi } : { min: (lo as number) + 0, max: (hi as number) + 0 };
}

export const minMaxKernel: JsKernel<MinMaxJob, MinMaxPart, MinMax> = {
  name: 'minMax',
  outputs: [],
  tiles: (job) => chunks(job.data.length),
  run(job, t0, t1) {
    const d = job.data as Elems, i0 = t0 * ELEMENTS_PER_TILE, end = Math.min(d.length, t1 * ELEMENTS_PER_TILE), valid = job.valid;
    if (valid !== undefined) {
      // The infinities compare with bigints too: a tile with no present element stays at lo > hi.
      let lo: number | bigint = Infinity, hi: number | bigint = -Infinity;
      for (let i = i0; i < end; i++) {
        if (!present(valid, i)) continue;
        const x = d[i];
        if (x < lo) lo = x;
        if (x > hi) hi = x;
      }
      return [lo, hi];
    }
    // Bigint arrays hold no NaN and no infinities: their own first element starts the fold.
    let lo = typeof d[i0] === 'bigint' ? d[i0] : Infinity, hi = typeof d[i0] === 'bigint' ? d[i0] : -Infinity;
    for (let i = i0; i < end; i++) {
      const x = d[i]; // x < lo and x > hi are false for NaN: it never enters
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    return [lo, hi];
  },
  merge(_job, parts) {
    let [lo, hi] = parts[0];
    for (const [l, h] of parts) {
      if (l < lo) lo = l;
      if (h > hi) hi = h;
    }
    return minMaxResult([lo, hi]);
  },
  work: (job) => 2 * job.data.length,
};
