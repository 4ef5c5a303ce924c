// The WebAssembly engine's side of each kernel: what is copied into the module's memory,
// how the call is cut into slices, and what is copied out. A slice is one export call on a
// bounded piece (rows of C, a stretch of the data): an async call yields to the event loop
// and sees an abort between slices (backends/js.ts runs them), and a count larger than
// wasm32's 4 GiB runs through a fixed staging buffer. A Sync GEMM is one slice (re-staging
// B per slice costs ~2/rows of the work). Slices never change the arithmetic: a GEMM's depth
// blocking depends on k and the kernel only, never on m, and counts are exact, so Sync and
// async calls agree bit for bit. Async GEMMs worth a hand-off, and large counts over shared
// memory, run on the worker pool instead (wasmWorkerKernel; the workers' side is
// wasm-thread.ts), their tiles likewise independent of the thread count.
import { codes, rangeError, runtimeError } from '../errors';
import type { GemmJob } from '../kernels/gemm';
import type { GemmBatchJob } from '../kernels/gemm-batch';
import type { GemvJob } from '../kernels/gemv';
import {
  minMaxResult, type CountByColumnJob, type CountByRowJob, type CountJob, type HistogramJob, type MinMaxJob, type WeightedHistogramJob,
} from '../kernels/count';
import { copyBits } from '../kernels/valid-bits';
import type { AnyKernel, JsKernel } from '../kernels/kernel';
import type { MinMax, NumericArray } from '../types';
import { ctorOf, typedArrayKind } from '../validate';
import { isHalf } from '../half';
import { THREAD_STAGE_BYTES, WASM_MEMORY_BYTES, webAssembly, type WasmEngine, type WasmExports } from './wasm';

// Element type codes of native/wasm/exports.cc (ElemCode).
const ELEM_CODES: Record<string, number> = {
  Int8Array: 0, Uint8Array: 1, Uint8ClampedArray: 1, Int16Array: 2, Uint16Array: 3, Int32Array: 4, Uint32Array: 5,
  BigInt64Array: 6, BigUint64Array: 7, Float32Array: 8, Float64Array: 9, Float16Array: 10,
};

function elemCode(a: NumericArray): number {
  return ELEM_CODES[Object.prototype.toString.call(a).slice(8, -1)];
}

// A count slice: big enough that a call's fixed cost is noise, small enough to stay in L2/L3
// between the copy in and the kernel's pass, and to take about a millisecond.
const SLICE_BYTES = 1 << 20;
// An async GEMM slice: ~4 MFLOP, about a millisecond, so the event loop's turns stay short
// (the JS driver yields every 4 ms; 20 MFLOP slices held it for a p99 of 127 ms under load).
const ASYNC_SLICE_FLOPS = 4e6;
// Memory the module needs besides a GEMM's operands: stack, data and the driver's scratch
// (a staged block of B, at most 16 MiB, and packed A panels).
const GEMM_RESERVE_BYTES = 96 << 20;

/** A kernel's wasm side: `start` copies in what every slice shares; `dispose` frees it whatever happened. */
interface WasmKernel<J, S, R> {
  start(engine: WasmEngine, job: J, fn: string, sync: boolean): S;
  slices(s: S): number;
  run(s: S, t: number): void;
  finish(s: S): R;
  dispose(s: S): void;
}

/** Buffers of one call in the module's memory, freed together. */
class Buffers {
  private readonly ptrs: number[] = [];
  constructor(readonly engine: WasmEngine, private readonly fn: string) {}

  alloc(bytes: number): number {
    const p = this.engine.exports.ck_alloc(bytes) >>> 0;
    if (p === 0) throw tooLarge(this.fn, `could not grow its memory by ${bytes} bytes`);
    this.ptrs.push(p);
    return p;
  }

  /** A byte view of wasm memory: made after every allocation, since the memory may have grown. */
  bytes(ptr: number, length: number): Uint8Array {
    return new Uint8Array(this.engine.memory.buffer, ptr, length);
  }

  /** Copies `rows` rows of `cols` elements, `ld` apart in `src` from element `from`, into ptr (packed). */
  copyIn(ptr: number, src: NumericArray, from: number, rows: number, cols: number, ld: number): void {
    const es = src.BYTES_PER_ELEMENT;
    const whole = new Uint8Array(src.buffer, src.byteOffset, src.byteLength);
    if (ld === cols || rows <= 1) {
      this.bytes(ptr, rows * cols * es).set(whole.subarray(from * es, (from + rows * cols) * es));
      return;
    }
    const dst = this.bytes(ptr, rows * cols * es);
    for (let r = 0; r < rows; r++) {
      const s = (from + r * ld) * es;
      dst.set(whole.subarray(s, s + cols * es), r * cols * es);
    }
  }

