// countInRange, countInRangeByRow, histogram: validation, bounds conversion, dispatch.
import type { Addon } from './backends/native';
import { elementKind, inclusiveRange, lowerBound, upperBound, type ElementKind } from './bounds';
import { checkAborted, runAsync, runSync, type Call } from './dispatch';
import { codes, describe, rangeError, typeError } from './errors';
import { uniformGuess, type BinGuess } from './histogram-guess';
import {
  countByColumnKernel, countByRowKernel, countKernel, histogramKernel, weightedHistogramKernel, weightedTile,
  type CountByRowJob, type CountJob, type HistogramJob, type WeightedHistogramJob,
} from './kernels/count';
import { gatherPresent, noValidForSource, validBitmap } from './valid';
import type { FloatArray, HistogramEdgesOptions, HistogramOptions, Inclusive, MinMax, NumericArray, RangeOptions, RangeSyncOptions, SyncOptions, CallOptions, StreamOptions } from './types';
import * as v from './validate';
import { checkBinCount, checkRange, equalEdges, type OuterRange } from './histogram-bins';
import { minMax, minMaxSync } from './minmax';
import { toDensity } from './histogram-density';
import { ESTIMATORS, estimatedBinCount, type Estimator, type Sample } from './histogram-estimators';
import { reduceSource, reduceSourceSync, type Reduction } from './stream/reduce';
import { isSource, type Ctor, type Source } from './stream/source';
import { forAddon, isHalf } from './half';

const INCLUSIVE = ['both', 'neither', 'left', 'right'] as const;

function bound(fn: string, name: string, x: unknown, kind: ElementKind): number | bigint {
  if (typeof x === 'bigint') {
    if (!kind.bigint) throw typeError(fn, codes.INVALID_ARG_TYPE, `${name} is a bigint but the data is not a BigInt64Array or BigUint64Array`);
    return x;
  }
  if (typeof x !== 'number') throw typeError(fn, codes.INVALID_ARG_TYPE, `${name} must be a number or bigint (got ${describe(x)})`);
  if (Number.isNaN(x)) throw rangeError(fn, codes.NAN_BOUND, `${name} is NaN`);
  return x;
}

/** The inclusive element-domain range for (lo, hi, inclusive), or undefined when it is empty. */
function range(fn: string, data: NumericArray, lo: unknown, hi: unknown, opts: RangeOptions | undefined) {
  const kind = elementKind(data);
  const l = bound(fn, 'lo', lo, kind), h = bound(fn, 'hi', hi, kind);
  const inclusive = v.oneOf<Inclusive>(fn, 'options.inclusive', opts?.inclusive, INCLUSIVE, 'both');
  return inclusiveRange(kind, l, h, inclusive);
}

// The addon's single-thread rates, for dispatch.ts to run tiny async calls inline: counts
// stream at ~13 GB/s on one core; a 64-bin histogram takes ~1.1 ns an element, arbitrary
// edges up to ~4.
const NATIVE_NS_PER_BYTE = 0.08;
const NATIVE_HISTOGRAM_NS_PER_ELEMENT = 3;

function countCall(fn: string, job: CountJob): Call<CountJob, number, number> {
  return {
    fn, kernel: countKernel, job,
    native: (addon: Addon, async, id, threads) => addon.count(async, id, threads, forAddon(job.data), job.lo, job.hi, job.valid, isHalf(job.data)),
    nativeResult: (value) => value as number,
    nativeNs: NATIVE_NS_PER_BYTE * job.data.byteLength,
  };
}

function prepareCount(fn: string, data: unknown, lo: unknown, hi: unknown, opts: RangeOptions | undefined) {
  const o = v.callOptions(fn, opts);
  const d = v.numericArray(fn, 'data', data);
  const valid = validBitmap(fn, opts, d.length);
  const r = range(fn, d, lo, hi, opts);
  return { o, call: r && countCall(fn, { data: d, lo: r.lo, hi: r.hi, valid }) };
}

/** The element type of a source that yielded nothing: the dtype's, else one the bounds fit. */
const emptyOf = (ctor: Ctor | undefined, bigint: boolean): NumericArray => new (ctor ?? (bigint ? BigInt64Array : Float64Array))(0);

