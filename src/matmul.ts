// matmul and gemm: validation, the col-major mapping, and dispatch.
import type { Addon } from './backends/native';
import { runAsync, runSync, type Call } from './dispatch';
import { codes, rangeError } from './errors';
import { gemmKernel, type GemmJob } from './kernels/gemm';
import { forAddon, isHalf } from './half';
import type { CallOptions, GemmArgs, GemmArray, Matrix, SyncOptions } from './types';
import * as v from './validate';

type FloatCtor = { new (n: number): GemmArray; new (b: ArrayBuffer, offset: number, length: number): GemmArray; readonly BYTES_PER_ELEMENT: number };

/**
 * The result's element type: the operands', or float32 for half operands (whose products
 * are computed in float32 anyway). Mixing operand types stays refused, as numpy's
 * promotion would make a copy the caller did not ask for.
 */
function resultKind(fn: string, name: string, c: GemmArray, a: GemmArray, aName: string): void {
  if (isHalf(a) && v.typedArrayKind(c) === 'Float32Array') return;
  v.sameKind(fn, name, c, a, aName);
}

function checkMatrix(fn: string, name: string, m: unknown): Matrix<GemmArray> {
  const { rows, cols } = v.shape(fn, name, m);
  const data = v.gemmArray(fn, `${name}.data`, (m as Matrix).data);
  v.needLength(fn, `${name}.data`, data, rows * cols, () => `a ${rows}x${cols} matrix`);
  return { data, rows, cols };
}

function matmulJob(fn: string, a: unknown, b: unknown, out: unknown): GemmJob {
  const A = checkMatrix(fn, 'a', a), B = checkMatrix(fn, 'b', b);
  v.sameKind(fn, 'b.data', B.data, A.data, 'a.data');
  if (A.cols !== B.rows)
    throw rangeError(fn, codes.SHAPE_MISMATCH, `a is ${A.rows}x${A.cols} but b is ${B.rows}x${B.cols} (a.cols must equal b.rows)`);
  const m = A.rows, n = B.cols, k = A.cols;
  let c: GemmArray;
  if (out === undefined) c = v.allocate(fn, () => `the ${m}x${n} result`, v.ctorOf(A.data) as unknown as FloatCtor, m * n, false);
  else {
    c = v.gemmArray(fn, 'options.out', out);
    resultKind(fn, 'options.out', c, A.data, 'a.data');
    if (c.length !== m * n)
      throw rangeError(fn, codes.OUT_SIZE, `options.out has ${c.length} elements but the ${m}x${n} result needs ${m * n}`);
    v.noOverlap(fn, 'options.out', c, [['a.data', A.data], ['b.data', B.data]]);
  }
  return {
    m, n, k, transA: false, transB: false, alpha: 1, beta: 0,
    a: A.data, lda: Math.max(1, k), b: B.data, ldb: Math.max(1, n), c, ldc: Math.max(1, n),
  };
}

/** Checks one stored operand: its leading dimension and its length. Returns the ld. */
function operand(fn: string, name: string, ldName: string, arr: GemmArray, ld: unknown,
  rows: number, cols: number, colMajor: boolean): number {
  const minLd = Math.max(1, colMajor ? rows : cols);
  const lead = ld === undefined ? minLd : v.size(fn, ldName, ld);
  if (lead < minLd)
    throw rangeError(fn, codes.LEADING_DIMENSION,
      `${ldName} is ${lead} but the ${rows}x${cols} ${colMajor ? 'col' : 'row'}-major ${name} needs at least ${minLd}`);
  const outer = colMajor ? cols : rows, inner = colMajor ? rows : cols;
  v.needLength(fn, name, arr, rows === 0 || cols === 0 ? 0 : (outer - 1) * lead + inner,
    () => `a ${rows}x${cols} ${colMajor ? 'col' : 'row'}-major matrix with leading dimension ${lead}`);
  return lead;
}

