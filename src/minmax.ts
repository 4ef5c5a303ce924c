// minMax: the least and greatest element ignoring NaN (numpy's nanmin and nanmax in one pass).
import type { Addon } from './backends/native';
import { checkAborted, runAsync, runSync, type Call } from './dispatch';
import { minMaxKernel, minMaxResult, type MinMaxJob, type MinMaxPart } from './kernels/count';
import { reduceSource, reduceSourceSync, type Reduction } from './stream/reduce';
import { isSource, type Source } from './stream/source';
import type { MinMax, MinMaxOptions, NumericArray, StreamOptions, SyncOptions, ValidityOptions } from './types';
import * as v from './validate';
import { forAddon, isHalf } from './half';
import { noValidForSource, validBitmap } from './valid';

const NONE: MinMax = { min: NaN, max: NaN };
// The addon reads ~13 GB/s on one core (as a count does): tiny async calls run inline.
const NATIVE_NS_PER_BYTE = 0.08;

function prepare(fn: string, data: unknown, opts: MinMaxOptions | undefined) {
  const o = v.callOptions(fn, opts);
  const d = v.numericArray(fn, 'data', data);
  const valid = validBitmap(fn, opts, d.length);
  const job: MinMaxJob = { data: d, valid };
  const call: Call<MinMaxJob, MinMaxPart, MinMax> = {
    fn,
    kernel: minMaxKernel,
    job,
    native: (addon: Addon, async, id, threads) => addon.minMax(async, id, threads, forAddon(d), valid, isHalf(d)),
    nativeResult: (value) => minMaxResult(value as MinMaxPart),
    nativeNs: NATIVE_NS_PER_BYTE * d.byteLength,
  };
  return { o, call: d.length > 0 ? call : undefined };
}

function merge(a: MinMax, b: MinMax): MinMax {
  if (Number.isNaN(a.min)) return b;
  if (Number.isNaN(b.min)) return a;
  return { min: b.min < a.min ? b.min : a.min, max: b.max > a.max ? b.max : a.max };
}

function reduction(fn: string, opts: MinMaxOptions | undefined): Reduction<MinMax> {
  return {
    fn,
    run: (block, signal) => minMax(block, { ...opts, signal }),
    runSync: (block) => minMaxSync(block, opts),
    merge,
    empty: (ctor) => new (ctor ?? Float64Array)(0),
  };
}

/** numpy's nanmin and nanmax of an array or a source (see stream/source.ts); bigints for BigInt arrays. */
export async function minMax(data: NumericArray | Source, opts?: MinMaxOptions & StreamOptions): Promise<MinMax> {
  if (isSource(data)) {
    noValidForSource('minMax', opts);
    return reduceSource(reduction('minMax', opts), data, opts);
  }
  const { o, call } = prepare('minMax', data, opts);
  if (call) return runAsync(call, o);
  checkAborted('minMax', o);
  return { ...NONE };
}

export function minMaxSync(data: NumericArray | Iterable<ArrayBufferView>, opts?: SyncOptions & ValidityOptions & StreamOptions): MinMax {
  if (isSource(data)) {
    noValidForSource('minMaxSync', opts);
    return reduceSourceSync(reduction('minMaxSync', opts), data, opts);
  }
  const { o, call } = prepare('minMaxSync', data, opts);
  return call ? runSync(call, o) : { ...NONE };
}