function countReduction(fn: string, lo: number | bigint, hi: number | bigint, opts: RangeOptions | undefined): Reduction<number> {
  return {
    fn,
    run: (block, signal) => countInRange(block, lo, hi, { ...opts, signal }),
    runSync: (block) => countInRangeSync(block, lo, hi, opts),
    merge: (a, b) => a + b,
    empty: (ctor) => emptyOf(ctor, typeof lo === 'bigint'),
  };
}

/**
 * How many elements x satisfy lo <= x <= hi (per `inclusive`); NaN never counts. `data` is
 * an array or a source (see stream/source.ts): the count of all it yields.
 */
export async function countInRange(data: NumericArray | Source, lo: number | bigint, hi: number | bigint,
  opts?: RangeOptions & StreamOptions): Promise<number> {
  if (isSource(data)) {
    noValidForSource('countInRange', opts);
    return reduceSource(countReduction('countInRange', lo, hi, opts), data, opts);
  }
  const { o, call } = prepareCount('countInRange', data, lo, hi, opts);
  if (call) return runAsync(call, o);
  checkAborted('countInRange', o);
  return 0;
}

export function countInRangeSync(data: NumericArray | Iterable<ArrayBufferView>, lo: number | bigint, hi: number | bigint,
  opts?: RangeSyncOptions & StreamOptions): number {
  if (isSource(data)) {
    noValidForSource('countInRangeSync', opts);
    return reduceSourceSync(countReduction('countInRangeSync', lo, hi, opts), data, opts);
  }
  const { o, call } = prepareCount('countInRangeSync', data, lo, hi, opts);
  return call ? runSync(call, o) : 0;
}

type RowsArg = { data: NumericArray; rows: number; cols: number };
type Axis = 'row' | 'column';

/** Per-row or per-column counts: validation, the result array, and the call (none when nothing can count). */
export function prepareByAxis(fn: string, axis: Axis, m: unknown, lo: unknown, hi: unknown, opts: (RangeOptions & { out?: Uint32Array }) | undefined) {
  const o = v.callOptions(fn, opts);
  const { rows, cols } = v.shape(fn, 'm', m);
  const data = v.numericArray(fn, 'm.data', (m as RowsArg).data);
  v.needLength(fn, 'm.data', data, rows * cols, () => `a ${rows}x${cols} matrix`);
  const length = axis === 'row' ? rows : cols;
  // A column's count is at most rows, a row's at most cols: both must fit the Uint32Array.
  const counted = axis === 'row' ? cols : rows;
  if (counted > 0xffffffff)
    throw rangeError(fn, codes.OUT_OF_RANGE, `m has ${counted} ${axis === 'row' ? 'columns' : 'rows'}: a ${axis}'s count would not fit a Uint32Array`);
  const valid = validBitmap(fn, opts, rows * cols);
  let out: Uint32Array;
  // Not zeroed: every path that returns it runs a kernel, which writes every entry, or fills
  // it (a memset saved is ~30 us for the 200000-row tutorial workload).
  if (opts?.out === undefined) out = v.allocate(fn, () => `the per-${axis} result`, Uint32Array, length, false);
  else {
    if (v.typedArrayKind(opts.out) !== 'Uint32Array')
      throw v.wrongType(fn, 'options.out', opts.out, `${fn} takes a Uint32Array as options.out`, 'a Uint32Array');
    out = v.numericArray(fn, 'options.out', opts.out) as Uint32Array;
    if (out.length !== length) throw rangeError(fn, codes.OUT_SIZE, `options.out has ${out.length} elements but there are ${length} ${axis}s`);
    v.noOverlap(fn, 'options.out', out, [['m.data', data], ...(valid ? [['options.valid', valid] as [string, NumericArray]] : [])]);
  }
  const r = range(fn, data, lo, hi, opts);
  const job: CountByRowJob = { data, rows, cols, lo: r?.lo ?? 0, hi: r?.hi ?? 0, out, valid };
  const call: Call<CountByRowJob, unknown, void> = {
    fn, kernel: axis === 'row' ? countByRowKernel : countByColumnKernel, job,
    native: (addon: Addon, async, id, threads) =>
      (axis === 'row' ? addon.countByRow : addon.countByColumn).call(addon, async, id, threads, forAddon(data), rows, cols, job.lo, job.hi,
        out, valid, isHalf(data)),
    nativeResult: () => undefined,
    nativeNs: NATIVE_NS_PER_BYTE * rows * cols * data.BYTES_PER_ELEMENT, // data may be longer than the matrix
  };
  return { o, out, call: r && rows > 0 && cols > 0 ? call : undefined };
}

