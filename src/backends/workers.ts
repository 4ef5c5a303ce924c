// The workers backend: the JS kernels spread over a pool of worker_threads. Tiles are
// claimed through a counter in shared memory, so a slow worker never holds up the rest;
// inputs not already on a SharedArrayBuffer are copied there once per call.
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { codes, runtimeError } from '../errors';
import { forbiddenBy, workersForbidden } from './permission';
import type { JsKernel } from '../kernels/kernel';
import type { WasmThreadSetup } from './wasm';
import type { ReplyMessage, TaskMessage } from './worker-entry';
import { toWire } from './wire';

interface Task {
  /** The public function, for error messages. */
  fn: string;
  msg: TaskMessage;
  /** For wasm kernels: a worker's engine set-up, made once per worker (its own stack). */
  wasmSetup?: () => WasmThreadSetup;
  resolve: (parts: [number, unknown][]) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  task?: Task;
  /** The worker has its instance of the WebAssembly engine. */
  hasWasm?: boolean;
}

const ENTRY = join(__dirname, 'worker-entry.js');

let availability: { available: boolean; error?: string } | undefined;

/** Whether this process may start worker threads, and why not when it may not. */
export function workersState(): { available: boolean; error?: string } {
  return (availability ??= workersForbidden() ? { available: false, error: forbiddenBy('worker') } : { available: true });
}

// Each call's [next tile, cancelled] pair lives in one SharedArrayBuffer that every worker
// receives once at start, so a call's message carries only a slot number.
const CONTROL_SLOTS = 4096;
const control = new Int32Array(new SharedArrayBuffer(CONTROL_SLOTS * 2 * 4));
const freeSlots: number[] = Array.from({ length: CONTROL_SLOTS }, (_, i) => CONTROL_SLOTS - 1 - i);
const slotWaiters: (() => void)[] = [];

/** A free slot, at once when there is one (no await on the common path), else a promise of one. */
function takeSlot(): number | Promise<number> {
  if (freeSlots.length === 0) return new Promise<void>((resolve) => slotWaiters.push(resolve)).then(takeSlot);
  const slot = freeSlots.pop()!;
  Atomics.store(control, 2 * slot, 0);
  Atomics.store(control, 2 * slot + 1, 0);
  return slot;
}

function releaseSlot(slot: number): void {
  freeSlots.push(slot);
  slotWaiters.shift()?.();
}
// Workers run this much below the process's priority (worker-entry.ts): nice 10 gives the
// event loop's thread ~10x a worker's share of a contended core.
const WORKER_NICE = 10;
const slots: Slot[] = [];
const queue: Task[] = [];

function spawn(): Slot {
  const slot: Slot = { worker: new Worker(ENTRY, { workerData: { control, nice: WORKER_NICE } }) };
  slot.worker.unref(); // an idle pool never keeps the process alive
  slot.worker.on('message', (reply: ReplyMessage) => {
    const task = slot.task!;
    slot.task = undefined;
    if (reply.ok) task.resolve(reply.parts);
    else task.reject(runtimeError(task.fn, codes.NATIVE_FAILURE, `a worker failed: ${reply.error}`));
    next(slot);
  });
  const died = (why: string) => {
    const i = slots.indexOf(slot);
    if (i >= 0) slots.splice(i, 1);
    const task = slot.task;
    slot.task = undefined;
    task?.reject(runtimeError(task.fn, codes.WORKER_DIED, `a worker thread died during the call (${why})`));
    pump(); // its replacement picks up queued work
  };
  slot.worker.on('error', (err) => died(err.message));
  slot.worker.on('exit', (code) => died(`exit code ${code}`));
  return slot;
}

function start(slot: Slot, task: Task): void {
  slot.task = task;
  slot.worker.ref(); // pending work keeps the process alive until it settles
  if (task.wasmSetup && !slot.hasWasm) {
    slot.hasWasm = true;
    slot.worker.postMessage({ ...task.msg, wasm: task.wasmSetup() });
  } else {
    slot.worker.postMessage(task.msg);
  }
}