function gemmJob(fn: string, args: unknown): GemmJob {
  const g = v.object(fn, 'args', args) as unknown as GemmArgs<GemmArray>;
  const layout = v.oneOf(fn, 'layout', g.layout, ['row-major', 'col-major'] as const, 'row-major');
  const colMajor = layout === 'col-major';
  const transA = v.bool(fn, 'transA', g.transA, false), transB = v.bool(fn, 'transB', g.transB, false);
  const m = v.size(fn, 'm', g.m), n = v.size(fn, 'n', g.n), k = v.size(fn, 'k', g.k);
  const alpha = v.num(fn, 'alpha', g.alpha, 1), beta = v.num(fn, 'beta', g.beta, 0);
  const a = v.gemmArray(fn, 'a', g.a), b = v.gemmArray(fn, 'b', g.b), c = v.gemmArray(fn, 'c', g.c);
  v.sameKind(fn, 'b', b, a, 'a');
  resultKind(fn, 'c', c, a, 'a');
  const lda = operand(fn, 'a', 'lda', a, g.lda, transA ? k : m, transA ? m : k, colMajor);
  const ldb = operand(fn, 'b', 'ldb', b, g.ldb, transB ? n : k, transB ? k : n, colMajor);
  const ldc = operand(fn, 'c', 'ldc', c, g.ldc, m, n, colMajor);
  v.noOverlap(fn, 'c', c, [['a', a], ['b', b]]);
  // Col-major C is row-major Cᵀ = op(B)ᵀ·op(A)ᵀ: swap the operands and the sizes.
  if (colMajor) return { m: n, n: m, k, transA: transB, transB: transA, alpha, beta, a: b, lda: ldb, b: a, ldb: lda, c, ldc };
  return { m, n, k, transA, transB, alpha, beta, a, lda, b, ldb, c, ldc };
}

function gemmCall(fn: string, job: GemmJob): Call<GemmJob, void, void> {
  return {
    fn,
    kernel: gemmKernel,
    job,
    native: (addon: Addon, async, id, threads) =>
      addon.gemm(async, id, threads, forAddon(job.a), forAddon(job.b), forAddon(job.c), job.m, job.n, job.k, job.transA, job.transB,
        job.lda, job.ldb, job.ldc, job.alpha, job.beta, isHalf(job.a)),
    nativeResult: () => undefined,
    // ~50 GFLOP/s on one core for the small products this estimate decides on (f64 n = 128:
    // 60-75 measured, f32 twice that), so it errs towards the job runner.
    nativeNs: (2 * job.m * job.n * job.k) / 50,
  };
}

/**
 * C = A·B for dense row-major matrices of one element type. Float16Array operands are
 * multiplied in float32 and give a Float16Array, or fill a Float32Array `out`.
 */
export async function matmul<T extends GemmArray, O extends GemmArray = T>(a: Matrix<T>, b: Matrix<T>,
  opts?: CallOptions & { out?: O }): Promise<Matrix<O>> {
  const o = v.callOptions('matmul', opts);
  const job = matmulJob('matmul', a, b, opts?.out);
  await runAsync(gemmCall('matmul', job), o);
  return { data: job.c as O, rows: job.m, cols: job.n };
}

export function matmulSync<T extends GemmArray, O extends GemmArray = T>(a: Matrix<T>, b: Matrix<T>,
  opts?: SyncOptions & { out?: O }): Matrix<O> {
  const o = v.callOptions('matmulSync', opts);
  const job = matmulJob('matmulSync', a, b, opts?.out);
  runSync(gemmCall('matmulSync', job), o);
  return { data: job.c as O, rows: job.m, cols: job.n };
}

/**
 * BLAS gemm: C = alpha·op(A)·op(B) + beta·C, written into args.c, which is returned. Half
 * (Float16Array) A and B are computed in float32; c is a Float16Array or a Float32Array.
 */
export async function gemm<T extends GemmArray>(args: GemmArgs<T>, opts?: CallOptions): Promise<GemmArgs<T>['c']> {
  const o = v.callOptions('gemm', opts);
  const job = gemmJob('gemm', args);
  await runAsync(gemmCall('gemm', job), o);
  return args.c;
}

export function gemmSync<T extends GemmArray>(args: GemmArgs<T>, opts?: SyncOptions): GemmArgs<T>['c'] {
  const o = v.callOptions('gemmSync', opts);
  runSync(gemmCall('gemmSync', gemmJob('gemmSync', args)), o);
  return args.c;
}