  /** The reverse of copyIn. */
  copyOut(ptr: number, dst: NumericArray, from: number, rows: number, cols: number, ld: number): void {
    const es = dst.BYTES_PER_ELEMENT;
    const whole = new Uint8Array(dst.buffer, dst.byteOffset, dst.byteLength);
    const src = this.bytes(ptr, rows * cols * es);
    if (ld === cols || rows <= 1) {
      whole.set(src, from * es);
      return;
    }
    for (let r = 0; r < rows; r++) whole.set(src.subarray(r * cols * es, (r + 1) * cols * es), (from + r * ld) * es);
  }

  /** Writes values of `like`'s element type at ptr (bounds, thresholds). */
  write(ptr: number, like: NumericArray, values: ArrayLike<number | bigint>): void {
    const Ctor = like.constructor as { new (b: ArrayBufferLike, o: number, n: number): { set(v: ArrayLike<number | bigint>): void } };
    new Ctor(this.engine.memory.buffer, ptr, values.length).set(values);
  }

  free(): void {
    for (const p of this.ptrs) this.engine.exports.ck_free(p);
    this.ptrs.length = 0;
  }
}

/** The refusal of work that cannot fit the wasm32 memory. */
export function tooLarge(fn: string, why: string): RangeError {
  return rangeError(fn, codes.TOO_LARGE_FOR_WASM,
    `the WebAssembly engine ${why}: wasm32 memory ends at 4 GiB; use backend 'native', 'workers' or 'js'`);
}

/** Refuses a GEMM whose operands cannot all be in the module's memory at once; checked before any allocation. */
export function checkGemmFits(fn: string, job: Pick<GemmJob, 'm' | 'n' | 'k' | 'a'>): void {
  // Halves are held twice: as copied in, and widened to float32.
  const bytes = (job.m * job.k + job.k * job.n + job.m * job.n) * (isHalf(job.a) ? 6 : job.a.BYTES_PER_ELEMENT);
  if (bytes > WASM_MEMORY_BYTES - GEMM_RESERVE_BYTES)
    throw tooLarge(fn, `cannot hold a ${job.m}x${job.k} by ${job.k}x${job.n} product (${bytes} bytes of operands)`);
}

/**
 * A GEMM as the module sees it once start() has copied the operands in (packed, so the
 * leading dimensions are the rows' lengths): plain numbers, all a tile needs on any thread.
 * Tile t is rows [t·rows, t·rows + rows) of C, one export call.
 */
export interface GemmTiles extends Pick<GemmJob, 'm' | 'n' | 'k' | 'transA' | 'transB' | 'alpha' | 'beta'> {
  elem: number;
  a: number;
  b: number;
  c: number;
  es: number;
  rows: number;
}

export function gemmTileCount(g: GemmTiles): number {
  return g.n === 0 ? 0 : Math.ceil(g.m / g.rows); // no C, nothing to do
}

/** Runs tile t of g on the calling thread's instance of the module. */
export function gemmTile(x: WasmExports, g: GemmTiles, t: number): void {
  const i0 = t * g.rows, rows = Math.min(g.rows, g.m - i0);
  // Rows [i0, i0 + rows) of op(A): row i0 of A, or column i0 of a transposed A.
  const a = g.a + (g.transA ? i0 : i0 * g.k) * g.es, lda = Math.max(1, g.transA ? g.m : g.k);
  const ldb = Math.max(1, g.transB ? g.k : g.n);
  x.ck_gemm(g.elem, rows, g.n, g.k, g.transA ? 1 : 0, g.transB ? 1 : 0, a, lda, g.b, ldb, g.c + i0 * g.n * g.es,
    Math.max(1, g.n), g.alpha, g.beta);
}

/** How a GEMM is cut: one tile (Sync), ~1 ms slices (async on the calling thread), or tiles for worker threads. */
type GemmCut = 'sync' | 'inline' | 'workers';

// Worker tiles: ~64 MFLOP, so that re-packing B for each tile (the price of tiles that need
// nothing from each other) stays ~10% of it, and an abort still lands within milliseconds.
const WORKER_TILE_FLOPS = 64e6;

function tileRows(cut: GemmCut, m: number, n: number, k: number): number {
  if (cut === 'sync') return Math.max(1, m);
  const flops = cut === 'inline' ? ASYNC_SLICE_FLOPS : WORKER_TILE_FLOPS;
  return Math.max(16, Math.ceil(flops / (2 * Math.max(1, n) * Math.max(1, k)) / 16) * 16);
}

