// matvec: y = A·x or Aᵀ·x (BLAS gemv), validation and dispatch.
import type { Addon } from './backends/native';
import { checkAborted, runAsync, runSync, type Call } from './dispatch';
import { codes, rangeError } from './errors';
import { gemvKernel, type GemvJob } from './kernels/gemv';
import { halfWidened } from './kernels/half-widened';
import { forAddon, isHalf } from './half';
import type { FloatArray, GemmArray, MatvecOptions, MatvecSyncOptions, Matrix } from './types';
import * as v from './validate';

type FloatCtor = { new (n: number): GemmArray; new (b: ArrayBuffer, offset: number, length: number): GemmArray; readonly BYTES_PER_ELEMENT: number };

// The addon streams A at ~13 GB/s on one core (as a count does): tiny async calls run inline.
const NATIVE_NS_PER_BYTE = 0.08;

function gemvJob(fn: string, a: unknown, x: unknown, opts: MatvecOptions<GemmArray> | undefined): GemvJob {
  const { rows, cols } = v.shape(fn, 'a', a);
  const batch = (a as Matrix).batch;
  if (batch !== undefined && batch !== 1)
    throw rangeError(fn, codes.SHAPE_MISMATCH, `a is a stack (a.batch is ${String(batch)}); matvec takes one matrix ` +
      '(for a stack, matmul(a, { data: x, rows: a.cols, cols: 1 }) broadcasts x over it)');
  const data = v.gemmArray(fn, 'a.data', (a as Matrix).data);
  v.needLength(fn, 'a.data', data, rows * cols, () => `a ${rows}x${cols} matrix`);
  const trans = v.bool(fn, 'options.transpose', opts?.transpose, false);
  const vec = v.gemmArray(fn, 'x', x);
  v.sameKind(fn, 'x', vec, data, 'a.data');
  const inner = trans ? rows : cols, outer = trans ? cols : rows;
  if (vec.length !== inner)
    throw rangeError(fn, codes.SHAPE_MISMATCH, `x has ${vec.length} elements but a is ${rows}x${cols} ` +
      `(x.length must equal ${trans ? 'a.rows, as transpose is true' : 'a.cols'})`);
  let y: GemmArray;
  const out = opts?.out;
  if (out === undefined) y = v.allocate(fn, () => `the ${outer}-element result`, v.ctorOf(data) as unknown as FloatCtor, outer, false);
  else {
    y = v.gemmArray(fn, 'options.out', out);
    if (!(isHalf(data) && v.typedArrayKind(y) === 'Float32Array')) v.sameKind(fn, 'options.out', y, data, 'a.data');
    if (y.length !== outer)
      throw rangeError(fn, codes.OUT_SIZE, `options.out has ${y.length} elements but ${trans ? 'aᵀ·x' : 'a·x'} has ${outer}`);
    v.noOverlap(fn, 'options.out', y, [['a.data', data], ['x', vec]]);
  }
  return { a: data as FloatArray, rows, cols, x: vec as FloatArray, y: y as FloatArray, trans };
}

/** Whether there is nothing to run: an empty y, or an empty sum (y is then zeros, as numpy gives). */
function trivial(job: GemvJob): boolean {
  if (job.y.length > 0 && job.rows > 0 && job.cols > 0) return false;
  job.y.fill(0);
  return true;
}

/**
 * Halves (Float16Array a and x) accumulate in float32 and give a Float16Array y, or fill a
 * Float32Array out. The addon and the wasm engine read the halves and widen them in
 * registers (native/gemv), so A is read once at 2 bytes an element; the JS engines, which
 * have no half kernel, run the float32 product of widened copies (kernels/half-widened.ts):
 * the same bits either way.
 */
function gemvCall(fn: string, job: GemvJob): Call<GemvJob, Float64Array | undefined, void> {
  const half = isHalf(job.a);
  return {
    fn,
    kernel: half ? halfWidened(gemvKernel, ['a', 'x'], 'y') : gemvKernel,
    job,
    native: (addon: Addon, async, id, threads) =>
      addon.gemv(async, id, threads, forAddon(job.a), forAddon(job.x), forAddon(job.y), job.rows, job.cols, job.trans, half),
    nativeResult: () => undefined,
    nativeNs: NATIVE_NS_PER_BYTE * job.rows * job.cols * job.a.BYTES_PER_ELEMENT,
  };
}

/**
 * y = A·x, or Aᵀ·x with `transpose: true` (BLAS gemv); A is read once. Returns y (`out` when
 * given). Float16Array operands accumulate in float32 and give a Float16Array, or fill a
 * Float32Array `out`.
 */
export async function matvec<T extends GemmArray>(a: Matrix<T>, x: T, opts?: MatvecOptions<T>): Promise<T> {
  const o = v.callOptions('matvec', opts);
  const job = gemvJob('matvec', a, x, opts);
  checkAborted('matvec', o); // before trivial() writes zeros: an aborted call leaves out alone
  if (!trivial(job)) await runAsync(gemvCall('matvec', job), o);
  return job.y as T;
}

export function matvecSync<T extends GemmArray>(a: Matrix<T>, x: T, opts?: MatvecSyncOptions<T>): T {
  const o = v.callOptions('matvecSync', opts);
  const job = gemvJob('matvecSync', a, x, opts);
  if (!trivial(job)) runSync(gemvCall('matvecSync', job), o);
  return job.y as T;
}