function next(slot: Slot): void {
  const task = queue.shift();
  if (task) start(slot, task);
  else slot.worker.unref();
}

function pump(): void {
  while (queue.length > 0) {
    let slot = slots.find((s) => s.task === undefined);
    if (!slot && slots.length < poolSize) {
      try {
        slots.push((slot = spawn()));
      } catch (err) {
        if (slots.length === 0) failQueued(err); // else the running workers take the queue
        return;
      }
    }
    if (!slot) return;
    start(slot, queue.shift()!);
  }
}

/** No worker could start (the system's thread limit, or a refusal): every queued task fails. */
function failQueued(err: unknown): void {
  for (const task of queue.splice(0))
    task.reject(runtimeError(task.fn, codes.BACKEND_UNAVAILABLE, `no worker thread could start: ${(err as Error).message}`, err));
}

let poolSize = 1;

function submit(fn: string, msg: TaskMessage, wasmSetup?: () => WasmThreadSetup): Promise<[number, unknown][]> {
  return new Promise((resolve, reject) => {
    queue.push({ fn, msg, wasmSetup, resolve, reject });
    pump();
  });
}

/** Settles a call's queued (not started) tasks with no tiles done. */
function withdraw(msg: TaskMessage): void {
  for (let i = queue.length - 1; i >= 0; i--) {
    if (queue[i].msg === msg) queue.splice(i, 1)[0].resolve([]);
  }
}

/** A TypedArray that workers cannot see in place: it is copied to shared memory for the call. */
const needsCopy = (v: unknown): v is Uint8Array =>
  ArrayBuffer.isView(v) && !(v instanceof DataView) && !(v.buffer instanceof SharedArrayBuffer);

/** Bytes a call on `job` copies into (and back out of) shared memory. */
export function copiedBytes(job: object): number {
  let bytes = 0;
  for (const value of Object.values(job)) if (needsCopy(value)) bytes += value.byteLength;
  return bytes;
}

// Copies between the caller's arrays and shared memory run on the event loop's thread: in
// slices of this many bytes (~2 ms) with a turn of the loop between them, so that a large
// input (32 MB: ~15 ms) never holds the loop in one piece.
const COPY_SLICE_BYTES = 4 << 20;

/**
 * dst.set(src): at once (no await) up to one slice, which keeps every small call's number
 * of awaits the same, so calls reach the pool's queue in the order they were made; larger
 * copies return a promise that copies slice by slice, checking for an abort between slices.
 */
function copyInto(dst: Uint8Array, src: Uint8Array, checkAbort: () => void): Promise<void> | undefined {
  if (src.byteLength <= COPY_SLICE_BYTES) {
    dst.set(src);
    return undefined;
  }
  return (async () => {
    const step = Math.max(1, Math.floor(COPY_SLICE_BYTES / src.BYTES_PER_ELEMENT));
    for (let i = 0; i < src.length; i += step) {
      if (i > 0) {
        await yieldToLoop();
        checkAbort();
      }
      dst.set(src.subarray(i, i + step), i);
    }
  })();
}

/** The job with every TypedArray on shared memory, and how to copy outputs back. */
async function share<J extends object>(job: J, outputs: readonly (keyof J)[], overwritten: readonly (keyof J)[],
  checkAbort: () => void): Promise<{ shared: J; copyBack: () => Promise<void> }> {
  const shared = { ...job } as Record<string, unknown>;
  const copies = new Map<Uint8Array, Uint8Array>(); // one copy of an array passed twice (A·A)
  for (const [key, value] of Object.entries(job)) {
    if (!needsCopy(value)) continue;
    const fill = !overwritten.includes(key as keyof J);
    const again = fill ? copies.get(value) : undefined;
    if (again !== undefined) {
      shared[key] = again;
      continue;
    }
    const Kind = value.constructor as { new (b: SharedArrayBuffer): Uint8Array };
    const copy = new Kind(new SharedArrayBuffer(value.byteLength));
    shared[key] = copy;
    if (!fill) continue;
    copies.set(value, copy);
    const slices = copyInto(copy, value, checkAbort);
    if (slices) await slices; // never `await undefined`: that would be a turn too
  }
  const copyBack = async () => {
    for (const key of outputs) {
      const dst = job[key] as unknown as Uint8Array, src = shared[key as string] as Uint8Array;
      const slices = src === dst ? undefined : copyInto(dst, src, () => {});
      if (slices) await slices;
    }
  };
  return { shared: shared as J, copyBack };
}

