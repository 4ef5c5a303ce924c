// matmul and gemm: validation, the col-major mapping, and dispatch.
import type { Addon } from './backends/native';
import { runAsync, runSync, type Call } from './dispatch';
import { codes, rangeError } from './errors';
import { gemmKernel, type GemmJob } from './kernels/gemm';
import { gemmBatchKernel, type GemmBatchJob } from './kernels/gemm-batch';
import type { CallOptions, FloatArray, GemmArgs, GemmBatchArgs, Matrix, SyncOptions } from './types';
import * as v from './validate';

type FloatCtor = { new (n: number): FloatArray; new (b: ArrayBuffer, offset: number, length: number): FloatArray; readonly BYTES_PER_ELEMENT: number };

function checkMatrix(fn: string, name: string, m: unknown): Required<Matrix> {
  const { rows, cols } = v.shape(fn, name, m);
  const given = (m as Matrix).batch, batch = given === undefined ? 1 : v.size(fn, `${name}.batch`, given);
  if (batch === 0) throw rangeError(fn, codes.OUT_OF_RANGE, `${name}.batch must be at least 1 (got 0)`);
  const data = v.floatArray(fn, `${name}.data`, (m as Matrix).data);
  v.needLength(fn, `${name}.data`, data, batch * rows * cols,
    () => (batch === 1 ? `a ${rows}x${cols} matrix` : `a stack of ${batch} ${rows}x${cols} matrices`));
  return { data, rows, cols, batch };
}

/** The batch of a·b: numpy's broadcasting, where a batch of 1 pairs with any other. */
function resultBatch(fn: string, a: number, b: number): number {
  if (a !== b && a !== 1 && b !== 1)
    throw rangeError(fn, codes.SHAPE_MISMATCH, `a has a batch of ${a} but b has a batch of ${b} (batches must be equal, or one of them 1)`);
  return Math.max(a, b);
}

function matmulJob(fn: string, a: unknown, b: unknown, out: unknown): GemmJob | GemmBatchJob {
  const A = checkMatrix(fn, 'a', a), B = checkMatrix(fn, 'b', b);
  v.sameKind(fn, 'b.data', B.data, A.data, 'a.data');
  if (A.cols !== B.rows)
    throw rangeError(fn, codes.SHAPE_MISMATCH, `a is ${A.rows}x${A.cols} but b is ${B.rows}x${B.cols} (a.cols must equal b.rows)`);
  const batch = resultBatch(fn, A.batch, B.batch);
  const m = A.rows, n = B.cols, k = A.cols, size = batch * m * n;
  const what = () => (batch === 1 ? `the ${m}x${n} result` : `the ${batch} ${m}x${n} results`);
  let c: FloatArray;
  if (out === undefined) c = v.allocate(fn, what, v.ctorOf(A.data) as unknown as FloatCtor, size, false);
  else {
    c = v.floatArray(fn, 'options.out', out);
    v.sameKind(fn, 'options.out', c, A.data, 'a.data');
    if (c.length !== size)
      throw rangeError(fn, codes.OUT_SIZE, `options.out has ${c.length} elements but ${what()} ${batch === 1 ? 'needs' : 'need'} ${size}`);
    v.noOverlap(fn, 'options.out', c, [['a.data', A.data], ['b.data', B.data]]);
  }
  const job: GemmJob = {
    m, n, k, transA: false, transB: false, alpha: 1, beta: 0,
    a: A.data, lda: Math.max(1, k), b: B.data, ldb: Math.max(1, n), c, ldc: Math.max(1, n),
  };
  if (batch === 1) return job;
  // A stack of one matrix is broadcast: stride 0, the same matrix for every product.
  return { ...job, batch, strideA: A.batch === 1 ? 0 : m * k, strideB: B.batch === 1 ? 0 : k * n, strideC: m * n };
}

function matmulCall(fn: string, job: GemmJob | GemmBatchJob): Call<object, void, void> {
  return ('batch' in job ? gemmBatchCall(fn, job) : gemmCall(fn, job)) as Call<object, void, void>;
}

function product<T extends FloatArray>(job: GemmJob | GemmBatchJob): Matrix<T> {
  const result: Matrix<T> = { data: job.c as T, rows: job.m, cols: job.n };
  if ('batch' in job) result.batch = job.batch;
  return result;
}

