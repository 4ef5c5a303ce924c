// How a job crosses to a worker: each TypedArray as its SharedArrayBuffer plus kind, offset
// and length, rebuilt into a view on the other side. Why not the views themselves: Deno's
// node:worker_threads walks every received message with for...in to find MessagePorts
// (patchMessagePortIfFound in ext/node/polyfills/worker_threads.ts), which visits each
// element of a view: ~20 ms per MB on Deno 2.9, so a 16 MB input held every call back
// ~300 ms and an abort waited for it. A bare buffer has no elements to visit.
// Node and Bun pass either form in the same time.

import { Float16 } from '../half';

const VIEWS = {
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
  // Where the runtime has none, no Float16Array is ever sent: the stand-in is never used.
  Float16Array: (Float16 ?? Uint16Array) as unknown as typeof Uint16Array,
} as const;
type ViewKind = keyof typeof VIEWS;

interface WireView {
  /** Marks an encoded view; a job's own fields are numbers, bigints, booleans and views. */
  wireView: ViewKind;
  buffer: ArrayBufferLike;
  byteOffset: number;
  length: number;
}

export type WireJob = Record<string, unknown>;

const isView = (v: unknown): v is InstanceType<(typeof VIEWS)[ViewKind]> => ArrayBuffer.isView(v) && !(v instanceof DataView);

/** The job with every TypedArray replaced by its buffer, kind, offset and length. */
export function toWire(job: object): WireJob {
  const wire: WireJob = {};
  for (const [key, value] of Object.entries(job)) {
    wire[key] = isView(value)
      ? ({ wireView: value[Symbol.toStringTag] as ViewKind, buffer: value.buffer, byteOffset: value.byteOffset, length: value.length } satisfies WireView)
      : value;
  }
  return wire;
}

/** The job as the kernels take it: views rebuilt on the (shared) buffers. */
export function fromWire(wire: WireJob): Record<string, unknown> {
  const job: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(wire)) {
    const w = value as Partial<WireView> | undefined;
    job[key] = typeof w === 'object' && w !== null && w.wireView !== undefined
      ? new VIEWS[w.wireView](w.buffer as ArrayBuffer, w.byteOffset, w.length)
      : value;
  }
  return job;
}
