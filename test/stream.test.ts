// countInRange and histogram over sources (data larger than memory): async and sync
// iterables of TypedArrays and byte sources read as a dtype. The result must equal the
// in-memory call on the concatenated data, on every backend, with aborts and bad sources
// refused as documented.
import { describe, expect, it, vi } from 'vitest';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import * as ck from '../dist/index.js';
import { backends } from './helpers/backends.js';
import { mulberry32 } from './helpers/reference.js';

const EDGES = [0, 0.1, 0.25, 0.5, 0.5000001, 0.9, 1];

/** n doubles in [0, 1) with a few NaNs and edge values, deterministic. */
function doubles(n: number, seed: number): Float64Array {
  const rnd = mulberry32(seed), x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = i % 997 === 0 ? NaN : i % 991 === 0 ? 0.5 : rnd();
  return x;
}

/** Consecutive pieces of `x` of random lengths in 1..max (copies: a chunk is its own memory). */
function pieces<T extends { length: number; slice(a: number, b: number): T }>(x: T, max: number, seed: number): T[] {
  const rnd = mulberry32(seed), out: T[] = [];
  for (let at = 0; at < x.length;) {
    const n = 1 + Math.floor(rnd() * max);
    out.push(x.slice(at, at + n));
    at += n;
  }
  return out;
}

async function* slowly<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) {
    await new Promise((r) => setImmediate(r));
    yield item;
  }
}

const bytesOf = (x: ArrayBufferView) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);
const expectCode = (code: string, Class: ErrorConstructor) => expect.objectContaining({ name: Class.name, code });

// 2.6M doubles: 20 MiB, past two 8 MiB blocks; one chunk of 1.2M doubles is larger than a
// block and is counted in place.
const big = doubles(2_600_000, 1);
const bigChunks = [...pieces(big.subarray(0, 600_000).slice(), 40_000, 2), big.slice(600_000, 1_800_000), ...pieces(big.subarray(1_800_000).slice(), 300_000, 3)];

