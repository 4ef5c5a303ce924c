// Runs an in-memory call block by block over a source and merges the partial results.
// Reading overlaps counting: while up to IN_FLIGHT blocks run (on whichever engine the call
// chose), the next block is gathered. Memory stays bounded by the blocks in flight plus one
// being filled, whatever the source's length.
import { abortError, codes, typeError } from '../errors';
import type { NumericArray } from '../types';
import { readsInPlace } from '../dispatch';
import { callOptions } from '../validate';
import { Blocks, type Block } from './blocks';
import { dtypeOf, isReadable, iteratorOf, type Ctor, type Source } from './source';

// 8 MiB: a native count of it takes ~0.6 ms on one core, far above the ~80 us a thread
// hand-off costs, and three in memory (two running, one filling) stay small.
export const BLOCK_BYTES = 8 << 20;
// Where a call reads its input in place for a few microseconds of overhead (the addon, the
// JS kernels), a chunk this large is counted where it is: copying it would cost more than
// the call's overhead (64 KiB copies in ~6 us). The workers backend gathers whole blocks.
const IN_PLACE_BYTES = 64 << 10;
// An in-place chunk up to this size is counted by the Sync twin: the call finishes before
// the next chunk is read either way, and ~80 us of work (native) or ~1 ms (JS) on the
// calling thread costs less than the async call's promise turns (bench/stream.mjs: fs
// streams give 64 KiB chunks, where those turns were most of the per-chunk cost).
const SYNC_MAX_BYTES = 1 << 20;
const IN_FLIGHT = 2;

export interface Reduction<R> {
  fn: string;
  /** The in-memory call on one block (the public function itself, so every engine serves it). */
  run(block: NumericArray, signal: AbortSignal): Promise<R>;
  runSync(block: NumericArray): R;
  merge(acc: R, part: R): R;
  /** The result of an empty source: the in-memory call on no elements of this type. */
  empty: (ctor: Ctor | undefined) => NumericArray;
}

interface StreamOptions {
  signal?: AbortSignal;
  dtype?: unknown;
}

/** The whole source reduced; equal to the in-memory call on the concatenated data. */
export async function reduceSource<R>(red: Reduction<R>, source: Source, opts: StreamOptions | undefined): Promise<R> {
  const checked = callOptions(red.fn, opts as never); // refuses bad options before anything is read
  const { signal } = checked;
  const blocks = new Blocks(red.fn, dtypeOf(red.fn, source, opts?.dtype), BLOCK_BYTES, readsInPlace(checked) ? IN_PLACE_BYTES : BLOCK_BYTES);
  if (signal?.aborted) throw abortError(red.fn, signal.reason);
  const inner = new AbortController();
  const onAbort = () => inner.abort(signal!.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  const { it, async } = iteratorOf(red.fn, source);
  const running = new Set<Promise<void>>();
  let acc: R | undefined;
  let failure: { error: unknown } | undefined;
  let finished = false;

  const fail = (error: unknown) => {
    failure ??= { error };
    inner.abort();
  };
  const start = (block: Block) => {
    const p: Promise<void> = red.run(block.data, inner.signal).then(
      (part) => void (acc = acc === undefined ? part : red.merge(acc, part)),
      fail,
    ).finally(() => {
      block.release();
      running.delete(p);
    });
    running.add(p);
    return p;
  };
  // The next chunk, or the abort if that comes first (a slow socket must not hold an aborted
  // call). One listener for the whole call rejects whichever read is pending: racing every
  // read against one long-lived promise would pile a reaction on it per chunk.
  let interrupt: ((reason: unknown) => void) | undefined;
  inner.signal.addEventListener('abort', () => interrupt?.(inner.signal.reason), { once: true });
  const nextChunk = () => new Promise<IteratorResult<unknown>>((resolve, reject) => {
    interrupt = reject;
    (it as AsyncIterator<unknown>).next().then(resolve, reject);
  });

  try {
    for (let index = 0; ; index++) {
      const step = async ? await nextChunk() : (it as Iterator<unknown>).next();
      if (failure) break;
      if (step.done) {
        finished = true;
        break;
      }
      for (const block of blocks.push(step.value, index)) {
        if (block.inPlace && block.data.byteLength <= SYNC_MAX_BYTES) {
          const part = red.runSync(block.data);
          acc = acc === undefined ? part : red.merge(acc, part);
          continue;
        }
        const p = start(block);
        if (block.inPlace) await p;
        while (running.size >= IN_FLIGHT) await Promise.race(running);
        if (failure) break;
      }
      if (failure) break;
    }
    if (!failure) {
      const last = blocks.end();
      if (last) start(last);
    }
    await Promise.all(running);
  } catch (err) {
    fail(err);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (!finished) stopReading(source, it);
    await Promise.allSettled(running);
  }
  if (signal?.aborted) throw abortError(red.fn, signal.reason);
  if (failure) throw failure.error;
  return acc ?? red.run(red.empty(blocks.ctor), inner.signal);
}

/** The Sync twin: a plain Iterable only (an async source cannot be waited for synchronously). */
export function reduceSourceSync<R>(red: Reduction<R>, source: Source, opts: StreamOptions | undefined): R {
  callOptions(red.fn, opts as never);
  // A Sync call runs on the calling thread on every backend: its input is read in place.
  const blocks = new Blocks(red.fn, dtypeOf(red.fn, source, opts?.dtype), BLOCK_BYTES, IN_PLACE_BYTES);
  const { it, async } = iteratorOf(red.fn, source);
  if (async) {
    stopReading(source, it);
    throw typeError(red.fn, codes.INVALID_ARG_TYPE, `an async source (AsyncIterable or Readable) needs the async ${red.fn.replace(/Sync$/, '')}`);
  }
  let acc: R | undefined;
  const add = (block: Block) => {
    const part = red.runSync(block.data);
    block.release();
    acc = acc === undefined ? part : red.merge(acc, part);
  };
  let finished = false;
  try {
    for (let index = 0; ; index++) {
      const step = (it as Iterator<unknown>).next();
      if (step.done) break;
      for (const block of blocks.push(step.value, index)) add(block);
    }
    finished = true;
    const last = blocks.end();
    if (last) add(last);
  } finally {
    if (!finished) stopReading(source, it);
  }
  return acc ?? red.runSync(red.empty(blocks.ctor));
}

/** Stops a source that was not read to its end: destroys a stream, returns an iterator. */
function stopReading(source: Source, it: Iterator<unknown> | AsyncIterator<unknown>): void {
  if (isReadable(source)) (source as { destroy?(): void }).destroy?.();
  try {
    const r = it.return?.();
    if (r instanceof Promise) r.catch(() => {});
  } catch {
    // a source whose return() throws has nothing more for us
  }
}
