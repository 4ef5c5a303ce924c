// Loads the WebAssembly engine: the native/ kernels compiled for wasm32 (scripts/build-wasm.sh)
// into wasm/. Two builds ship; the relaxed-SIMD one (fused multiply-add) runs where the
// runtime validates relaxed SIMD (Node 22+; Node 20 only with --experimental-wasm-relaxed-simd,
// a flag we never set for the user), the baseline SIMD128 one elsewhere. The module is compiled
// once and instantiated on one shared WebAssembly.Memory that it imports, so worker threads can
// later run it on the same memory.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type WasmSimd = 'relaxed' | 'simd128';

// The parts of the WebAssembly JS API used here: neither TypeScript's ES2022 lib nor
// @types/node 20 declares it. Absent under --jitless.
export interface WasmModule {
  readonly [Symbol.toStringTag]: string;
}
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: unknown };
  Memory: new (desc: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  RuntimeError: new (message?: string) => Error;
}
export const webAssembly = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

/** The module's exports (native/wasm/exports.cc). Pointers and sizes are wasm32 numbers. */
export interface WasmExports {
  ck_alloc(bytes: number): number;
  ck_free(ptr: number): void;
  ck_init(): void;
  ck_gemm(elem: number, m: number, n: number, k: number, transA: number, transB: number, a: number, lda: number,
    b: number, ldb: number, c: number, ldc: number, alpha: number, beta: number): void;
  ck_gemm_batch(elem: number, batch: number, m: number, n: number, k: number, transA: number, transB: number, a: number,
    lda: number, strideA: number, b: number, ldb: number, strideB: number, c: number, ldc: number, strideC: number,
    alpha: number, beta: number): void;
  // valid: a validity bitmap over the data in the module's memory, or 0 for none.
  ck_count(elem: number, data: number, n: number, bounds: number, valid: number): number;
  ck_count_by_row(elem: number, data: number, rows: number, cols: number, bounds: number, out: number, valid: number): void;
  ck_count_by_column(elem: number, data: number, rows: number, cols: number, bounds: number, out: number, valid: number): void;
  ck_min_max(elem: number, data: number, n: number, out: number, valid: number): void;
  ck_histogram(elem: number, data: number, n: number, lower: number, nbins: number, out: number, first: number, scale: number,
    valid: number): void;
  ck_gemv(elem: number, trans: number, rows: number, cols: number, a: number, x: number, y: number): void;
  ck_histogram_weighted(elem: number, data: number, n: number, lower: number, nbins: number, out: number, first: number, scale: number,
    weights: number, weightsF32: number): void;
  ck_gemm_batch_half(cF32: number, batch: number, m: number, n: number, k: number, transA: number, transB: number, a: number,
    lda: number, strideA: number, b: number, ldb: number, strideB: number, c: number, ldc: number, strideC: number,
    alpha: number, beta: number): void;
  ck_widen_half(src: number, n: number, dst: number): void;
  ck_narrow_half(src: number, n: number, dst: number): void;
  // wasm-ld's thread set-up (scripts/build-wasm.sh exports them).
  __stack_pointer: { value: number };
  __tls_size: { value: number };
  __wasm_init_tls(block: number): void;
}

export interface WasmEngine {
  simd: WasmSimd;
  module: WasmModule;
  memory: WasmMemory;
  exports: WasmExports;
}

export interface WasmState {
  engine?: WasmEngine;
  error?: string;
}

// Pages of 64 KiB; must match scripts/build-wasm.sh (INITIAL_PAGES, MAX_PAGES).
const INITIAL_PAGES = 64;
const MAX_PAGES = 65535;
/** Bytes the module's memory can reach: the wasm32 address space less its last page. */
export const WASM_MEMORY_BYTES = MAX_PAGES * 65536;

