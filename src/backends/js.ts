// The js backend: a kernel's tiles on the calling thread. Sync runs straight through; async
// runs in slices of a few milliseconds and yields to the event loop between them, so the
// process stays responsive and an abort lands between slices.
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { JsKernel } from '../kernels/kernel';

const SLICE_MS = 4;

export function runJsSync<J, P, R>(kernel: JsKernel<J, P, R>, job: J): R {
  const prepared = kernel.prepare ? kernel.prepare(job) : job;
  const tiles = kernel.tiles(prepared);
  return kernel.merge(prepared, tiles === 0 ? [] : [kernel.run(prepared, 0, tiles)]);
}

/** Throws `onAbort()` when the signal fires; checked between slices. */
export async function runJsAsync<J, P, R>(
  kernel: JsKernel<J, P, R>, job: J, signal: AbortSignal | undefined, onAbort: () => unknown,
): Promise<R> {
  const prepared = kernel.prepare ? kernel.prepare(job) : job;
  const tiles = kernel.tiles(prepared);
  const parts: P[] = [];
  let t = 0;
  while (t < tiles) {
    if (signal?.aborted) throw onAbort();
    const start = performance.now();
    while (t < tiles && performance.now() - start < SLICE_MS) parts.push(kernel.run(prepared, t, ++t));
    if (t < tiles) await yieldToLoop();
  }
  if (signal?.aborted) throw onAbort();
  return kernel.merge(prepared, parts);
}