/** Per row of a row-major matrix, how many elements are in range. */
export async function countInRangeByRow(m: RowsArg, lo: number | bigint, hi: number | bigint,
  opts?: RangeOptions & { out?: Uint32Array }): Promise<Uint32Array> {
  const { o, out, call } = prepareByAxis('countInRangeByRow', 'row', m, lo, hi, opts);
  if (call) await runAsync(call, o);
  else checkAborted('countInRangeByRow', o), out.fill(0);
  return out;
}

export function countInRangeByRowSync(m: RowsArg, lo: number | bigint, hi: number | bigint,
  opts?: RangeSyncOptions & { out?: Uint32Array }): Uint32Array {
  const { o, out, call } = prepareByAxis('countInRangeByRowSync', 'row', m, lo, hi, opts);
  if (call) runSync(call, o);
  else out.fill(0);
  return out;
}

function checkEdges(fn: string, edges: unknown): number[] {
  const src = Array.isArray(edges) ? (edges as unknown[])
    : v.numericArray(fn, 'edges', edges, `${fn} takes edges as an array of numbers or one of ${v.NUMERIC_TYPES}`, 'an array of numbers');
  if (src.length < 2) throw rangeError(fn, codes.INVALID_EDGES, `edges needs at least 2 values (got ${src.length})`);
  // Element by element, so that a hole or a bad value is refused before a huge array is copied.
  const e: number[] = [];
  for (let i = 0; i < src.length; i++) {
    const x = src[i];
    if (typeof x !== 'number') throw typeError(fn, codes.INVALID_ARG_TYPE, `edges[${i}] must be a number (got ${describe(x)})`);
    if (Number.isNaN(x)) throw rangeError(fn, codes.NAN_BOUND, `edges[${i}] is NaN`);
    if (i > 0 && !(x > e[i - 1]))
      throw rangeError(fn, codes.INVALID_EDGES, `edges must be strictly increasing (edges[${i - 1}] = ${e[i - 1]}, edges[${i}] = ${x})`);
    e.push(x);
  }
  return e;
}

/**
 * The bins in the element domain: lower thresholds of the bins that can hold a value
 * (later ones are empty) and the inclusive upper bound of the last bin.
 */
function thresholds(data: NumericArray, edges: number[]): { lower: NumericArray; upper: number | bigint; guess?: BinGuess } | undefined {
  const kind = elementKind(data);
  const upper = upperBound(kind, edges[edges.length - 1], false);
  if (upper === undefined) return undefined;
  const lower: (number | bigint)[] = [];
  for (let i = 0; i < edges.length - 1; i++) {
    const t = lowerBound(kind, edges[i], false);
    if (t === undefined || t > upper) break;
    lower.push(t);
  }
  if (lower.length === 0) return undefined;
  const guess = uniformGuess(kind, edges, lower as number[], upper as number);
  return { lower: v.ctorOf(data).from(lower), upper, guess };
}

function prepareHistogram(fn: string, data: unknown, edgesFor: (d: NumericArray) => ArrayLike<number>, opts: HistogramOptions | undefined,
  weights?: FloatArray) {
  const o = v.callOptions(fn, opts);
  const d = v.numericArray(fn, 'data', data);
  const valid = validBitmap(fn, opts, d.length);
  const e = checkEdges(fn, edgesFor(d));
  const out = v.allocate(fn, () => 'the histogram', Float64Array, e.length - 1);
  // The weighted kernels have no half path: halves widened to float32 (exact) bin alike.
  const counted = weights && isHalf(d) ? Float32Array.from(d as ArrayLike<number>) : d;
  const bins = thresholds(counted, e);
  if (!bins) return { o, out, edges: e };
  const job: HistogramJob = {
    data: counted, lower: bins.lower, upper: bins.upper, out: out.subarray(0, bins.lower.length),
    first: bins.guess?.first ?? 0, scale: bins.guess?.scale ?? 0, valid,
  };
  if (weights) {
    // Run as any histogram call: its job is a histogram job with the weights added.
    const call = weightedCall(fn, { ...job, weights, tile: weightedTile(job.lower.length) }) as unknown as Call<HistogramJob, Float64Array, void>;
    return { o, out, edges: e, call };
  }
  const call: Call<HistogramJob, Float64Array, void> = {
    fn, kernel: histogramKernel, job,
    native: (addon: Addon, async, id, threads) => addon.histogram(async, id, threads, forAddon(d), forAddon(job.lower), job.upper, job.out,
      job.first, job.scale, valid, isHalf(d)),
    nativeResult: () => undefined,
    nativeNs: NATIVE_HISTOGRAM_NS_PER_ELEMENT * d.length,
  };
  return { o, out, edges: e, call };
}

