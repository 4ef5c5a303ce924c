// One call path for every public function: choose the backend, honour the signal, run.
// A kernel module supplies its validated job, its JS kernel and how the addon runs it.
import { native, noticeFallback, type Addon } from './backends/native';
import { runJsAsync, runJsSync } from './backends/js';
import { threadSetup, wasm } from './backends/wasm';
import { wasmKernelFor, wasmWorkerKernel } from './backends/wasm-kernels';
import { copiedBytes, runWorkers, workersState } from './backends/workers';
import { abortError, codes, runtimeError } from './errors';
import type { JsKernel } from './kernels/kernel';
import type { BackendName } from './types';
import type { CheckedOptions } from './validate';

// When 'auto' has no addon, a call goes to the workers only if the time other threads save
// exceeds what the hand-off costs. Measured with bench/workers-crossover.mjs on 2 cores:
// workers win from ~0.8 ms of inline work (matmul n = 128, a 130k-element count on shared
// memory), i.e. ~0.4 ms saved. Inputs not on a SharedArrayBuffer are copied there first,
// on the calling thread: 32 MB took 14.5 ms (fresh pages included), which is why a count
// over a plain Float64Array never gains from workers however large it is.
const WORKERS_MIN_SAVING_NS = 400_000;
const COPY_NS_PER_BYTE = 0.45;

/** Whether 'auto' without the addon should hand this call to the workers. */
function workersPay(inlineNs: number, threads: number, copied: number): boolean {
  return threads > 1 && inlineNs * (1 - 1 / threads) >= WORKERS_MIN_SAVING_NS + COPY_NS_PER_BYTE * copied;
}

export interface Call<J extends object, P, R> {
  fn: string;
  kernel: JsKernel<J, P, R>;
  job: J;
  /** Runs the job on the addon: returns R (sync) or a promise of the addon's value (async). */
  native: (addon: Addon, async: boolean, id: number, threads: number) => unknown;
  /** Turns what the addon returned into R. */
  nativeResult: (value: unknown) => R;
  /** Estimated nanoseconds the addon takes on one thread: tiny async calls run inline. */
  nativeNs: number;
}

// An async call this small runs on the calling thread: handing it to the job runner costs a
// thread wake-up (~80 us on a VM) that dwarfs it (an async 64x64 f64 matmul took 91 us
// through the runner, 9 us inline). 100 us holds the event loop no longer than a minor GC.
const NATIVE_INLINE_NS = 100_000;

function backendFor<J extends object>(fn: string, opts: CheckedOptions, kernel: JsKernel<J, unknown, unknown>, job: J, sync: boolean): BackendName {
  const { addon } = native();
  switch (opts.backend) {
    case 'native':
      if (!addon) throw runtimeError(fn, codes.BACKEND_UNAVAILABLE, `backend 'native' is not available: ${native().error}`);
      return 'native';
    case 'wasm':
      if (!wasm().engine) throw runtimeError(fn, codes.BACKEND_UNAVAILABLE, `backend 'wasm' is not available: ${wasm().error}`);
      return 'wasm';
    case 'workers': {
      if (sync) return 'js'; // a Sync twin cannot wait for other threads safely
      const workers = workersState();
      if (!workers.available) throw runtimeError(fn, codes.BACKEND_UNAVAILABLE, `backend 'workers' is not available: ${workers.error}`);
      return 'workers';
    }
    case 'js':
      return 'js';
    default: {
      if (addon) return 'native';
      const workers = workersState();
      if (wasm().engine) {
        noticeFallback('WebAssembly', workers.error);
        return 'wasm';
      }
      noticeFallback('JavaScript', workers.error);
      return !sync && workers.available && workersPay(kernel.work(job), opts.threads, copiedBytes(job)) ? 'workers' : 'js';
    }
  }
}

/**
 * Whether a call on the chosen backend reads its input where it is for a few microseconds
 * of overhead (the addon; the JS kernels inline), rather than handing it to worker threads,
 * which costs a hand-off and, off shared memory, a copy. Streams use it to choose between
 * counting a chunk in place and gathering chunks into shared blocks.
 */