describe.each(backends())('streaming on the %s backend', (backend) => {
  it('countInRange over an async iterable of chunks (tiny, mid-size and larger than a block) equals the in-memory count', async () => {
    const want = await ck.countInRange(big, 0.25, 0.75, { backend });
    expect(await ck.countInRange(slowly(bigChunks), 0.25, 0.75, { backend })).toBe(want);
    expect(await ck.countInRange(bigChunks, 0.25, 0.75, { backend, inclusive: 'neither' }))
      .toBe(ck.countInRangeSync(big, 0.25, 0.75, { backend, inclusive: 'neither' }));
  });

  it('countInRangeSync and histogramSync take a plain Iterable (e.g. a generator)', () => {
    function* gen() {
      yield* bigChunks;
    }
    expect(ck.countInRangeSync(gen(), 0.1, 0.2, { backend })).toBe(ck.countInRangeSync(big, 0.1, 0.2, { backend }));
    expect(Array.from(ck.histogramSync(gen(), EDGES, { backend }))).toEqual(Array.from(ck.histogramSync(big, EDGES, { backend })));
  });

  it('histogram over a source equals the in-memory histogram', async () => {
    const want = Array.from(await ck.histogram(big, EDGES, { backend }));
    expect(Array.from(await ck.histogram(slowly(bigChunks), EDGES, { backend }))).toEqual(want);
  });

  it('a Readable of raw bytes with dtype, elements split anywhere across chunks (1 to 13 bytes)', async () => {
    const x = doubles(20_000, 4);
    const chunks = pieces(bytesOf(x), 13, 5);
    expect(chunks.some((c) => c.length % 8 !== 0)).toBe(true); // the premise: elements straddle chunks
    expect(await ck.countInRange(Readable.from(chunks), 0.25, 0.75, { backend, dtype: 'float64' }))
      .toBe(ck.countInRangeSync(x, 0.25, 0.75));
    expect(Array.from(await ck.histogram(Readable.from(chunks), EDGES, { backend, dtype: 'float64' })))
      .toEqual(Array.from(ck.histogramSync(x, EDGES)));
  });

  it('large byte chunks: aligned ones read in place, odd offsets and straddling elements copied', async () => {
    const x = doubles(400_000, 9), raw = bytesOf(x);
    const odd = Buffer.alloc(raw.length + 3);
    raw.copy(odd, 3);
    const at = (from: number, to: number) => odd.subarray(3 + from, 3 + to); // byteOffset 3 mod 8
    const aligned = (from: number, to: number) => raw.subarray(from, to);
    // 1 MiB aligned, then 100003 bytes (ends mid-element), 1 MiB at an odd offset, the rest aligned again.
    const chunks = [aligned(0, 1 << 20), aligned(1 << 20, (1 << 20) + 100_003), at((1 << 20) + 100_003, (2 << 20) + 100_003),
      aligned((2 << 20) + 100_003, raw.length)];
    expect(await ck.countInRange(chunks, 0.25, 0.75, { backend, dtype: 'float64' })).toBe(ck.countInRangeSync(x, 0.25, 0.75));
    expect(ck.minMaxSync(chunks, { backend, dtype: 'float64' })).toEqual(ck.minMaxSync(x));
  });

  it('fs.createReadStream of a file of int32 and of int64 (bigint bounds)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ck-stream-'));
    try {
      const rnd = mulberry32(6);
      const i32 = Int32Array.from({ length: 300_001 }, () => Math.floor(rnd() * 2000) - 1000);
      const i64 = BigInt64Array.from(i32, (v) => BigInt(v) * 3_000_000_000n);
      await writeFile(join(dir, 'i32'), bytesOf(i32));
      await writeFile(join(dir, 'i64'), bytesOf(i64));
      const file = (name: string) => createReadStream(join(dir, name), { highWaterMark: 65_536 + 3 });
      expect(await ck.countInRange(file('i32'), -10, 500, { backend, dtype: 'int32' })).toBe(ck.countInRangeSync(i32, -10, 500));
      expect(await ck.countInRange(file('i64'), -30_000_000_000n, 1_500_000_000_000n, { backend, dtype: 'int64' }))
        .toBe(ck.countInRangeSync(i64, -30_000_000_000n, 1_500_000_000_000n));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('an empty source counts 0 and gives an all-zero histogram, its bounds still checked', async () => {
    expect(await ck.countInRange(slowly([]), 0, 1, { backend })).toBe(0);
    expect(ck.countInRangeSync(new Set<Float32Array>(), 0, 1, { backend })).toBe(0);
    expect(await ck.countInRange(Readable.from([]), 0n, 1n, { backend, dtype: 'uint64' })).toBe(0);
    expect(Array.from(await ck.histogram(slowly([]), [0, 1, 2], { backend }))).toEqual([0, 0]);
    await expect(ck.countInRange(slowly([]), NaN, 1, { backend })).rejects.toThrow(expectCode('ERR_CK_NAN_BOUND', RangeError));
    await expect(ck.countInRange([new Float64Array(3)], 0n, 1n, { backend }))
      .rejects.toThrow(expectCode('ERR_CK_INVALID_ARG_TYPE', TypeError));
  });

  it('abort mid-stream rejects with AbortError and stops the source (iterator returned, stream destroyed)', async () => {
    let returned = false, pulled = 0;
    async function* endless() {
      try {
        for (;;) {
          pulled++;
          await new Promise((r) => setTimeout(r, 1));
          yield new Float64Array(1000);
        }
      } finally {
        returned = true;
      }
    }
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 30);
    await expect(ck.countInRange(endless(), 0, 1, { backend, signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
    // The generator is suspended in its own await: return() runs once that settles (the call
    // does not wait for it, since a source stuck in an await would hold the rejection forever).
    await vi.waitFor(() => expect(returned).toBe(true), { timeout: 1000 });
    const at = pulled;
    await new Promise((r) => setTimeout(r, 20));
    expect(pulled).toBe(at); // nothing more is read

    const stream = new Readable({ read() {} }); // a socket that never sends
    const ac2 = new AbortController();
    const p = ck.histogram(stream, [0, 1], { backend, signal: ac2.signal, dtype: 'float64' });
    stream.push(Buffer.alloc(16));
    setTimeout(() => ac2.abort(new Error('user stop')), 10);
    await expect(p).rejects.toMatchObject({ name: 'AbortError', cause: expect.objectContaining({ message: 'user stop' }) });
    expect(stream.destroyed).toBe(true);
  });

  it('an already aborted signal rejects before anything is read', async () => {
    let started = false;
    async function* source() {
      started = true;
      yield new Float64Array(1);
    }
    await expect(ck.countInRange(source(), 0, 1, { backend, signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(started).toBe(false);
  });

  it('a source that throws rejects the call with its own error, and nothing is left running', async () => {
    const boom = new Error('disk on fire');
    async function* failing() {
      yield big.slice(0, 1_100_000); // a block is running when the source fails
      yield new Float64Array(10);
      throw boom;
    }
    await expect(ck.countInRange(failing(), 0, 1, { backend })).rejects.toBe(boom);
    const stream = new Readable({ read() {} });
    const p = ck.countInRange(stream, 0, 1, { backend, dtype: 'float64' });
    stream.destroy(boom);
    await expect(p).rejects.toBe(boom);
  });
});

describe('bad sources are refused with a coded error', () => {
  it('chunks of two element types', async () => {
    await expect(ck.countInRange([new Float64Array(2), new Float32Array(2)], 0, 1)).rejects.toThrow(
      expect.objectContaining({ code: 'ERR_CK_INVALID_ARG_TYPE', message: expect.stringMatching(/chunk 1 of the source is a Float32Array but the first was a Float64Array/) }));
    expect(() => ck.histogramSync([new Int8Array(2), [1, 2] as never], [0, 1])).toThrow(
      expect.objectContaining({ name: 'TypeError', code: 'ERR_CK_INVALID_ARG_TYPE', message: expect.stringMatching(/chunk 1 of the source must be a TypedArray/) }));
  });

  it('a Readable without dtype, an unknown dtype, a non-string dtype; nothing read', async () => {
    const stream = Readable.from([Buffer.alloc(8)]);
    await expect(ck.countInRange(stream, 0, 1)).rejects.toThrow(
      expect.objectContaining({ name: 'TypeError', code: 'ERR_CK_INVALID_ARG_TYPE', message: expect.stringMatching(/Readable yields raw bytes: give options.dtype/) }));
    await expect(ck.countInRange(stream, 0, 1, { dtype: 'float128' as never })).rejects.toThrow(expectCode('ERR_CK_OUT_OF_RANGE', RangeError));
    await expect(ck.histogram(stream, [0, 1], { dtype: 8 as never })).rejects.toThrow(expectCode('ERR_CK_INVALID_ARG_TYPE', TypeError));
    expect(stream.readableDidRead).toBe(false);
  });

  it('a byte source that ends part-way into an element', async () => {
    await expect(ck.countInRange(Readable.from([Buffer.alloc(8), Buffer.alloc(3)]), 0, 1, { dtype: 'float64' })).rejects.toThrow(
      expect.objectContaining({ name: 'RangeError', code: 'ERR_CK_PARTIAL_ELEMENT', message: expect.stringMatching(/3 byte\(s\) into a 8-byte element/) }));
    expect(() => ck.countInRangeSync([new Uint8Array(5)], 0, 1, { dtype: 'int16' })).toThrow(expectCode('ERR_CK_PARTIAL_ELEMENT', RangeError));
  });

  it('an array of numbers, or an empty array, is not a source: refused as data that is not a TypedArray', async () => {
    for (const data of [[1, 2], []]) {
      await expect(ck.countInRange(data as never, 0, 1)).rejects.toThrow(
        expect.objectContaining({ name: 'TypeError', code: 'ERR_CK_INVALID_ARG_TYPE', message: 'countInRange: data must be a TypedArray (got Array)' }));
      expect(() => ck.minMaxSync(data as never)).toThrow(expect.objectContaining({ code: 'ERR_CK_INVALID_ARG_TYPE', message: 'minMaxSync: data must be a TypedArray (got Array)' }));
    }
  });

  it('a byte source yielding strings', async () => {
    await expect(ck.countInRange(Readable.from(['abc']), 0, 1, { dtype: 'uint8' })).rejects.toThrow(
      expect.objectContaining({ code: 'ERR_CK_INVALID_ARG_TYPE', message: expect.stringMatching(/chunk 0 of the byte source is string/) }));
  });

  it('an async source given to a Sync twin, bad edges and bad options before anything is read', async () => {
    let started = false;
    async function* source() {
      started = true;
      yield new Float64Array(1);
    }
    expect(() => ck.countInRangeSync(source() as never, 0, 1)).toThrow(
      expect.objectContaining({ name: 'TypeError', code: 'ERR_CK_INVALID_ARG_TYPE', message: expect.stringMatching(/async source .* needs the async countInRange/) }));
    await expect(ck.histogram(source(), [1, 0])).rejects.toThrow(expectCode('ERR_CK_INVALID_EDGES', RangeError));
    await expect(ck.countInRange(source(), 0, 1, { threads: 0 })).rejects.toThrow(expectCode('ERR_CK_OUT_OF_RANGE', RangeError));
    await expect(ck.countInRange(source(), 0, 1, { backend: 'nope' as never })).rejects.toThrow(expectCode('ERR_CK_OUT_OF_RANGE', RangeError));
    expect(started).toBe(false);
  });
});