interface GemmState {
  job: GemmJob;
  buf: Buffers;
  tiles: GemmTiles;
  /** Half C: where rows of the float32 C are rounded to halves before they are copied out. */
  halfC?: number;
}

/** Copies a stored operand in like copyIn; halves are widened to float32 at ptr (via a copy of their bits). */
function copyInComputed(buf: Buffers, ptr: number, src: GemmJob['a'], rows: number, cols: number, ld: number): void {
  if (!isHalf(src)) return buf.copyIn(ptr, src, 0, rows, cols, ld);
  const bits = buf.alloc(rows * cols * 2);
  buf.copyIn(bits, src, 0, rows, cols, ld);
  buf.engine.exports.ck_widen_half(bits, rows * cols, ptr);
}

function startGemm(engine: WasmEngine, job: GemmJob, fn: string, cut: GemmCut): GemmState {
  checkGemmFits(fn, job);
  const buf = new Buffers(engine, fn);
  try {
    const { m, n, k } = job;
    const es = isHalf(job.a) ? 4 : job.a.BYTES_PER_ELEMENT; // halves are multiplied as float32
    const aRows = job.transA ? k : m, aCols = job.transA ? m : k;
    const bRows = job.transB ? n : k, bCols = job.transB ? k : n;
    // A·A (the same array, read the same way) is copied once.
    const same = job.b === job.a && job.ldb === job.lda && bRows === aRows && bCols === aCols;
    const a = buf.alloc(m * k * es), b = same ? a : buf.alloc(k * n * es), c = buf.alloc(m * n * es);
    copyInComputed(buf, a, job.a, aRows, aCols, job.lda);
    if (!same) copyInComputed(buf, b, job.b, bRows, bCols, job.ldb);
    if (job.beta !== 0) copyInComputed(buf, c, job.c, m, n, job.ldc);
    const halfC = isHalf(job.c) ? buf.alloc(m * n * 2) : undefined;
    const tiles: GemmTiles = {
      elem: es === 4 ? 8 : 9, m, n, k, transA: job.transA, transB: job.transB, alpha: job.alpha, beta: job.beta,
      a, b, c, es, rows: tileRows(cut, m, n, k),
    };
    return { job, buf, tiles, halfC };
  } catch (err) {
    buf.free();
    throw err;
  }
}

function copyOutRows(s: GemmState, t: number, count: number): void {
  const { job, tiles: g } = s;
  const i0 = t * g.rows, rows = Math.min(g.rows * count, g.m - i0);
  if (s.halfC === undefined) return s.buf.copyOut(g.c + i0 * g.n * g.es, job.c, i0 * job.ldc, rows, g.n, job.ldc);
  const at = s.halfC + i0 * g.n * 2;
  s.buf.engine.exports.ck_narrow_half(g.c + i0 * g.n * g.es, rows * g.n, at);
  s.buf.copyOut(at, job.c, i0 * job.ldc, rows, g.n, job.ldc);
}

const gemmWasm: WasmKernel<GemmJob, GemmState, void> = {
  start: (engine, job, fn, sync) => startGemm(engine, job, fn, sync ? 'sync' : 'inline'),
  slices: (s) => gemmTileCount(s.tiles),
  run(s, t) {
    gemmTile(s.buf.engine.exports, s.tiles, t);
    copyOutRows(s, t, 1);
  },
  finish: () => undefined,
  dispose: (s) => s.buf.free(),
};

// Scratch each worker's multiply may allocate (a staged block of B and its packed A
// panels, a few MiB): made free before the workers start, so the memory never grows while
// they run.
const WORKER_SCRATCH_BYTES = 8 << 20;

/**
 * A GEMM for the worker pool (backends/workers.ts): prepare() copies the operands in on the
 * calling thread and gives the workers only GemmTiles (numbers); each worker runs the tiles
 * it claims on its own instance of the module over the shared memory (wasm-thread.ts);
 * merge() copies C out. Tiles do not depend on the thread count, so neither does the result.
 */
export function wasmGemmForWorkers(engine: WasmEngine, fn: string, threads: number): AnyKernel {
  let state: GemmState | undefined;
  const kernel: JsKernel<GemmJob | GemmTiles, void, void> = {
    name: 'wasm-gemm',
    prepare(job) {
      state = startGemm(engine, job as GemmJob, fn, 'workers');
      const room = engine.exports.ck_alloc(threads * WORKER_SCRATCH_BYTES) >>> 0;
      if (room === 0) {
        state.buf.free();
        throw tooLarge(fn, `could not grow its memory by ${threads * WORKER_SCRATCH_BYTES} bytes of scratch`);
      }
      engine.exports.ck_free(room);
      return state.tiles;
    },
    tiles: (g) => gemmTileCount(g as GemmTiles),
    run: () => {
      throw new Error('wasm-gemm tiles run on worker threads');
    },
    merge: () => copyOutRows(state!, 0, gemmTileCount(state!.tiles)),
    dispose: () => state?.buf.free(),
    outputs: [],
    work: () => 0,
  };
  return kernel;
}

