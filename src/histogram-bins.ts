// histogram(data, bins: number): numpy's equal-width edges, bit for bit. numpy builds them
// with np.linspace in the bins' dtype (float32 for float32 data, else float64), in float32
// arithmetic when the range came from float32 data and in float64 when it was given (a
// Python float, here a JS number), then casts. numpy's histogram then corrects every
// element's bin against these very edges, so with them the explicit-edges kernel gives
// numpy's counts.
import { codes, describe, rangeError, typeError } from './errors';
import { f16round } from './half';

export interface OuterRange {
  first: number;
  last: number;
  /** The range came from float32 data, so numpy's linspace runs in float32. */
  float32Math: boolean;
  /** The range came from float16 data: numpy's linspace runs in float16 (each operation rounded to it). */
  float16Math?: boolean;
}

const same = (x: number) => x;

/** numpy's `_get_bin_edges` for an integer `bins`: bins + 1 edges. */
export function equalEdges(range: OuterRange, bins: number, float32Data: boolean, float16Data = false): number[] {
  const r = range.float16Math ? f16round : range.float32Math ? Math.fround : same;
  let { first, last } = range;
  if (first === last) {
    first = r(first - 0.5);
    last = r(last + 0.5);
  }
  const delta = r(last - first), step = r(delta / bins);
  const edges = new Array<number>(bins + 1);
  for (let i = 0; i <= bins; i++) edges[i] = r((step === 0 ? r(r(i / bins) * delta) : r(i * step)) + first);
  edges[bins] = last;
  return float16Data ? edges.map(f16round) : float32Data ? edges.map(Math.fround) : edges;
}

/** options.range: two finite numbers, the first not above the second (numpy's checks). */
export function checkRange(fn: string, range: unknown): [number, number] {
  if (!Array.isArray(range) || range.length !== 2 || typeof range[0] !== 'number' || typeof range[1] !== 'number')
    throw typeError(fn, codes.INVALID_ARG_TYPE, `options.range must be [min, max], two numbers (got ${describe(range)})`);
  const [first, last] = range as [number, number];
  if (!Number.isFinite(first) || !Number.isFinite(last))
    throw rangeError(fn, codes.OUT_OF_RANGE, `options.range [${first}, ${last}] is not finite`);
  if (first > last) throw rangeError(fn, codes.OUT_OF_RANGE, `options.range [${first}, ${last}]: max must not be below min`);
  return [first, last];
}

/** A bin count: a positive integer. */
export function checkBinCount(fn: string, bins: number): number {
  if (!Number.isInteger(bins)) throw typeError(fn, codes.INVALID_ARG_TYPE, `bins must be an integer or an array of edges (got ${bins})`);
  if (bins < 1) throw rangeError(fn, codes.OUT_OF_RANGE, `bins must be at least 1 (got ${bins})`);
  return bins;
}