function weightedCall(fn: string, job: WeightedHistogramJob): Call<WeightedHistogramJob, Float64Array, void> {
  return {
    fn, kernel: weightedHistogramKernel, job,
    native: (addon: Addon, async, id, threads) => addon.histogramWeighted(async, id, threads, job.data, job.lower, job.upper, job.out,
      job.first, job.scale, job.weights, job.tile),
    nativeResult: () => undefined,
    nativeNs: (NATIVE_HISTOGRAM_NS_PER_ELEMENT + 1) * job.data.length,
  };
}

/** options.weights: a Float32Array or Float64Array with one weight per element. */
function weightsOf(fn: string, weights: unknown, data: NumericArray): FloatArray | undefined {
  if (weights === undefined) return undefined;
  const w = v.floatArray(fn, 'options.weights', weights);
  if (w.length !== data.length)
    throw rangeError(fn, codes.SHAPE_MISMATCH, `options.weights has ${w.length} elements but data has ${data.length} (one weight per element)`);
  return w;
}

function histogramReduction(fn: string, edgesFor: (block: NumericArray) => ArrayLike<number>, opts: CallOptions | undefined): Reduction<Float64Array> {
  return {
    fn,
    run: (block, signal) => histogram(block, edgesFor(block), { ...opts, signal }),
    runSync: (block) => histogramSync(block, edgesFor(block), opts),
    merge: (a, b) => {
      for (let i = 0; i < a.length; i++) a[i] += b[i];
      return a;
    },
    empty: (ctor) => emptyOf(ctor, false),
  };
}

const isFloat32 = (data: NumericArray) => v.typedArrayKind(data) === 'Float32Array';
const isFloat16 = (data: NumericArray) => v.typedArrayKind(data) === 'Float16Array';

/** numpy's outer range when it comes from the data: its min and max, NaN ignored; [0, 1] when there is no value. */
function dataRange(fn: string, data: NumericArray, mm: MinMax): OuterRange {
  if (Number.isNaN(mm.min)) return { first: 0, last: 1, float32Math: false };
  const first = Number(mm.min), last = Number(mm.max);
  if (!Number.isFinite(first) || !Number.isFinite(last))
    throw rangeError(fn, codes.OUT_OF_RANGE, `the data's range [${first}, ${last}] is not finite: give options.range`);
  return { first, last, float32Math: isFloat32(data), float16Math: isFloat16(data) };
}

const givenRange = ([first, last]: [number, number]): OuterRange => ({ first, last, float32Math: false });

/**
 * numpy's edges for an estimator: the outer range (options.range, else the data's min and
 * max, which must be finite: NaN refused as numpy refuses it), the data inside it, the
 * estimator's bin count, and equal bins over the range. `counts` histograms the data over
 * given edges (stone's rule tries up to 100 bin counts) with the library's engines.
 */
function estimatedEdges(fn: string, data: NumericArray, name: Estimator, range: [number, number] | undefined, mm: MinMax | undefined,
  counts: (edges: number[]) => ArrayLike<number>): number[] {
  const f32 = isFloat32(data);
  let outer: OuterRange;
  if (range) outer = givenRange(range);
  else if (data.length === 0) outer = { first: 0, last: 1, float32Math: false };
  else {
    const hasNaN = (f32 || v.typedArrayKind(data) === 'Float64Array') && (data as Float64Array).some(Number.isNaN);
    const first = hasNaN ? NaN : Number(mm!.min), last = hasNaN ? NaN : Number(mm!.max);
    if (!Number.isFinite(first) || !Number.isFinite(last))
      throw rangeError(fn, codes.OUT_OF_RANGE, `autodetected range of [${first}, ${last}] is not finite: give options.range (as numpy refuses it)`);
    outer = { first, last, float32Math: f32 };
  }
  const x = Float64Array.from(data as ArrayLike<number>, Number).filter((e) => e >= outer.first && e <= outer.last);
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < x.length; i++) lo = Math.min(lo, x[i]), hi = Math.max(hi, x[i]);
  const sample: Sample = {
    x, f32, integer: !f32 && !(v.typedArrayKind(data) === 'Float64Array'),
    ptp: f32 ? Math.fround(hi - lo) : hi - lo,
    counts: (bins) => counts(equalEdges(outer, bins, f32)),
  };
  // numpy's last_edge - first_edge: float32 when both came from float32 data.
  const deltaF32 = f32 && !range;
  const delta = deltaF32 ? Math.fround(outer.last - outer.first) : outer.last - outer.first;
  return equalEdges(outer, estimatedBinCount(name, sample, delta, deltaF32), f32);
}