/**
 * A stack of GEMMs on the calling thread. The arrays' spans are copied in as they are
 * (strides and leading dimensions kept), and C's span out at the end; a slice is a run of
 * whole products, one export call, which the native driver groups into tiles as it would
 * on the addon. C's span is copied in even when beta is 0 unless the products fill it, so
 * the elements between its matrices come back unchanged.
 */
interface GemmBatchState {
  job: GemmBatchJob;
  buf: Buffers;
  a: number;
  b: number;
  c: number;
  spanC: number;
  perSlice: number;
}

/** Elements `count` stored matrices `stride` apart span, each `one` elements. */
const span = (count: number, stride: number, one: number) => (count === 0 || one === 0 ? 0 : (count - 1) * stride + one);
/** Elements one stored rows×cols row-major matrix with leading dimension ld spans. */
const extent = (rows: number, cols: number, ld: number) => (rows === 0 || cols === 0 ? 0 : (rows - 1) * ld + cols);

const gemmBatchWasm: WasmKernel<GemmBatchJob, GemmBatchState, void> = {
  start(engine, job, fn, sync) {
    const { batch, m, n, k } = job;
    // Halves are copied in as they are (the module widens a run of products at a time); C
    // may then be a Float32Array.
    const es = job.a.BYTES_PER_ELEMENT, esC = job.c.BYTES_PER_ELEMENT;
    const spanA = span(batch, job.strideA, job.transA ? extent(k, m, job.lda) : extent(m, k, job.lda));
    const spanB = span(batch, job.strideB, job.transB ? extent(n, k, job.ldb) : extent(k, n, job.ldb));
    const spanC = span(batch, job.strideC, extent(m, n, job.ldc));
    const bytes = (spanA + spanB) * es + spanC * esC;
    if (bytes > WASM_MEMORY_BYTES - GEMM_RESERVE_BYTES)
      throw tooLarge(fn, `cannot hold a stack of ${batch} ${m}x${k} by ${k}x${n} products (${bytes} bytes of operands)`);
    const buf = new Buffers(engine, fn);
    try {
      const a = buf.alloc(spanA * es), b = buf.alloc(spanB * es), c = buf.alloc(spanC * esC);
      buf.copyIn(a, job.a, 0, 1, spanA, spanA);
      buf.copyIn(b, job.b, 0, 1, spanB, spanB);
      const filled = job.beta === 0 && job.ldc === n && job.strideC === m * n;
      if (!filled) buf.copyIn(c, job.c, 0, 1, spanC, spanC);
      const perSlice = sync ? Math.max(1, batch) : Math.max(1, Math.floor(ASYNC_SLICE_FLOPS / Math.max(1, 2 * m * n * k)));
      return { job, buf, a, b, c, spanC, perSlice };
    } catch (err) {
      buf.free();
      throw err;
    }
  },
  slices: (s) => (s.job.m === 0 || s.job.n === 0 ? 0 : Math.ceil(s.job.batch / s.perSlice)),
  run(s, t) {
    const j = s.job, es = j.a.BYTES_PER_ELEMENT, esC = j.c.BYTES_PER_ELEMENT, x = s.buf.engine.exports;
    const i0 = t * s.perSlice, count = Math.min(s.perSlice, j.batch - i0);
    const run = isHalf(j.a) ? x.ck_gemm_batch_half.bind(undefined, isHalf(j.c) ? 0 : 1) : x.ck_gemm_batch.bind(undefined, es === 4 ? 8 : 9);
    run(count, j.m, j.n, j.k, j.transA ? 1 : 0, j.transB ? 1 : 0, s.a + i0 * j.strideA * es, j.lda, j.strideA,
      s.b + i0 * j.strideB * es, j.ldb, j.strideB, s.c + i0 * j.strideC * esC, j.ldc, j.strideC, j.alpha, j.beta);
  },
  finish: (s) => s.buf.copyOut(s.c, s.job.c, 0, 1, s.spanC, s.spanC),
  dispose: (s) => s.buf.free(),
};

/**
 * A count for the worker pool, over data already on a SharedArrayBuffer: each worker copies
 * the slices it claims into its own staging buffer (WasmThreadSetup.stage) and counts them
 * there (wasm-thread.ts); the partial counts add up exactly in any order.
 */
