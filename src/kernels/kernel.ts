// The shape every JS kernel takes, so that one runner serves them all: inline on the
// calling thread (backends/js.ts) or spread over worker threads (backends/workers.ts).
// Jobs are plain structured-cloneable objects: numbers, bigints and TypedArrays.

export interface JsKernel<J, P, R> {
  readonly name: string;
  /** Once per call, on the calling thread, before tiling (e.g. a transposed copy of B). */
  prepare?(job: J): J;
  /** Independent tiles. Fixed by the job, never by the thread count, so results are too. */
  tiles(job: J): number;
  /** Runs tiles [t0, t1) and returns their partial result. */
  run(job: J, t0: number, t1: number): P;
  /** Combines the partials of every tile, in tile order, on the calling thread with the caller's own arrays. */
  merge(job: J, parts: P[]): R;
  /** Releases what prepare() took (the wasm engine's buffers); called once the call settles, whichever way. */
  dispose?(job: J): void;
  /** Arrays of the job that the kernel writes: copied back when a worker got a copy. */
  readonly outputs: readonly (keyof J)[];
  /** Outputs whose every element the kernel writes without reading: a worker's copy need not be filled first. */
  overwrites?(job: J): readonly (keyof J)[];
  /** Estimated nanoseconds the job takes inline on one thread, for choosing inline versus workers. */
  work(job: J): number;
}

export type AnyKernel = JsKernel<any, any, any>;
