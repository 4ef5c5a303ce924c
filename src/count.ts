// countInRange, countInRangeByRow, histogram: validation, bounds conversion, dispatch.
import type { Addon } from './backends/native';
import { elementKind, inclusiveRange, lowerBound, upperBound, type ElementKind } from './bounds';
import { checkAborted, runAsync, runSync, type Call } from './dispatch';
import { codes, describe, rangeError, typeError } from './errors';
import { uniformGuess, type BinGuess } from './histogram-guess';
import {
  countByRowKernel, countKernel, histogramKernel, type CountByRowJob, type CountJob, type HistogramJob,
} from './kernels/count';
import type { HistogramOptions, Inclusive, MinMax, NumericArray, RangeOptions, RangeSyncOptions, SyncOptions, CallOptions, StreamOptions } from './types';
import * as v from './validate';
import { checkBinCount, checkRange, equalEdges, type OuterRange } from './histogram-bins';
import { minMax, minMaxSync } from './minmax';
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
    native: (addon: Addon, async, id, threads) => addon.count(async, id, threads, forAddon(job.data), job.lo, job.hi, isHalf(job.data)),
    nativeResult: (value) => value as number,
    nativeNs: NATIVE_NS_PER_BYTE * job.data.byteLength,
  };
}

function prepareCount(fn: string, data: unknown, lo: unknown, hi: unknown, opts: RangeOptions | undefined) {
  const o = v.callOptions(fn, opts);
  const d = v.numericArray(fn, 'data', data);
  const r = range(fn, d, lo, hi, opts);
  return { o, call: r && countCall(fn, { data: d, lo: r.lo, hi: r.hi }) };
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
  if (isSource(data)) return reduceSource(countReduction('countInRange', lo, hi, opts), data, opts);
  const { o, call } = prepareCount('countInRange', data, lo, hi, opts);
  if (call) return runAsync(call, o);
  checkAborted('countInRange', o);
  return 0;
}

export function countInRangeSync(data: NumericArray | Iterable<ArrayBufferView>, lo: number | bigint, hi: number | bigint,
  opts?: RangeSyncOptions & StreamOptions): number {
  if (isSource(data)) return reduceSourceSync(countReduction('countInRangeSync', lo, hi, opts), data, opts);
  const { o, call } = prepareCount('countInRangeSync', data, lo, hi, opts);
  return call ? runSync(call, o) : 0;
}

type RowsArg = { data: NumericArray; rows: number; cols: number };

function prepareByRow(fn: string, m: unknown, lo: unknown, hi: unknown, opts: (RangeOptions & { out?: Uint32Array }) | undefined) {
  const o = v.callOptions(fn, opts);
  const { rows, cols } = v.shape(fn, 'm', m);
  const data = v.numericArray(fn, 'm.data', (m as RowsArg).data);
  v.needLength(fn, 'm.data', data, rows * cols, () => `a ${rows}x${cols} matrix`);
  let out: Uint32Array;
  // Not zeroed: every path that returns it runs a kernel, which writes every row, or fills
  // it (a memset saved is ~30 us for the 200000-row tutorial workload).
  if (opts?.out === undefined) out = v.allocate(fn, () => 'the per-row result', Uint32Array, rows, false);
  else {
    if (v.typedArrayKind(opts.out) !== 'Uint32Array')
      throw v.wrongType(fn, 'options.out', opts.out, `${fn} takes a Uint32Array as options.out`, 'a Uint32Array');
    out = v.numericArray(fn, 'options.out', opts.out) as Uint32Array;
    if (out.length !== rows) throw rangeError(fn, codes.OUT_SIZE, `options.out has ${out.length} elements but there are ${rows} rows`);
    v.noOverlap(fn, 'options.out', out, [['m.data', data]]);
  }
  const r = range(fn, data, lo, hi, opts);
  const job: CountByRowJob = { data, rows, cols, lo: r?.lo ?? 0, hi: r?.hi ?? 0, out };
  const call: Call<CountByRowJob, void, void> = {
    fn, kernel: countByRowKernel, job,
    native: (addon: Addon, async, id, threads) => addon.countByRow(async, id, threads, forAddon(data), rows, cols, job.lo, job.hi, out, isHalf(data)),
    nativeResult: () => undefined,
    nativeNs: NATIVE_NS_PER_BYTE * rows * cols * data.BYTES_PER_ELEMENT, // data may be longer than the matrix
  };
  return { o, out, call: r && rows > 0 ? call : undefined };
}

