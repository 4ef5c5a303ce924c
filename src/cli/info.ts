// `corekernels info`: what runs where on this machine, and why the addon is missing if it is.
import { availableParallelism } from 'node:os';
import { info } from '../index';

export function renderInfo(json: boolean): string {
  const i = info();
  if (json) return `${JSON.stringify(i, null, 2)}\n`;
  const n = i.native;
  const native = n.loaded
    ? `loaded · ISA ${n.isa} · ${n.build} build · OpenMP ${n.openmp ? 'on' : 'off'}`
    : `not loaded: ${n.error}`;
  const wasm = i.wasm.loaded ? `loaded · ${i.wasm.simd} SIMD` : `not loaded: ${i.wasm.error}`;
  const env = process.env.COREKERNELS_THREADS;
  const threadsFrom = env ? `COREKERNELS_THREADS=${env}` : `os.availableParallelism() = ${availableParallelism()}`;
  return [
    `corekernels ${i.version}`,
    `backend  ${i.backend} (what 'auto' uses for large work)`,
    `native   ${native}`,
    `wasm     ${wasm}`,
    `threads  ${i.threads} (${threadsFrom})`,
    `node     ${process.version} ${process.platform}-${process.arch}`,
    '',
  ].join('\n');
}