export interface CountTiles {
  data: NumericArray;
  lo: number | bigint;
  hi: number | bigint;
  elem: number;
  perSlice: number;
}

export function countTileCount(c: CountTiles): number {
  return Math.ceil(c.data.length / c.perSlice);
}

const countForWorkers: JsKernel<CountJob | CountTiles, number, number> = {
  name: 'wasm-count',
  prepare: (job) => ({ ...(job as CountJob), elem: elemCode(job.data), perSlice: THREAD_STAGE_BYTES / job.data.BYTES_PER_ELEMENT }),
  tiles: (c) => countTileCount(c as CountTiles),
  run: () => {
    throw new Error('wasm-count tiles run on worker threads');
  },
  merge: (_c, parts) => parts.reduce((a, b) => a + b, 0),
  outputs: [],
  work: () => 0,
};

// Async GEMMs of at least this many flops go to the worker pool (~2 ms on one thread), and
// counts over at least this many bytes of shared memory when a second thread may help
// (the addon's own threshold for helpers, count.cc).
const WORKERS_MIN_FLOPS = 16e6;
const WORKERS_MIN_COUNT_BYTES = 3 << 20;

/**
 * The kernel an async wasm call runs on the worker pool, or undefined when it runs on the
 * calling thread: GEMMs big enough to pay the hand-off, and large counts over data the
 * workers can read in place (on a SharedArrayBuffer, as ck.shared() makes).
 */
export function wasmWorkerKernel(kernelName: string, job: object, engine: WasmEngine, fn: string, threads: number): AnyKernel | undefined {
  if (kernelName === 'gemm') {
    const g = job as GemmJob;
    return 2 * g.m * g.n * g.k >= WORKERS_MIN_FLOPS ? wasmGemmForWorkers(engine, fn, threads) : undefined;
  }
  if (kernelName === 'count') {
    const { data, valid } = job as CountJob;
    if (valid !== undefined) return undefined; // a bitmap's slices are staged on the calling thread
    const shared = typeof SharedArrayBuffer !== 'undefined' && data.buffer instanceof SharedArrayBuffer;
    return threads > 1 && shared && data.byteLength >= WORKERS_MIN_COUNT_BYTES ? countForWorkers : undefined;
  }
  return undefined;
}

/**
 * A staging buffer for stretches of one array, and the slice bookkeeping counts share;
 * with a validity bitmap, a second staging buffer for the slice's bits (0 without).
 */
interface Stream {
  buf: Buffers;
  data: NumericArray;
  elem: number;
  stage: number;
  perSlice: number; // elements
  valid?: Uint8Array;
  validStage: number;
}

function stream(engine: WasmEngine, fn: string, data: NumericArray, unit: number, extra: (buf: Buffers) => void,
  valid?: Uint8Array): Stream {
  const buf = new Buffers(engine, fn);
  try {
    const es = data.BYTES_PER_ELEMENT;
    const units = Math.max(1, Math.floor(SLICE_BYTES / Math.max(1, unit * es)));
    const perSlice = Math.min(Math.max(1, data.length), units * unit);
    if (perSlice * es > WASM_MEMORY_BYTES / 2) throw tooLarge(fn, `cannot stage a row of ${unit} elements`);
    const stage = buf.alloc(perSlice * es);
    const validStage = valid === undefined ? 0 : buf.alloc(Math.ceil(perSlice / 8));
    extra(buf);
    return { buf, data, elem: elemCode(data), stage, perSlice, valid, validStage };
  } catch (err) {
    buf.free();
    throw err;
  }
}

/** Copies slice t of the stream into its staging buffer; returns its first element and length. */
function stageSlice(s: Stream, t: number, total: number): [number, number] {
  const i0 = t * s.perSlice, len = Math.min(s.perSlice, total - i0);
  s.buf.copyIn(s.stage, s.data, i0, 1, len, len);
  stageValid(s, i0, len);
  return [i0, len];
}

/** Copies the bits of elements [i0, i0 + len) into the stream's bitmap stage (bit 0 = element i0); its pointer, 0 for none. */
function stageValid(s: Stream, i0: number, len: number): number {
  if (s.valid === undefined) return 0;
  copyBits(s.buf.bytes(s.validStage, Math.ceil(len / 8)), s.valid, i0, len);
  return s.validStage;
}

/** The inclusive bounds [lo, hi] of a count, in the data's type, in the engine's memory. */
function boundsIn(buf: Buffers, job: CountJob): number {
  const at = buf.alloc(16);
  buf.write(at, job.data, [job.lo, job.hi]);
  return at;
}