/** Per row of a row-major matrix, how many elements are in range. */
export async function countInRangeByRow(m: RowsArg, lo: number | bigint, hi: number | bigint,
  opts?: RangeOptions & { out?: Uint32Array }): Promise<Uint32Array> {
  const { o, out, call } = prepareByRow('countInRangeByRow', m, lo, hi, opts);
  if (call) await runAsync(call, o);
  else checkAborted('countInRangeByRow', o), out.fill(0);
  return out;
}

export function countInRangeByRowSync(m: RowsArg, lo: number | bigint, hi: number | bigint,
  opts?: RangeSyncOptions & { out?: Uint32Array }): Uint32Array {
  const { o, out, call } = prepareByRow('countInRangeByRowSync', m, lo, hi, opts);
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

function prepareHistogram(fn: string, data: unknown, edgesFor: (d: NumericArray) => ArrayLike<number>, opts: CallOptions | undefined) {
  const o = v.callOptions(fn, opts);
  const d = v.numericArray(fn, 'data', data);
  const e = checkEdges(fn, edgesFor(d));
  const out = v.allocate(fn, () => 'the histogram', Float64Array, e.length - 1);
  const bins = thresholds(d, e);
  if (!bins) return { o, out };
  const job: HistogramJob = {
    data: d, lower: bins.lower, upper: bins.upper, out: out.subarray(0, bins.lower.length),
    first: bins.guess?.first ?? 0, scale: bins.guess?.scale ?? 0,
  };
  const call: Call<HistogramJob, Float64Array, void> = {
    fn, kernel: histogramKernel, job,
    native: (addon: Addon, async, id, threads) => addon.histogram(async, id, threads, forAddon(d), forAddon(job.lower), job.upper, job.out, job.first, job.scale, isHalf(d)),
    nativeResult: () => undefined,
    nativeNs: NATIVE_HISTOGRAM_NS_PER_ELEMENT * d.length,
  };
  return { o, out, call };
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
 * What `bins` asks for, checked before any work: explicit edges, or a count over a range
 * (options.range, else the data's own min and max, which the caller finds first: `dataRange`).
 */
function binsOf(fn: string, bins: unknown, opts: HistogramOptions | undefined, source: boolean) {
  if (typeof bins !== 'number') {
    const edges = checkEdges(fn, bins);
    return { dataRange: false, edgesFor: (): ArrayLike<number> => edges };
  }
  const count = checkBinCount(fn, bins);
  const range = opts?.range === undefined ? undefined : checkRange(fn, opts.range);
  if (source && !range)
    throw typeError(fn, codes.INVALID_ARG_TYPE, 'a bin count over a source needs options.range (the data\'s own range would take a second pass)');
  return {
    dataRange: !range,
    edgesFor: (data: NumericArray, mm?: MinMax): ArrayLike<number> =>
      equalEdges(range ? givenRange(range) : dataRange(fn, data, mm!), count, isFloat32(data), isFloat16(data)),
  };
}

/**
 * numpy.histogram. `bins` is the explicit edges (bin i counts edges[i] <= x < edges[i+1],
 * the last bin also x == its right edge) or a number of equal bins over options.range (by
 * default the data's min and max, NaN ignored) with numpy's own edge arithmetic. `data` is
 * an array or a source (see stream/source.ts; a bin count there needs options.range).
 */
export async function histogram(data: NumericArray | Source, bins: ArrayLike<number> | number,
  opts?: HistogramOptions & StreamOptions): Promise<Float64Array> {
  const b = binsOf('histogram', bins, opts, isSource(data));
  if (isSource(data)) return reduceSource(histogramReduction('histogram', b.edgesFor, opts), data, opts);
  const mm = b.dataRange ? await minMax(v.numericArray('histogram', 'data', data), opts) : undefined;
  const { o, out, call } = prepareHistogram('histogram', data, (d) => b.edgesFor(d, mm), opts);
  if (call) await runAsync(call, o);
  else checkAborted('histogram', o);
  return out;
}

export function histogramSync(data: NumericArray | Iterable<ArrayBufferView>, bins: ArrayLike<number> | number,
  opts?: Omit<HistogramOptions, 'signal'> & StreamOptions): Float64Array {
  const b = binsOf('histogramSync', bins, opts, isSource(data));
  if (isSource(data)) return reduceSourceSync(histogramReduction('histogramSync', b.edgesFor, opts), data, opts);
  const mm = b.dataRange ? minMaxSync(v.numericArray('histogramSync', 'data', data), opts) : undefined;
  const { o, out, call } = prepareHistogram('histogramSync', data, (d) => b.edgesFor(d, mm), opts);
  if (call) runSync(call, o);
  return out;
}