/** For gemmBatch: how many matrices each operand holds, and the strides the caller gave. */
interface Stack {
  batch: number;
  strides: Partial<Record<'strideA' | 'strideB' | 'strideC', unknown>>;
}

/**
 * Checks one stored operand: its leading dimension and its length (for a stack, `batch`
 * matrices `stride` apart, by default one stored matrix). Returns the ld, the stride, and
 * the elements one matrix spans.
 */
function operand(fn: string, name: string, ldName: string, arr: FloatArray, ld: unknown,
  rows: number, cols: number, colMajor: boolean, stack?: Stack): [number, number, number] {
  const minLd = Math.max(1, colMajor ? rows : cols);
  const lead = ld === undefined ? minLd : v.size(fn, ldName, ld);
  if (lead < minLd)
    throw rangeError(fn, codes.LEADING_DIMENSION,
      `${ldName} is ${lead} but the ${rows}x${cols} ${colMajor ? 'col' : 'row'}-major ${name} needs at least ${minLd}`);
  const outer = colMajor ? cols : rows, inner = colMajor ? rows : cols;
  const one = rows === 0 || cols === 0 ? 0 : (outer - 1) * lead + inner;
  const strideName = `stride${name.toUpperCase()}` as keyof Stack['strides'];
  const given = stack?.strides[strideName];
  const stride = given === undefined ? outer * lead : v.size(fn, strideName, given);
  const count = stack ? stack.batch : 1;
  const matrix = () => `${rows}x${cols} ${colMajor ? 'col' : 'row'}-major matri${count === 1 ? 'x' : 'ces'} with leading dimension ${lead}`;
  v.needLength(fn, name, arr, count === 0 || one === 0 ? 0 : (count - 1) * stride + one,
    () => (count === 1 ? `a ${matrix()}` : `${count} ${matrix()}, ${stride} elements apart,`));
  return [lead, stride, one];
}

function gemmJob(fn: string, args: unknown): GemmJob;
function gemmJob(fn: string, args: unknown, batched: true): GemmBatchJob;
function gemmJob(fn: string, args: unknown, batched = false): GemmJob | GemmBatchJob {
  const g = v.object(fn, 'args', args) as unknown as GemmBatchArgs<FloatArray>;
  const layout = v.oneOf(fn, 'layout', g.layout, ['row-major', 'col-major'] as const, 'row-major');
  const colMajor = layout === 'col-major';
  const transA = v.bool(fn, 'transA', g.transA, false), transB = v.bool(fn, 'transB', g.transB, false);
  const m = v.size(fn, 'm', g.m), n = v.size(fn, 'n', g.n), k = v.size(fn, 'k', g.k);
  const alpha = v.num(fn, 'alpha', g.alpha, 1), beta = v.num(fn, 'beta', g.beta, 0);
  const a = v.floatArray(fn, 'a', g.a), b = v.floatArray(fn, 'b', g.b), c = v.floatArray(fn, 'c', g.c);
  v.sameKind(fn, 'b', b, a, 'a');
  v.sameKind(fn, 'c', c, a, 'a');
  const stack = batched ? { batch: v.size(fn, 'batch', g.batch), strides: g } : undefined;
  const [lda, strideA] = operand(fn, 'a', 'lda', a, g.lda, transA ? k : m, transA ? m : k, colMajor, stack);
  const [ldb, strideB] = operand(fn, 'b', 'ldb', b, g.ldb, transB ? n : k, transB ? k : n, colMajor, stack);
  const [ldc, strideC, oneC] = operand(fn, 'c', 'ldc', c, g.ldc, m, n, colMajor, stack);
  v.noOverlap(fn, 'c', c, [['a', a], ['b', b]]);
  // Col-major C is row-major Cᵀ = op(B)ᵀ·op(A)ᵀ: swap the operands and the sizes.
  const job: GemmJob = colMajor
    ? { m: n, n: m, k, transA: transB, transB: transA, alpha, beta, a: b, lda: ldb, b: a, ldb: lda, c, ldc }
    : { m, n, k, transA, transB, alpha, beta, a, lda, b, ldb, c, ldc };
  if (!stack) return job;
  // Two products writing one element would race (and the result would depend on which came last).
  if (stack.batch > 1 && strideC < oneC)
    throw rangeError(fn, codes.OUT_OVERLAP,
      `strideC is ${strideC} but each ${m}x${n} C spans ${oneC} elements: the products' C matrices would overlap`);
  return colMajor
    ? { ...job, batch: stack.batch, strideA: strideB, strideB: strideA, strideC }
    : { ...job, batch: stack.batch, strideA, strideB, strideC };
}

