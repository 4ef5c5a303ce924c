// A worker thread's side of the WebAssembly engine: its own instance of the engine's module
// on the shared memory (set up once, by the first wasm task it receives), and the tiles of
// the wasm kernels that run there, in the JsKernel shape worker-entry.ts runs.
import type { AnyKernel } from '../kernels/kernel';
import { instantiateThread, type WasmExports, type WasmThreadSetup } from './wasm';
import type { NumericArray } from '../types';
import { countTileCount, gemmTile, gemmTileCount, type CountTiles, type GemmTiles } from './wasm-kernels';

let here: { x: WasmExports; setup: WasmThreadSetup } | undefined;

export function setUpWasmThread(setup: WasmThreadSetup): void {
  here ??= { x: instantiateThread(setup), setup };
}

function thread(): { x: WasmExports; setup: WasmThreadSetup } {
  if (here === undefined) throw new Error('a wasm task reached a worker without the engine set up');
  return here;
}

type ViewCtor = new (buffer: ArrayBufferLike, offset: number, length: number) => NumericArray;

export const wasmThreadKernels: Record<string, AnyKernel> = {
  'wasm-gemm': {
    name: 'wasm-gemm',
    tiles: (g: GemmTiles) => gemmTileCount(g),
    run: (g: GemmTiles, t0: number, t1: number) => {
      const { x } = thread();
      for (let t = t0; t < t1; t++) gemmTile(x, g, t);
    },
    merge: () => undefined,
    outputs: [],
    work: () => 0,
  },
  'wasm-count': {
    name: 'wasm-count',
    tiles: (c: CountTiles) => countTileCount(c),
    run: (c: CountTiles, t0: number, t1: number) => {
      const { x, setup } = thread();
      const Ctor = c.data.constructor as ViewCtor; // a structured clone: a plain TypedArray
      const es = c.data.BYTES_PER_ELEMENT;
      new Ctor(setup.memory.buffer, setup.bounds, 2).set([c.lo, c.hi] as ArrayLike<number> & ArrayLike<bigint>);
      let total = 0;
      for (let t = t0; t < t1; t++) {
        const i0 = t * c.perSlice, len = Math.min(c.perSlice, c.data.length - i0);
        new Uint8Array(setup.memory.buffer, setup.stage, len * es)
          .set(new Uint8Array(c.data.buffer, c.data.byteOffset + i0 * es, len * es));
        total += x.ck_count(c.elem, setup.stage, len, setup.bounds, 0); // no bitmap: wasmWorkerKernel keeps those on the calling thread
      }
      return total;
    },
    merge: () => undefined,
    outputs: [],
    work: () => 0,
  },
};
