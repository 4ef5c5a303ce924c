// The job format sent to workers (src/backends/wire.ts): no TypedArray view crosses (Deno
// walks every element of one), and the views rebuilt on the other side are the same memory,
// kind, offset and length; other fields pass unchanged.
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const wire = require('../dist/backends/wire.js') as typeof import('../dist/backends/wire.js');

const KINDS = [
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
] as const;

describe('worker job wire format', () => {
  it.each(KINDS.map((Kind) => [Kind.name, Kind] as const))('%s: an offset view on shared memory round-trips to the same memory', (_, Kind) => {
    const buffer = new SharedArrayBuffer(16 * Kind.BYTES_PER_ELEMENT);
    const view = new Kind(buffer, 3 * Kind.BYTES_PER_ELEMENT, 9);
    const job = { data: view, lo: 2, hi: 5n, transA: true };
    const sent = wire.toWire(job);
    expect(Object.values(sent).some((v) => ArrayBuffer.isView(v))).toBe(false);
    // What a worker receives: a structured clone (shared memory stays shared).
    const back = wire.fromWire(structuredClone(sent)) as typeof job;
    expect(back.data).toBeInstanceOf(Kind);
    expect([back.data.byteOffset, back.data.length]).toEqual([3 * Kind.BYTES_PER_ELEMENT, 9]);
    expect({ lo: back.lo, hi: back.hi, transA: back.transA }).toEqual({ lo: 2, hi: 5n, transA: true });
    const seven = Kind === BigInt64Array || Kind === BigUint64Array ? 7n : 7;
    (back.data as Uint8Array)[0] = seven as never;
    expect(view[0]).toBe(seven);
  });
});