interface CountState extends Stream {
  bounds: number;
  total: number;
}

const countWasm: WasmKernel<CountJob, CountState, number> = {
  start(engine, job, fn) {
    let bounds = 0;
    const s = stream(engine, fn, job.data, 1, (buf) => (bounds = boundsIn(buf, job)), job.valid);
    return { ...s, bounds, total: 0 };
  },
  slices: (s) => Math.ceil(s.data.length / s.perSlice),
  run(s, t) {
    const [, len] = stageSlice(s, t, s.data.length);
    s.total += s.buf.engine.exports.ck_count(s.elem, s.stage, len, s.bounds, s.validStage);
  },
  finish: (s) => s.total,
  dispose: (s) => s.buf.free(),
};

interface ByAxisState extends Stream {
  job: CountByRowJob;
  bounds: number;
  out: number;
}

/** Slices of whole rows; `column` adds each slice's column counts up, else the slice's rows are copied out. */
function countByAxisWasm(column: boolean): WasmKernel<CountByRowJob | CountByColumnJob, ByAxisState, void> {
  return {
    start(engine, job, fn) {
      const cols = Math.max(1, job.cols);
      let bounds = 0, out = 0;
      const s = stream(engine, fn, job.data, cols, (buf) => (bounds = boundsIn(buf, job)), job.valid);
      const rowsPerSlice = Math.max(1, Math.floor(s.perSlice / cols));
      out = s.buf.alloc((column ? job.cols : rowsPerSlice) * 4);
      if (column) job.out.fill(0);
      return { ...s, perSlice: rowsPerSlice * cols, job, bounds, out };
    },
    slices: (s) => Math.ceil(s.job.rows / (s.perSlice / Math.max(1, s.job.cols))),
    run(s, t) {
      const { job, buf } = s;
      const rowsPer = s.perSlice / Math.max(1, job.cols);
      const r0 = t * rowsPer, rows = Math.min(rowsPer, job.rows - r0);
      buf.copyIn(s.stage, job.data, r0 * job.cols, 1, rows * job.cols, rows * job.cols);
      const valid = stageValid(s, r0 * job.cols, rows * job.cols);
      const x = buf.engine.exports;
      if (!column) {
        x.ck_count_by_row(s.elem, s.stage, rows, job.cols, s.bounds, s.out, valid);
        job.out.set(new Uint32Array(buf.engine.memory.buffer, s.out, rows), r0);
        return;
      }
      x.ck_count_by_column(s.elem, s.stage, rows, job.cols, s.bounds, s.out, valid);
      const part = new Uint32Array(buf.engine.memory.buffer, s.out, job.cols);
      for (let c = 0; c < job.cols; c++) job.out[c] += part[c];
    },
    finish: () => undefined,
    dispose: (s) => s.buf.free(),
  };
}

interface HistogramState extends Stream {
  job: HistogramJob;
  lower: number;
  out: number;
}

const histogramWasm: WasmKernel<HistogramJob, HistogramState, void> = {
  start(engine, job, fn) {
    const nbins = job.lower.length;
    let lower = 0, out = 0;
    const s = stream(engine, fn, job.data, 1, (buf) => {
      lower = buf.alloc((nbins + 1) * job.lower.BYTES_PER_ELEMENT);
      buf.write(lower, job.lower, job.lower as ArrayLike<number | bigint>);
      buf.write(lower + nbins * job.lower.BYTES_PER_ELEMENT, job.lower, [job.upper]);
      out = buf.alloc(nbins * 8);
    }, job.valid);
    job.out.fill(0);
    return { ...s, job, lower, out };
  },
  slices: (s) => Math.ceil(s.data.length / s.perSlice),
  run(s, t) {
    const { job, buf } = s;
    const nbins = job.lower.length;
    const [, len] = stageSlice(s, t, job.data.length);
    buf.engine.exports.ck_histogram(s.elem, s.stage, len, s.lower, nbins, s.out, job.first, job.scale, s.validStage);
    // Counts below 2^53 add exactly, so the slices' sum is the whole histogram.
    const part = new Float64Array(buf.engine.memory.buffer, s.out, nbins);
    for (let b = 0; b < nbins; b++) job.out[b] += part[b];
  },
  finish: () => undefined,
  dispose: (s) => s.buf.free(),
};

interface WeightedState {
  buf: Buffers;
  job: WeightedHistogramJob;
  elem: number;
  stage: number;
  weights: number;
  lower: number;
  out: number;
}