interface BinsPlan {
  /** The edges need the data's min and max first (minMax, NaN ignored). */
  dataRange: boolean;
  edgesFor: (data: NumericArray, mm?: MinMax) => ArrayLike<number>;
  /** numpy holds these edges as float32 (their widths, for density, are float32 differences). */
  float32Edges: (data: NumericArray) => boolean;
}

/**
 * What `bins` asks for, checked before any work: explicit edges, a count over a range
 * (options.range, else the data's own min and max, which the caller finds first: `dataRange`),
 * or an estimator's count (numpy's names) over that range.
 */
function binsOf(fn: string, bins: unknown, opts: HistogramOptions | undefined, source: boolean): BinsPlan {
  if (typeof bins === 'string') {
    const name = v.oneOf<Estimator>(fn, 'bins', bins, ESTIMATORS, 'auto');
    if (source) throw typeError(fn, codes.INVALID_ARG_TYPE, `bins '${name}' over a source: an estimator needs the whole data in memory`);
    if (opts?.weights !== undefined)
      throw typeError(fn, codes.INVALID_ARG_TYPE, `bins '${name}' with options.weights: estimating the number of bins is not supported for weighted data (as numpy)`);
    const range = opts?.range === undefined ? undefined : checkRange(fn, opts.range);
    const counts = (data: NumericArray) => (edges: number[]) => histogramSync(data, edges, { backend: opts?.backend, threads: opts?.threads });
    return {
      dataRange: !range,
      edgesFor: (data, mm) => estimatedEdges(fn, data, name, range, mm, counts(data)),
      float32Edges: isFloat32,
    };
  }
  if (typeof bins !== 'number') {
    const edges = checkEdges(fn, bins);
    const f32 = v.typedArrayKind(bins) === 'Float32Array';
    return { dataRange: false, edgesFor: (): ArrayLike<number> => edges, float32Edges: () => f32 };
  }
  const count = checkBinCount(fn, bins);
  const range = opts?.range === undefined ? undefined : checkRange(fn, opts.range);
  if (source && !range)
    throw typeError(fn, codes.INVALID_ARG_TYPE, 'a bin count over a source needs options.range (the data\'s own range would take a second pass)');
  return {
    dataRange: !range,
    edgesFor: (data: NumericArray, mm?: MinMax): ArrayLike<number> =>
      equalEdges(range ? givenRange(range) : dataRange(fn, data, mm!), count, isFloat32(data), isFloat16(data)),
    float32Edges: isFloat32,
  };
}

/** Weights and density, checked before any work; a source takes neither. */
function extrasOf(fn: string, data: unknown, opts: HistogramOptions | undefined) {
  const density = v.bool(fn, 'options.density', opts?.density, false);
  if (isSource(data)) {
    if (opts?.weights !== undefined || density)
      throw typeError(fn, codes.INVALID_ARG_TYPE, 'options.weights and options.density take an array, not a source');
    return { density };
  }
  return { density, weights: weightsOf(fn, opts?.weights, v.numericArray(fn, 'data', data)) };
}

/**
 * numpy's histogram of x[valid] (weights w[valid]). The count kernels skip an absent element
 * as they skip NaN, but an estimator's statistics and the weighted kernel read every
 * element: for those the present elements (and their weights) are gathered first and the
 * bitmap dropped. The bitmap is checked here first, so that a bad one is refused in fn's name.
 */
function presentOnly<O extends HistogramOptions>(fn: string, data: unknown, bins: unknown, weights: FloatArray | undefined, opts: O | undefined) {
  const d = v.numericArray(fn, 'data', data);
  const valid = validBitmap(fn, opts, d.length);
  if (!valid || (weights === undefined && typeof bins !== 'string')) return { data: d, weights, opts };
  return { data: gatherPresent(d, valid), weights: weights && gatherPresent(weights, valid), opts: { ...opts, valid: undefined } as O };
}