export function readsInPlace(opts: CheckedOptions): boolean {
  if (opts.backend === 'workers') return false;
  if (opts.backend !== 'auto') return true; // native, js, and wasm (which copies a chunk into its memory once either way)
  return native().addon !== undefined || wasm().engine !== undefined || opts.threads === 1;
}

export function runSync<J extends object, P, R>(call: Call<J, P, R>, opts: CheckedOptions): R {
  const backend = backendFor(call.fn, opts, call.kernel, call.job, true);
  if (backend === 'native') return call.nativeResult(call.native(native().addon!, false, 0, opts.threads));
  if (backend === 'wasm') return runJsSync(wasmKernelFor(call.kernel.name, wasm().engine!, call.fn, true), call.job) as R;
  return runJsSync(call.kernel, call.job);
}

/** For calls that need no kernel (an empty range): still reject if already aborted. */
export function checkAborted(fn: string, opts: CheckedOptions): void {
  if (opts.signal?.aborted) throw abortError(fn, opts.signal.reason);
}

let nextId = 0;

/**
 * A failure on another thread carries no trace of the caller. The trace taken here, in the
 * catch after the await resumed, has V8's async frames: the user's own `await` line (as
 * sharp appends the caller's stack). Taking it after the failure rather than before every
 * call keeps 2 to 5 us of stack capture off the path of calls that succeed.
 */
function withCallerStack(err: unknown): unknown {
  if (!(err instanceof Error) || err instanceof DOMException) return err;
  const site: { stack?: string } = {};
  Error.captureStackTrace(site, runAsync);
  const frames = site.stack ? site.stack.slice(site.stack.indexOf('\n')) : '';
  if (frames) err.stack = `${err.stack ?? String(err)}\n    --- called from ---${frames}`;
  return err;
}

export async function runAsync<J extends object, P, R>(call: Call<J, P, R>, opts: CheckedOptions): Promise<R> {
  const { signal } = opts;
  const onAbort = () => abortError(call.fn, signal?.reason);
  if (signal?.aborted) throw onAbort();
  const backend = backendFor(call.fn, opts, call.kernel, call.job, false);
  if (backend === 'js') return runJsAsync(call.kernel, call.job, signal, onAbort);
  if (backend === 'wasm') {
    const engine = wasm().engine!;
    // Work worth a hand-off runs on the worker pool, each worker with its own instance of the
    // module on the one shared memory; the rest runs on the calling thread, a slice at a time
    // between turns of the event loop, as the JS kernels do.
    const onWorkers = workersState().available ? wasmWorkerKernel(call.kernel.name, call.job, engine, call.fn, opts.threads) : undefined;
    if (!onWorkers)
      return runJsAsync(wasmKernelFor(call.kernel.name, engine, call.fn, false), call.job, signal, onAbort) as Promise<R>;
    try {
      return (await runWorkers(call.fn, onWorkers, call.job, opts.threads, signal, onAbort, () => threadSetup(engine))) as R;
    } catch (err) {
      throw withCallerStack(err);
    }
  }
  if (backend === 'workers') {
    try {
      return await runWorkers(call.fn, call.kernel, call.job, opts.threads, signal, onAbort);
    } catch (err) {
      throw withCallerStack(err);
    }
  }
  const addon = native().addon!;
  if (call.nativeNs < NATIVE_INLINE_NS) return call.nativeResult(call.native(addon, false, 0, opts.threads));
  const id = signal ? (nextId = (nextId % 0x7fffffff) + 1) : 0;
  const cancel = () => addon.cancel(id);
  signal?.addEventListener('abort', cancel, { once: true });
  try {
    return call.nativeResult(await (call.native(addon, true, id, opts.threads) as Promise<unknown>));
  } catch (err) {
    if ((err as { code?: string }).code === 'ABORT_ERR') throw onAbort();
    throw withCallerStack(err);
  } finally {
    signal?.removeEventListener('abort', cancel);
  }
}