/** The thresholds and then the inclusive upper bound, in the data's type, as ck_histogram takes them. */
function thresholdsIn(buf: Buffers, job: HistogramJob): number {
  const nbins = job.lower.length, at = buf.alloc((nbins + 1) * job.lower.BYTES_PER_ELEMENT);
  buf.write(at, job.lower, job.lower as ArrayLike<number | bigint>);
  buf.write(at + nbins * job.lower.BYTES_PER_ELEMENT, job.lower, [job.upper]);
  return at;
}

// One slice per tile of the job (kernels/count.ts, weightedTile): the export sums the tile
// in element order, and the tiles' sums add into out in tile order, as on every engine.
const weightedHistogramWasm: WasmKernel<WeightedHistogramJob, WeightedState, void> = {
  start(engine, job, fn) {
    const buf = new Buffers(engine, fn);
    try {
      const tile = Math.min(job.tile, Math.max(1, job.data.length));
      if (tile * (job.data.BYTES_PER_ELEMENT + job.weights.BYTES_PER_ELEMENT) > WASM_MEMORY_BYTES / 2)
        throw tooLarge(fn, `cannot stage a tile of ${tile} elements and weights`);
      const stage = buf.alloc(tile * job.data.BYTES_PER_ELEMENT), weights = buf.alloc(tile * job.weights.BYTES_PER_ELEMENT);
      const lower = thresholdsIn(buf, job), out = buf.alloc(job.lower.length * 8);
      job.out.fill(0);
      return { buf, job, elem: elemCode(job.data), stage, weights, lower, out };
    } catch (err) {
      buf.free();
      throw err;
    }
  },
  slices: (s) => Math.ceil(s.job.data.length / s.job.tile),
  run(s, t) {
    const { job, buf } = s, nbins = job.lower.length;
    const i0 = t * job.tile, len = Math.min(job.tile, job.data.length - i0);
    buf.copyIn(s.stage, job.data, i0, 1, len, len);
    buf.copyIn(s.weights, job.weights, i0, 1, len, len);
    buf.engine.exports.ck_histogram_weighted(s.elem, s.stage, len, s.lower, nbins, s.out, job.first, job.scale, s.weights,
      typedArrayKind(job.weights) === 'Float32Array' ? 1 : 0);
    const part = new Float64Array(buf.engine.memory.buffer, s.out, nbins);
    for (let b = 0; b < nbins; b++) job.out[b] += part[b];
  },
  finish: () => undefined,
  dispose: (s) => s.buf.free(),
};

interface MinMaxState extends Stream {
  out: number; // [lo, hi] in the data's type, folded slice by slice
}

/** count.h's MinMax::none() for the data's type: floats start from the infinities, so NaN alone leaves lo > hi. */
function noneOf(data: NumericArray): [number | bigint, number | bigint] {
  const kind = typedArrayKind(data)!;
  if (kind === 'Float32Array' || kind === 'Float64Array' || kind === 'Float16Array') return [Infinity, -Infinity];
  if (kind === 'BigInt64Array') return [2n ** 63n - 1n, -(2n ** 63n)];
  if (kind === 'BigUint64Array') return [2n ** 64n - 1n, 0n];
  const bits = data.BYTES_PER_ELEMENT * 8;
  return kind.startsWith('Int') ? [2 ** (bits - 1) - 1, -(2 ** (bits - 1))] : [2 ** bits - 1, 0];
}

const minMaxWasm: WasmKernel<MinMaxJob, MinMaxState, MinMax> = {
  start(engine, job, fn) {
    let out = 0;
    const s = stream(engine, fn, job.data, 1, (buf) => {
      out = buf.alloc(16);
      buf.write(out, job.data, noneOf(job.data));
    }, job.valid);
    return { ...s, out };
  },
  slices: (s) => Math.ceil(s.data.length / s.perSlice),
  run(s, t) {
    const [, len] = stageSlice(s, t, s.data.length);
    s.buf.engine.exports.ck_min_max(s.elem, s.stage, len, s.out, s.validStage);
  },
  finish(s) {
    const Ctor = ctorOf(s.data) as unknown as new (b: ArrayBufferLike, o: number, n: number) => ArrayLike<number | bigint>;
    const pair = new Ctor(s.buf.engine.memory.buffer, s.out, 2);
    return minMaxResult([pair[0], pair[1]]);
  },
  dispose: (s) => s.buf.free(),
};

interface GemvState {
  job: GemvJob;
  buf: Buffers;
  elem: number;
  es: number; // bytes of A's and x's elements as stored (2 for halves)
  x: number;
  stage: number; // a slice of A's rows
  part: number; // the slice's result: its rows of A·x, or its partial sums of Aᵀ·x
  rowsPer: number;
  /** Aᵀ·x into a Float16Array: the slices' sums kept in float32, rounded once at the end. */
  sum?: Float32Array;
}

