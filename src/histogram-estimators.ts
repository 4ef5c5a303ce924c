// histogramEdges(data, 'auto' | 'fd' | ...): numpy's bin-width estimators
// (numpy/lib/_histograms_impl.py, _hist_bin_*, numpy >= 2.1), each giving a width from
// which numpy takes ceil(range / width) equal bins. Where numpy computes in float32 (a
// float32 scalar meeting Python floats: rice, scott, stone, and the range's width), so do
// these, since a width one float32 rounding apart can change the ceiling.

import { pairwiseSum } from './histogram-density';
import type { HistogramEstimator as Estimator } from './types';

export type { Estimator };
export const ESTIMATORS: readonly Estimator[] = ['auto', 'fd', 'sturges', 'sqrt', 'rice', 'scott', 'doane', 'stone'];

/** The values an estimator sees: the data inside the bins' range (NaN dropped), as doubles. */
export interface Sample {
  x: Float64Array;
  /** Float32 data: numpy's max - min and std are float32. */
  f32: boolean;
  /** Integer data: numpy makes a width below 1 equal 1. */
  integer: boolean;
  /** numpy's _ptp (max - min in the data's type). */
  ptp: number;
  /** Counts of numpy.histogram of the sample in `bins` equal bins over the histogram's range (for 'stone'). */
  counts(bins: number): ArrayLike<number>;
}

/** A width and whether numpy holds it as a float32 scalar. */
interface Width {
  w: number;
  f32: boolean;
}

const wide = (w: number): Width => ({ w, f32: false });
const dataTyped = (s: Sample, w: number): Width => (s.f32 ? { w: Math.fround(w), f32: true } : wide(w));
const inDataType = (s: Sample, c: number) => (s.f32 ? Math.fround(c) : c);

// numpy sums pairwise: so do np.mean and np.std here (in float64; numpy's float32 ones
// accumulate in float32, which the final rounding to float32 only approximates).
const mean = (x: Float64Array): number => pairwiseSum(x) / x.length;

/** np.std (population), in the data's float type. */
function std(s: Sample): number {
  const m = mean(s.x);
  return inDataType(s, Math.sqrt(mean(s.x.map((v) => (v - m) * (v - m)))));
}

/** np.percentile(x, q), numpy's default 'linear' method, on the sorted sample (its _lerp, both branches). */
function percentile(sorted: Float64Array, q: number, f32: boolean): number {
  const n = sorted.length, at = (n - 1) * q, prev = Math.floor(at), next = Math.min(prev + 1, n - 1);
  const a = sorted[prev], b = sorted[next], t = at - prev;
  const diff = f32 ? Math.fround(b - a) : b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

const sqrtWidth = (s: Sample): Width => wide(s.ptp / Math.sqrt(s.x.length));
const sturges = (s: Sample): Width => wide(s.ptp / (Math.log2(s.x.length) + 1));

function fd(s: Sample): Width {
  const sorted = s.x.slice().sort();
  const iqr = percentile(sorted, 0.75, s.f32) - percentile(sorted, 0.25, s.f32);
  return wide(2 * iqr * s.x.length ** (-1 / 3));
}

function doane(s: Sample): Width {
  const n = s.x.length;
  if (n <= 2) return wide(0);
  const sg1 = Math.sqrt((6 * (n - 2)) / ((n + 1) * (n + 3)));
  const sigma = std(s);
  if (!(sigma > 0)) return wide(0);
  const m = mean(s.x);
  const g1 = mean(s.x.map((v) => ((v - m) / sigma) ** 3));
  return wide(s.ptp / (1 + Math.log2(n) + Math.log2(1 + Math.abs(g1) / sg1)));
}

/** Stone's rule: the bin count in 1..max(100, sqrt(n)) minimising the cross-validated ISE estimate (the first minimum). */
function stone(s: Sample): Width {
  const n = s.x.length;
  if (n <= 1 || s.ptp === 0) return wide(0);
  const upperBound = Math.max(100, Math.floor(Math.sqrt(n)));
  let best = 1, bestJ = Infinity;
  for (let bins = 1; bins <= upperBound; bins++) {
    const hh = dataTyped(s, s.ptp / bins).w, c = s.counts(bins);
    let dot = 0;
    for (let i = 0; i < c.length; i++) dot += (c[i] / n) * (c[i] / n);
    const j = (2 - (n + 1) * dot) / hh;
    if (j < bestJ) best = bins, bestJ = j;
  }
  return dataTyped(s, s.ptp / best);
}

const WIDTHS: Record<Estimator, (s: Sample) => Width> = {
  sqrt: sqrtWidth,
  sturges,
  rice: (s) => dataTyped(s, s.ptp / inDataType(s, 2 * s.x.length ** (1 / 3))),
  scott: (s) => dataTyped(s, inDataType(s, ((24 * Math.PI ** 0.5) / s.x.length) ** (1 / 3)) * std(s)),
  fd,
  doane,
  stone,
  // The smaller of a relaxed Freedman-Diaconis (at least half the sqrt width) and Sturges.
  auto: (s) => wide(Math.min(Math.max(fd(s).w, sqrtWidth(s).w / 2), sturges(s).w)),
};

/**
 * numpy's number of equal bins for an estimator: ceil(delta / width), 1 for an empty
 * sample or a zero width. `delta` is the range's width as numpy holds it (float32 when it
 * came from float32 data: deltaF32).
 */
export function estimatedBinCount(name: Estimator, s: Sample, delta: number, deltaF32: boolean): number {
  if (s.x.length === 0) return 1;
  const width = WIDTHS[name](s);
  if (!width.w) return 1;
  if (s.integer && width.w < 1) return Math.ceil(delta);
  return Math.ceil(deltaF32 && width.f32 ? Math.fround(delta / width.w) : delta / width.w);
}