// A module with one function returning f32x4.relaxed_madd of three constant vectors: it
// validates only where relaxed SIMD is on.
const RELAXED_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type section: () -> v128
  0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
  0x0a, 0x3d, 0x01, 0x3b, 0x00, // code section: one body of 59 bytes, no locals
  0xfd, 0x0c, ...new Array<number>(16).fill(0), // v128.const 0
  0xfd, 0x0c, ...new Array<number>(16).fill(0),
  0xfd, 0x0c, ...new Array<number>(16).fill(0),
  0xfd, 0x85, 0x02, // f32x4.relaxed_madd
  0x0b, // end
]);

/** The build to load: relaxed where it validates, unless COREKERNELS_WASM=simd128 asks for the baseline (as COREKERNELS_ISA caps the addon's path). */
function probeSimd(): WasmSimd {
  if (process.env.COREKERNELS_WASM === 'simd128') return 'simd128';
  return webAssembly!.validate(RELAXED_PROBE) ? 'relaxed' : 'simd128';
}

function load(): WasmState {
  if (process.env.COREKERNELS_WASM === 'off') return { error: 'disabled by COREKERNELS_WASM=off' };
  if (webAssembly === undefined) return { error: 'WebAssembly is not available in this runtime (e.g. node --jitless)' };
  const simd = probeSimd();
  const path = join(__dirname, '..', '..', 'wasm', `corekernels-${simd}.wasm`);
  try {
    const module = new webAssembly.Module(readFileSync(path));
    const memory = new webAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAX_PAGES, shared: true });
    const instance = new webAssembly.Instance(module, { env: { memory } });
    const kernels = instance.exports as WasmExports;
    kernels.ck_init();
    return { engine: { simd, module, memory, exports: kernels } };
  } catch (err) {
    return { error: `the WebAssembly engine did not load (${path}: ${(err as Error).message})` };
  }
}

let state: WasmState | undefined;

/** The engine, loaded on first use. */
export function wasm(): WasmState {
  return (state ??= load());
}

/** What a worker thread needs to run the engine: the compiled module, the memory, its own stack and TLS block. */
export interface WasmThreadSetup {
  module: WasmModule;
  memory: WasmMemory;
  stackTop: number;
  tls: number;
  /** The worker's own staging buffer (count slices are copied there) and its bounds pair. */
  stage: number;
  stageBytes: number;
  bounds: number;
}

/** Bytes of a worker's staging buffer: one count slice. */
export const THREAD_STAGE_BYTES = 1 << 20;

// Each thread's stack: the module's own is 1 MiB (scripts/build-wasm.sh); the drivers use
// a few KiB.
const THREAD_STACK_BYTES = 1 << 20;

/** Allocates a worker's stack and thread-local block in the engine's memory (on the thread that owns the engine). */
export function threadSetup(engine: WasmEngine): WasmThreadSetup {
  const x = engine.exports;
  const stack = x.ck_alloc(THREAD_STACK_BYTES) >>> 0, tls = x.ck_alloc(Math.max(64, x.__tls_size.value)) >>> 0;
  const stage = x.ck_alloc(THREAD_STAGE_BYTES) >>> 0, bounds = x.ck_alloc(16) >>> 0;
  if (stack === 0 || tls === 0 || stage === 0 || bounds === 0) throw new Error('the WebAssembly engine could not allocate a thread stack');
  return {
    module: engine.module, memory: engine.memory, stackTop: stack + THREAD_STACK_BYTES, tls, stage,
    stageBytes: THREAD_STAGE_BYTES, bounds,
  };
}

/**
 * Instantiates the module on a worker thread: the same memory (its data is already set up,
 * so the start function skips it), its own stack pointer and thread-locals set before any
 * call can use them.
 */
export function instantiateThread(setup: WasmThreadSetup): WasmExports {
  const x = new webAssembly!.Instance(setup.module, { env: { memory: setup.memory } }).exports as WasmExports;
  x.__stack_pointer.value = setup.stackTop;
  x.__wasm_init_tls(setup.tls);
  return x;
}

/** The SIMD level this runtime would load, for info() when the engine is off. */
export function wasmSimd(): WasmSimd | undefined {
  return webAssembly === undefined ? undefined : probeSimd();
}