/**
 * A matrix-vector product a slice of A's rows at a time, each slice staged once: A·x writes
 * the slice's rows of y; Aᵀ·x adds the slice's partial sums into y in slice order, in y's own
 * precision (float32 for halves). Slices depend on the shape only, so Sync and async calls
 * agree bit for bit. Halves are staged as they are (the kernels widen them as they read
 * them) in the slices their float32 widening would have had, which fix Aᵀ·x's sums.
 */
const gemvWasm: WasmKernel<GemvJob, GemvState, void> = {
  start(engine, job, fn) {
    const buf = new Buffers(engine, fn);
    try {
      const half = isHalf(job.a);
      const es = job.a.BYTES_PER_ELEMENT, sumEs = half ? 4 : es, cols = job.cols;
      const rowsPer = Math.max(1, Math.min(job.rows, Math.floor(SLICE_BYTES / (cols * sumEs))));
      if (rowsPer * cols * sumEs > WASM_MEMORY_BYTES / 2) throw tooLarge(fn, `cannot stage a row of ${cols} elements`);
      const x = buf.alloc(job.x.length * es);
      buf.copyIn(x, job.x, 0, 1, job.x.length, job.x.length);
      const stage = buf.alloc(rowsPer * cols * es);
      const part = buf.alloc((job.trans ? cols : rowsPer) * sumEs);
      const sum = job.trans && isHalf(job.y) ? new Float32Array(cols) : undefined;
      return { job, buf, elem: elemCode(job.a), es, x, stage, part, rowsPer, sum };
    } catch (err) {
      buf.free();
      throw err;
    }
  },
  slices: (s) => Math.ceil(s.job.rows / s.rowsPer),
  run(s, t) {
    const { job, buf } = s;
    const r0 = t * s.rowsPer, n = Math.min(s.rowsPer, job.rows - r0);
    buf.copyIn(s.stage, job.a, r0 * job.cols, 1, n * job.cols, n * job.cols);
    buf.engine.exports.ck_gemv(s.elem, job.trans ? 1 : 0, n, job.cols, s.stage, job.trans ? s.x + r0 * s.es : s.x, s.part);
    const Sum = (isHalf(job.a) ? Float32Array : ctorOf(job.y)) as unknown as new (b: ArrayBufferLike, o: number, n: number) => Float64Array;
    const part = new Sum(buf.engine.memory.buffer, s.part, job.trans ? job.cols : n);
    const y = s.sum ?? job.y;
    if (!job.trans) y.set(part, r0);
    else if (t === 0) y.set(part);
    else for (let j = 0; j < part.length; j++) y[j] += part[j];
  },
  finish: (s) => {
    if (s.sum !== undefined) s.job.y.set(s.sum);
  },
  dispose: (s) => s.buf.free(),
};

const WASM_TWINS: Record<string, WasmKernel<any, any, unknown>> = {
  gemm: gemmWasm, gemmBatch: gemmBatchWasm, count: countWasm, countByRow: countByAxisWasm(false), histogram: histogramWasm, minMax: minMaxWasm,
  countByColumn: countByAxisWasm(true),
  gemv: gemvWasm,
  weightedHistogram: weightedHistogramWasm,
};

/**
 * The wasm side of a JS kernel, in the JsKernel shape backends/js.ts runs (prepare, tiles,
 * run, merge, dispose), so Sync and async calls take the same path as the JS kernels do.
 */
export function wasmKernelFor(kernelName: string, engine: WasmEngine, fn: string, sync: boolean): AnyKernel {
  const wk = WASM_TWINS[kernelName];
  if (wk === undefined) throw new Error(`no WebAssembly kernel for ${kernelName}`);
  const twin: JsKernel<unknown, void, unknown> & { dispose(s: unknown): void } = {
    name: `wasm ${kernelName}`,
    prepare: (job) => wk.start(engine, job, fn, sync),
    tiles: (s) => wk.slices(s),
    run: (s, t0, t1) => {
      try {
        for (let t = t0; t < t1; t++) wk.run(s, t);
      } catch (err) {
        // A trap (the module's allocator could not grow for the driver's scratch) is a
        // failure of the engine, not of the input: reported as the addon reports its own.
        if (webAssembly !== undefined && err instanceof webAssembly.RuntimeError)
          throw runtimeError(fn, codes.NATIVE_FAILURE, `the WebAssembly kernel failed: ${err.message}`, err);
        throw err;
      }
    },
    merge: (s) => wk.finish(s),
    dispose: (s) => wk.dispose(s),
    outputs: [],
    work: () => 0,
  };
  return twin;
}
