// A worker thread's side of the WebAssembly engine: its own instance of the engine's module
// on the shared memory (set up once, by the first wasm task it receives), and the tiles of
// the wasm kernels that run there, in the JsKernel shape worker-entry.ts runs.
import type { AnyKernel } from '../kernels/kernel';
import { instantiateThread, type WasmExports, type WasmThreadSetup } from './wasm';
import { gemmTile, gemmTileCount, type GemmTiles } from './wasm-kernels';

let instance: WasmExports | undefined;

export function setUpWasmThread(setup: WasmThreadSetup): void {
  instance ??= instantiateThread(setup);
}

function exportsHere(): WasmExports {
  if (instance === undefined) throw new Error('a wasm task reached a worker without the engine set up');
  return instance;
}

export const wasmThreadKernels: Record<string, AnyKernel> = {
  'wasm-gemm': {
    name: 'wasm-gemm',
    tiles: (g: GemmTiles) => gemmTileCount(g),
    run: (g: GemmTiles, t0: number, t1: number) => {
      const x = exportsHere();
      for (let t = t0; t < t1; t++) gemmTile(x, g, t);
    },
    merge: () => undefined,
    outputs: [],
    work: () => 0,
  },
};