/**
 * numpy.histogram. `bins` is the explicit edges (bin i counts edges[i] <= x < edges[i+1],
 * the last bin also x == its right edge), a number of equal bins over options.range (by
 * default the data's min and max, NaN ignored) with numpy's own edge arithmetic, or the name
 * of one of numpy's estimators of that number (see histogramEdges). options.weights sums
 * each element's weight instead of counting it (float64 sums, the same for any thread
 * count); options.density divides by the total and the bins' widths. `data` is an array or
 * a source (see stream/source.ts; a bin count there needs options.range; no weights, density
 * or estimator).
 */
export async function histogram(data: NumericArray | Source, bins: ArrayLike<number> | number | Estimator,
  opts?: HistogramOptions & StreamOptions): Promise<Float64Array> {
  const b = binsOf('histogram', bins, opts, isSource(data));
  const { density, weights } = extrasOf('histogram', data, opts);
  if (isSource(data)) {
    noValidForSource('histogram', opts);
    return reduceSource(histogramReduction('histogram', b.edgesFor, opts), data, opts);
  }
  const x = presentOnly('histogram', data, bins, weights, opts);
  const mm = b.dataRange ? await minMax(x.data, x.opts) : undefined;
  const { o, out, edges, call } = prepareHistogram('histogram', x.data, (d) => b.edgesFor(d, mm), x.opts, x.weights);
  if (call) await runAsync(call, o);
  else checkAborted('histogram', o);
  return density ? toDensity(out, edges, b.float32Edges(data)) : out;
}

export function histogramSync(data: NumericArray | Iterable<ArrayBufferView>, bins: ArrayLike<number> | number | Estimator,
  opts?: Omit<HistogramOptions, 'signal'> & StreamOptions): Float64Array {
  const b = binsOf('histogramSync', bins, opts, isSource(data));
  const { density, weights } = extrasOf('histogramSync', data, opts);
  if (isSource(data)) {
    noValidForSource('histogramSync', opts);
    return reduceSourceSync(histogramReduction('histogramSync', b.edgesFor, opts), data, opts);
  }
  const x = presentOnly('histogramSync', data, bins, weights, opts);
  const mm = b.dataRange ? minMaxSync(x.data, x.opts) : undefined;
  const { o, out, edges, call } = prepareHistogram('histogramSync', x.data, (d) => b.edgesFor(d, mm), x.opts, x.weights);
  if (call) runSync(call, o);
  return density ? toDensity(out, edges, b.float32Edges(data)) : out;
}

function edgesPlan(fn: string, data: unknown, bins: unknown, opts: HistogramEdgesOptions | undefined) {
  if (typeof bins !== 'number' && typeof bins !== 'string')
    throw typeError(fn, codes.INVALID_ARG_TYPE, `bins must be a number of bins or an estimator's name (${ESTIMATORS.join(', ')}) (got ${describe(bins)})`);
  const b = binsOf(fn, bins, opts, false);
  const o = v.callOptions(fn, opts);
  const x = presentOnly(fn, data, 'estimate', undefined, opts);
  return { o, b, d: x.data, opts: x.opts };
}

/**
 * numpy.histogram_bin_edges: the edges histogram(data, bins, { range }) uses, for a number
 * of bins (NaN ignored, as histogram ignores it) or an estimator: 'auto', 'fd', 'sturges',
 * 'sqrt', 'rice', 'scott', 'doane', 'stone' (numpy's, data with NaN refused as numpy refuses
 * it unless options.range is given). options.valid: the edges of the present elements (x[valid]).
 */
export async function histogramEdges(data: NumericArray, bins: number | Estimator, opts?: HistogramEdgesOptions): Promise<Float64Array> {
  const { o, b, d, opts: rest } = edgesPlan('histogramEdges', data, bins, opts);
  const mm = b.dataRange ? await minMax(d, rest) : undefined;
  checkAborted('histogramEdges', o);
  return Float64Array.from(b.edgesFor(d, mm));
}

export function histogramEdgesSync(data: NumericArray, bins: number | Estimator, opts?: Omit<HistogramEdgesOptions, 'signal'>): Float64Array {
  const { b, d, opts: rest } = edgesPlan('histogramEdgesSync', data, bins, opts);
  return Float64Array.from(b.edgesFor(d, b.dataRange ? minMaxSync(d, rest) : undefined));
}
