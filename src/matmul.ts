// matmul and gemm: validation, the col-major mapping, and dispatch.
import type { Addon } from './backends/native';
import { runAsync, runSync, type Call } from './dispatch';
import { codes, rangeError } from './errors';
import { gemmKernel, type GemmJob } from './kernels/gemm';
import { gemmBatchKernel, type GemmBatchJob } from './kernels/gemm-batch';
import { halfWidened } from './kernels/half-widened';
import { forAddon, isHalf } from './half';
import type { CallOptions, GemmArgs, GemmArray, GemmBatchArgs, Matrix, SyncOptions } from './types';
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

function checkMatrix(fn: string, name: string, m: unknown): Required<Matrix<GemmArray>> {
  const { rows, cols } = v.shape(fn, name, m);
  const given = (m as Matrix).batch, batch = given === undefined ? 1 : v.size(fn, `${name}.batch`, given);
  if (batch === 0) throw rangeError(fn, codes.OUT_OF_RANGE, `${name}.batch must be at least 1 (got 0)`);
  const data = v.gemmArray(fn, `${name}.data`, (m as Matrix).data);
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
  let c: GemmArray;
  if (out === undefined) c = v.allocate(fn, what, v.ctorOf(A.data) as unknown as FloatCtor, size, false);
  else {
    c = v.gemmArray(fn, 'options.out', out);
    resultKind(fn, 'options.out', c, A.data, 'a.data');
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


function product<T extends GemmArray>(job: GemmJob | GemmBatchJob): Matrix<T> {
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
function operand(fn: string, name: string, ldName: string, arr: GemmArray, ld: unknown,
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
  const g = v.object(fn, 'args', args) as unknown as GemmBatchArgs<GemmArray>;
  const layout = v.oneOf(fn, 'layout', g.layout, ['row-major', 'col-major'] as const, 'row-major');
  const colMajor = layout === 'col-major';
  const transA = v.bool(fn, 'transA', g.transA, false), transB = v.bool(fn, 'transB', g.transB, false);
  const m = v.size(fn, 'm', g.m), n = v.size(fn, 'n', g.n), k = v.size(fn, 'k', g.k);
  const alpha = v.num(fn, 'alpha', g.alpha, 1), beta = v.num(fn, 'beta', g.beta, 0);
  const a = v.gemmArray(fn, 'a', g.a), b = v.gemmArray(fn, 'b', g.b), c = v.gemmArray(fn, 'c', g.c);
  v.sameKind(fn, 'b', b, a, 'a');
  resultKind(fn, 'c', c, a, 'a');
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
      addon.gemm(async, id, threads, forAddon(job.a), forAddon(job.b), forAddon(job.c), job.m, job.n, job.k, job.transA, job.transB,
        job.lda, job.ldb, job.ldc, job.alpha, job.beta, isHalf(job.a)),
    nativeResult: () => undefined,
    // ~50 GFLOP/s on one core for the small products this estimate decides on (f64 n = 128:
    // 60-75 measured, f32 twice that), so it errs towards the job runner.
    nativeNs: (2 * job.m * job.n * job.k) / 50,
  };
}

/**
 * A stack that is one product: B shared (stride 0), A's and C's matrices one after another,
 * as numpy's broadcast of a stack by one matrix. The same test as native/gemm/batch.cc's, so
 * halves take the one product's half path (no float32 copies where it packs) with the
 * arithmetic the stack would have had.
 */
function asOneProduct(job: GemmBatchJob): GemmJob | undefined {
  if (job.strideB !== 0 || job.transA || job.strideA !== job.m * job.lda || job.strideC !== job.m * job.ldc) return undefined;
  const { n, k, transB, alpha, beta, a, lda, b, ldb, c, ldc } = job;
  return { m: job.m * job.batch, n, k, transA: false, transB, alpha, beta, a, lda, b, ldb, c, ldc };
}

async function runBatch(fn: string, job: GemmBatchJob, o: v.CheckedOptions): Promise<void> {
  const one = isHalf(job.a) ? asOneProduct(job) : undefined;
  if (one) return runAsync(gemmCall(fn, one), o);
  await runAsync(gemmBatchCall(fn, job), o);
}

function runBatchSync(fn: string, job: GemmBatchJob, o: v.CheckedOptions): void {
  const one = isHalf(job.a) ? asOneProduct(job) : undefined;
  if (one) return runSync(gemmCall(fn, one), o);
  runSync(gemmBatchCall(fn, job), o);
}

/**
 * A stack of half products: the addon and the wasm engine take the halves, widening a run of
 * products at a time into float32 scratch (native/gemm/half_batch.cc), C rounded once; the
 * JS engines, which have no half kernel, run the float32 stack of widened copies
 * (kernels/half-widened.ts). Either way the bits of the float32 stack of the widened operands.
 */
function gemmBatchCall(fn: string, job: GemmBatchJob): Call<GemmBatchJob, void, void> {
  const half = isHalf(job.a);
  return {
    fn,
    kernel: half ? halfWidened(gemmBatchKernel, ['a', 'b'], 'c') : gemmBatchKernel,
    job,
    native: (addon: Addon, async, id, threads) =>
      addon.gemmBatch(async, id, threads, forAddon(job.a), forAddon(job.b), forAddon(job.c), job.batch, job.m, job.n, job.k,
        job.transA, job.transB, job.lda, job.ldb, job.ldc, job.strideA, job.strideB, job.strideC, job.alpha, job.beta, half),
    nativeResult: () => undefined,
    nativeNs: (2 * job.batch * job.m * job.n * job.k) / 50, // as gemm's, over every product
  };
}

/**
 * C = A·B for dense row-major matrices of one element type, or stacks of them (`batch`).
 * Float16Array operands are multiplied in float32 and give a Float16Array, or fill a
 * Float32Array `out`.
 */
export async function matmul<T extends GemmArray, O extends GemmArray = T>(a: Matrix<T>, b: Matrix<T>,
  opts?: CallOptions & { out?: O }): Promise<Matrix<O>> {
  const o = v.callOptions('matmul', opts);
  const job = matmulJob('matmul', a, b, opts?.out);
  if ('batch' in job) await runBatch('matmul', job, o);
  else await runAsync(gemmCall('matmul', job), o);
  return product(job);
}

export function matmulSync<T extends GemmArray, O extends GemmArray = T>(a: Matrix<T>, b: Matrix<T>,
  opts?: SyncOptions & { out?: O }): Matrix<O> {
  const o = v.callOptions('matmulSync', opts);
  const job = matmulJob('matmulSync', a, b, opts?.out);
  if ('batch' in job) runBatchSync('matmulSync', job, o);
  else runSync(gemmCall('matmulSync', job), o);
  return product(job);
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

/** BLAS strided batched gemm: C_i = alpha·op(A_i)·op(B_i) + beta·C_i for i < args.batch, written into args.c, which is returned. */
export async function gemmBatch<T extends GemmArray>(args: GemmBatchArgs<T>, opts?: CallOptions): Promise<GemmBatchArgs<T>['c']> {
  const o = v.callOptions('gemmBatch', opts);
  await runBatch('gemmBatch', gemmJob('gemmBatch', args, true), o);
  return args.c;
}

export function gemmBatchSync<T extends GemmArray>(args: GemmBatchArgs<T>, opts?: SyncOptions): GemmBatchArgs<T>['c'] {
  const o = v.callOptions('gemmBatchSync', opts);
  runBatchSync('gemmBatchSync', gemmJob('gemmBatchSync', args, true), o);
  return args.c;
}
