// info() and close(): what runs where, and ending the worker threads.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultBackend, threads, threadsOrigin } from './config';
import { native } from './backends/native';
import { wasm, wasmSimd } from './backends/wasm';
import { closeWorkers, workersState } from './backends/workers';
import type { Info } from './types';

let version: string | undefined;

/** The package's version; 'unknown' where it cannot be read (--allow-fs-read not covering package.json). */
function packageVersion(): string {
  try {
    return (version ??= (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version);
  } catch {
    return 'unknown';
  }
}

export function info(): Info {
  const n = native();
  const choice = defaultBackend();
  const workers = workersState();
  const w = wasm();
  const engine = n.addon ? 'native' : w.engine ? 'wasm' : 'js';
  const backend = choice === 'auto' ? (engine !== 'js' ? engine : threads() > 1 && workers.available ? 'workers' : 'js') : choice;
  const wasmInfo: Info['wasm'] = w.engine ? { loaded: true, simd: w.engine.simd } : { loaded: false, simd: wasmSimd(), error: w.error };
  if (wasmInfo.simd === undefined) delete wasmInfo.simd;
  const nativeInfo: Info['native'] = n.addon
    ? { loaded: true, isa: n.addon.info().isa, cpu: n.addon.info().cpu, openmp: n.addon.info().openmp, build: n.build }
    : { loaded: false, error: n.error };
  return {
    version: packageVersion(), backend, engine, native: nativeInfo, wasm: wasmInfo, workers: { ...workers },
    threads: threads(), threadsSource: threadsOrigin().source,
  };
}

/** Ends the worker threads. The process never needs it to exit; later calls start new ones. */
export async function close(): Promise<void> {
  await closeWorkers();
}
