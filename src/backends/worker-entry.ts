// A worker thread of the workers backend: claims tiles of one call through a shared
// counter until none are left or the call is cancelled, and returns their partials.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { kernels } from '../kernels/index';
import { fromWire, type WireJob } from './wire';
import type { WasmThreadSetup } from './wasm';
import { setUpWasmThread, wasmThreadKernels } from './wasm-thread';

export interface TaskMessage {
  kernel: string;
  job: WireJob;
  tiles: number;
  /** This call's pair in the shared control array: [next tile to claim, cancelled flag]. */
  slot: number;
  /** With the first wasm task a worker receives: its instance of the engine (wasm-thread.ts). */
  wasm?: WasmThreadSetup;
}

const { control, nice } = workerData as { control: Int32Array; nice: number };

// Below the event loop's thread: with as many workers as cores, the scheduler would give
// the main thread only an equal share of a core, and every copy or callback it runs while
// the kernels compute would wait out other threads' time slices (event-loop delays of
// ~20 ms measured on 2 cores). Linux sets a thread's priority by its id (/proc/thread-self);
// elsewhere, or where the OS refuses, the worker keeps the normal priority.
function lowerPriority(nice: number): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, nice);
  } catch {
    // not Linux, or not permitted: normal priority
  }
}
lowerPriority(nice);
export type ReplyMessage = { ok: true; parts: [number, unknown][] } | { ok: false; error: string };

parentPort!.on('message', (msg: TaskMessage) => {
  const reply = (r: ReplyMessage) => parentPort!.postMessage(r);
  try {
    if (msg.wasm) setUpWasmThread(msg.wasm);
    const kernel = kernels[msg.kernel] ?? wasmThreadKernels[msg.kernel];
    const job = fromWire(msg.job);
    const parts: [number, unknown][] = [];
    for (;;) {
      if (Atomics.load(control, 2 * msg.slot + 1) !== 0) break;
      const t = Atomics.add(control, 2 * msg.slot, 1);
      if (t >= msg.tiles) break;
      parts.push([t, kernel.run(job, t, t + 1)]);
    }
    reply({ ok: true, parts });
  } catch (err) {
    reply({ ok: false, error: err instanceof Error ? err.stack ?? err.message : String(err) });
  }
});
