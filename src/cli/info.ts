// `corekernels info`: what runs where on this machine, and why the addon is missing if it is.
import { availableParallelism } from 'node:os';
import { threadsOrigin } from '../config';
import { info } from '../index';
import type { ThreadsSource } from '../types';

/** Why threads() is what it is, in the words of the setting that made it. */
function threadsFrom(source: ThreadsSource): string {
  switch (source) {
    case 'env':
      return `COREKERNELS_THREADS=${process.env.COREKERNELS_THREADS}`;
    case 'configure':
      return 'configure({ threads })';
    case 'cgroup': {
      const quota = threadsOrigin().quota!;
      return `the container's CPU quota: ${+quota.cpus.toFixed(2)} CPUs in ${quota.file}, rounded up; ` +
        `os.availableParallelism() = ${availableParallelism()}`;
    }
    case 'cpus':
      return `os.availableParallelism() = ${availableParallelism()}`;
  }
}

export function renderInfo(json: boolean): string {
  const i = info();
  if (json) return `${JSON.stringify(i, null, 2)}\n`;
  const n = i.native;
  const native = n.loaded
    ? `loaded · ISA ${n.isa} · ${n.build} build · OpenMP ${n.openmp ? 'on' : 'off'}`
    : `not loaded: ${n.error}`;
  const wasm = i.wasm.loaded ? `loaded · ${i.wasm.simd} SIMD` : `not loaded: ${i.wasm.error}`;
  return [
    `corekernels ${i.version}`,
    `backend  ${i.backend} (what 'auto' uses for large work)`,
    `native   ${native}`,
    `wasm     ${wasm}`,
    `workers  ${i.workers.available ? 'available' : `off: ${i.workers.error}`}`,
    `threads  ${i.threads} (${threadsFrom(i.threadsSource)})`,
    `node     ${process.version} ${process.platform}-${process.arch}`,
    '',
  ].join('\n');
}