function gemmCall(fn: string, job: GemmJob): Call<GemmJob, void, void> {
  return {
    fn,
    kernel: gemmKernel,
    job,
    native: (addon: Addon, async, id, threads) =>
      addon.gemm(async, id, threads, job.a, job.b, job.c, job.m, job.n, job.k, job.transA, job.transB,
        job.lda, job.ldb, job.ldc, job.alpha, job.beta),
    nativeResult: () => undefined,
    // ~50 GFLOP/s on one core for the small products this estimate decides on (f64 n = 128:
    // 60-75 measured, f32 twice that), so it errs towards the job runner.
    nativeNs: (2 * job.m * job.n * job.k) / 50,
  };
}

function gemmBatchCall(fn: string, job: GemmBatchJob): Call<GemmBatchJob, void, void> {
  return {
    fn,
    kernel: gemmBatchKernel,
    job,
    native: (addon: Addon, async, id, threads) =>
      addon.gemmBatch(async, id, threads, job.a, job.b, job.c, job.batch, job.m, job.n, job.k, job.transA, job.transB,
        job.lda, job.ldb, job.ldc, job.strideA, job.strideB, job.strideC, job.alpha, job.beta),
    nativeResult: () => undefined,
    nativeNs: (2 * job.batch * job.m * job.n * job.k) / 50, // as gemm's, over every product
  };
}

/** C = A·B for dense row-major matrices of one element type. */
export async function matmul<T extends FloatArray>(a: Matrix<T>, b: Matrix<T>, opts?: CallOptions & { out?: T }): Promise<Matrix<T>> {
  const o = v.callOptions('matmul', opts);
  const job = matmulJob('matmul', a, b, opts?.out);
  await runAsync(matmulCall('matmul', job), o);
  return product(job);
}

export function matmulSync<T extends FloatArray>(a: Matrix<T>, b: Matrix<T>, opts?: SyncOptions & { out?: T }): Matrix<T> {
  const o = v.callOptions('matmulSync', opts);
  const job = matmulJob('matmulSync', a, b, opts?.out);
  runSync(matmulCall('matmulSync', job), o);
  return product(job);
}

/** BLAS gemm: C = alpha·op(A)·op(B) + beta·C, written into args.c, which is returned. */
export async function gemm<T extends FloatArray>(args: GemmArgs<T>, opts?: CallOptions): Promise<T> {
  const o = v.callOptions('gemm', opts);
  const job = gemmJob('gemm', args);
  await runAsync(gemmCall('gemm', job), o);
  return args.c;
}

export function gemmSync<T extends FloatArray>(args: GemmArgs<T>, opts?: SyncOptions): T {
  const o = v.callOptions('gemmSync', opts);
  runSync(gemmCall('gemmSync', gemmJob('gemmSync', args)), o);
  return args.c;
}

/** BLAS strided batched gemm: C_i = alpha·op(A_i)·op(B_i) + beta·C_i for i < args.batch, written into args.c, which is returned. */
export async function gemmBatch<T extends FloatArray>(args: GemmBatchArgs<T>, opts?: CallOptions): Promise<T> {
  const o = v.callOptions('gemmBatch', opts);
  const job = gemmJob('gemmBatch', args, true);
  await runAsync(gemmBatchCall('gemmBatch', job), o);
  return args.c;
}

export function gemmBatchSync<T extends FloatArray>(args: GemmBatchArgs<T>, opts?: SyncOptions): T {
  const o = v.callOptions('gemmBatchSync', opts);
  runSync(gemmBatchCall('gemmBatchSync', gemmJob('gemmBatchSync', args, true)), o);
  return args.c;
}
