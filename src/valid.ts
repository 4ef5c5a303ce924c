// options.valid: an Arrow validity bitmap over the data's elements (bit i of the bitmap,
// least significant first, set = element i present). The counts, histograms and minMax
// skip an absent element as they skip NaN. The bitmap indexes the elements of the view the
// call is given, 0..n-1, whatever its byteOffset; bits past n are ignored.
import { codes, rangeError, typeError } from './errors';
import { present } from './kernels/valid-bits';
import type { NumericArray } from './types';
import { ctorOf, numericArray, typedArrayKind, wrongType } from './validate';

/** The checked bitmap for n elements, or undefined when options.valid is not given. */
export function validBitmap(fn: string, opts: { valid?: unknown } | undefined, n: number): Uint8Array | undefined {
  const valid = opts?.valid;
  if (valid === undefined) return undefined;
  if (typedArrayKind(valid) !== 'Uint8Array')
    throw wrongType(fn, 'options.valid', valid, `${fn} takes options.valid as a Uint8Array (a validity bitmap)`, 'a Uint8Array');
  const bitmap = numericArray(fn, 'options.valid', valid) as Uint8Array;
  const bytes = Math.ceil(n / 8);
  if (bitmap.length < bytes)
    throw rangeError(fn, codes.ARRAY_TOO_SHORT, `options.valid has ${bitmap.length} bytes but ${n} elements need ${bytes}`);
  return bitmap;
}

/**
 * A source's chunks have no fixed place in one bitmap (a byte stream's elements may even
 * straddle chunks), so a bitmap cannot say which of them it covers: refused, not guessed.
 */
export function noValidForSource(fn: string, opts: { valid?: unknown } | undefined): void {
  if (opts?.valid !== undefined)
    throw typeError(fn, codes.INVALID_ARG_TYPE, 'options.valid cannot be given with a source (call once per array, each with its own bitmap)');
}

/** The present elements of data, in order, in an array of its type (numpy's x[valid]). */
export function gatherPresent<T extends NumericArray>(data: T, valid: Uint8Array): T {
  let n = 0;
  for (let i = 0; i < data.length; i++) if (present(valid, i)) n++;
  const out = new (ctorOf(data))(n) as T;
  for (let i = 0, k = 0; i < data.length; i++) if (present(valid, i)) out[k++] = data[i];
  return out;
}
