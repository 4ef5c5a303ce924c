// countInRangeByColumn: per column of a row-major matrix, how many elements are in range
// (numpy's count_nonzero((m >= lo) & (m <= hi), axis=0), with countInRange's bounds,
// `inclusive` and NaN rules). Validation and dispatch are count.ts's per-axis path.
import { prepareByAxis } from './count';
import { checkAborted, runAsync, runSync } from './dispatch';
import type { NumericArray, RangeOptions, RangeSyncOptions } from './types';

type ColumnsArg = { data: NumericArray; rows: number; cols: number };

/** Per column of a row-major matrix, how many elements are in range: a Uint32Array of m.cols counts. */
export async function countInRangeByColumn(m: ColumnsArg, lo: number | bigint, hi: number | bigint,
  opts?: RangeOptions & { out?: Uint32Array }): Promise<Uint32Array> {
  const { o, out, call } = prepareByAxis('countInRangeByColumn', 'column', m, lo, hi, opts);
  if (call) await runAsync(call, o);
  else checkAborted('countInRangeByColumn', o), out.fill(0);
  return out;
}

export function countInRangeByColumnSync(m: ColumnsArg, lo: number | bigint, hi: number | bigint,
  opts?: RangeSyncOptions & { out?: Uint32Array }): Uint32Array {
  const { o, out, call } = prepareByAxis('countInRangeByColumnSync', 'column', m, lo, hi, opts);
  if (call) runSync(call, o);
  else out.fill(0);
  return out;
}
