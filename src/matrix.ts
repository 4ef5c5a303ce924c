// Building blocks for pipelines: dense matrices and shared arrays.
import { codes, describe, rangeError, typeError } from './errors';
import type { FloatArray, Matrix, NumericArray } from './types';
import { Float16 } from './half';
import type { GemmArray } from './types';
import { arrayTypeError, GEMM_TYPES, isNumericCtor, NUMERIC_TYPES, size } from './validate';

type FloatCtor<T extends GemmArray> = { new (n: number): T; new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number };

/** What matmul takes: Float32Array, Float64Array, and Float16Array where the runtime has it. */
function floatCtor(fn: string, type: unknown): void {
  if (type !== Float32Array && type !== Float64Array && (Float16 === undefined || type !== Float16)) throw arrayTypeError(fn, type, GEMM_TYPES);
}

/**
 * A zero-filled rows×cols matrix; { shared: true } puts it on a SharedArrayBuffer, and
 * { batch } makes a stack of that many (numpy's zeros((batch, rows, cols))).
 */
export function matrix<T extends GemmArray>(type: { new (n: number): T }, rows: number, cols: number,
  opts?: { shared?: boolean; batch?: number }): Matrix<T> {
  floatCtor('matrix', type);
  size('matrix', 'rows', rows);
  size('matrix', 'cols', cols);
  const batch = opts?.batch === undefined ? 1 : size('matrix', 'options.batch', opts.batch);
  if (batch === 0) throw rangeError('matrix', codes.OUT_OF_RANGE, 'options.batch must be at least 1 (got 0)');
  const Ctor = type as unknown as FloatCtor<T>, length = batch * rows * cols;
  const data = opts?.shared ? new Ctor(new SharedArrayBuffer(length * Ctor.BYTES_PER_ELEMENT)) : new Ctor(length);
  return opts?.batch === undefined ? { data, rows, cols } : { data, rows, cols, batch };
}

/** A matrix from an array of equal-length rows. */
export function fromRows(rows: number[][], type: typeof Float64Array | typeof Float32Array = Float64Array): Matrix {
  floatCtor('fromRows', type);
  if (!Array.isArray(rows)) throw typeError('fromRows', codes.INVALID_ARG_TYPE, `rows must be an array of arrays (got ${describe(rows)})`);
  const cols = rows.length === 0 ? 0 : (Array.isArray(rows[0]) ? rows[0].length : -1);
  const data = new type(rows.length * Math.max(cols, 0));
  rows.forEach((row, i) => {
    if (!Array.isArray(row)) throw typeError('fromRows', codes.INVALID_ARG_TYPE, `rows[${i}] must be an array (got ${describe(row)})`);
    if (row.length !== cols)
      throw rangeError('fromRows', codes.SHAPE_MISMATCH, `rows[${i}] has ${row.length} values but rows[0] has ${cols}`);
    data.set(row, i * cols);
  });
  return { data, rows: rows.length, cols: Math.max(cols, 0) };
}

/** The matrix as an array of rows of numbers; a stack's matrices' rows one after another (numpy's reshape(-1, cols)). */
export function toRows(m: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < (m.batch ?? 1) * m.rows; i++) out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  return out;
}

/** A zero-filled TypedArray on a SharedArrayBuffer: the workers backend reads it without copying. */
export function shared<T extends NumericArray>(type: { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }, length: number): T {
  if (!isNumericCtor(type)) throw arrayTypeError('shared', type, NUMERIC_TYPES);
  size('shared', 'length', length);
  return new type(new SharedArrayBuffer(length * type.BYTES_PER_ELEMENT));
}