/**
 * Runs a kernel on up to `threads` workers. Resolves with the merged result; rejects with
 * `onAbort()` if the signal fires, or with a WORKER_DIED error if a worker dies. A wasm
 * kernel (backends/wasm-kernels.ts) passes `wasmSetup`, which gives each worker, once, what
 * it needs to run the engine.
 */
export async function runWorkers<J extends object, P, R>(
  fn: string, kernel: JsKernel<J, P, R>, job: J, threads: number, signal: AbortSignal | undefined, onAbort: () => unknown,
  wasmSetup?: () => WasmThreadSetup,
): Promise<R> {
  if (signal?.aborted) throw onAbort();
  const prepared = kernel.prepare ? kernel.prepare(job) : job;
  let tasks: Promise<unknown>[] = [];
  try {
    return await runPrepared(fn, kernel, prepared, threads, signal, onAbort, wasmSetup, (t) => (tasks = t));
  } finally {
    // Once no worker can still be using them: a surviving worker of a failed call may be mid-tile.
    if (kernel.dispose) void Promise.allSettled(tasks).then(() => kernel.dispose!(prepared));
  }
}

async function runPrepared<J extends object, P, R>(
  fn: string, kernel: JsKernel<J, P, R>, prepared: J, threads: number, signal: AbortSignal | undefined,
  onAbort: () => unknown, wasmSetup: (() => WasmThreadSetup) | undefined, started: (tasks: Promise<unknown>[]) => void,
): Promise<R> {
  const tiles = kernel.tiles(prepared);
  if (tiles === 0) return kernel.merge(prepared, []);
  const { shared, copyBack } = await share(prepared, kernel.outputs, kernel.overwrites?.(prepared) ?? [], () => {
    if (signal?.aborted) throw onAbort();
  });
  const free = takeSlot();
  const slot = typeof free === 'number' ? free : await free;
  const msg: TaskMessage = { kernel: kernel.name, job: toWire(shared), tiles, slot };
  const cancel = () => {
    Atomics.store(control, 2 * slot + 1, 1); // running tasks stop claiming tiles
    withdraw(msg); // queued ones settle now, not when the work ahead of them ends
  };
  signal?.addEventListener('abort', cancel, { once: true });
  poolSize = Math.max(poolSize, threads);
  const tasks = Array.from({ length: Math.min(threads, tiles) }, () => submit(fn, msg, wasmSetup));
  started(tasks);
  try {
    const replies = await Promise.all(tasks);
    if (signal?.aborted) throw onAbort();
    const parts = new Array<P>(tiles);
    let got = 0;
    for (const reply of replies) for (const [t, part] of reply) (parts[t] = part as P), got++;
    if (got !== tiles) throw runtimeError(fn, codes.WORKER_DIED, `workers returned ${got} of ${tiles} tiles`);
    await copyBack();
    return kernel.merge(prepared, parts);
  } catch (err) {
    cancel(); // stop the other workers of this call claiming more tiles
    throw err;
  } finally {
    signal?.removeEventListener('abort', cancel);
    // The slot is reused only once every task of this call has replied: a surviving worker
    // of a failed call may still be reading it.
    void Promise.allSettled(tasks).then(() => releaseSlot(slot));
  }
}

/** Ends every worker thread; a later call starts new ones. */
export async function closeWorkers(): Promise<void> {
  const all = slots.splice(0);
  await Promise.all(all.map((s) => s.worker.terminate()));
}

/** Test hook: terminates one busy worker (or else any) as if it had crashed. */
export function killOneWorker(): boolean {
  const slot = slots.find((s) => s.task) ?? slots[0];
  if (!slot) return false;
  void slot.worker.terminate();
  return true;
}

export function workerCount(): number {
  return slots.length;
}
