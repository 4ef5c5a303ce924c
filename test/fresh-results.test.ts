// Large fresh results (no options.out, more than the 8 KiB the small-result slab takes):
// each starts as uninitialised memory of its own, which must never show and never be
// shared. Every result is independent of every other, lives as long as the user holds it
// whatever the GC does with others, owns its buffer (so a transfer moves it and nothing
// else), and a call that fails or is aborted hands out nothing.
import { describe, expect, it } from 'vitest';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import * as ck from '../dist/index.js';
import { backends, type Backend } from './helpers/backends.js';
import { entry } from './helpers/child.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

type Ctor = Float64ArrayConstructor | Float32ArrayConstructor;

/** Small integers, so every product is exact and equal on every backend and thread count. */
function square(T: Ctor, n: number, seed: number) {
  const data = new T(n * n);
  for (let i = 0; i < data.length; i++) data[i] = ((i * 7 + seed * 13) % 11) - 5;
  return { data, rows: n, cols: n };
}

/** The product computed into a buffer the test owns: what a fresh result must hold. */
function expected(T: Ctor, n: number, seed: number, backend: Backend): number[] {
  const out = new T(n * n);
  ck.matmulSync(square(T, n, seed), square(T, n, seed + 1), { backend, out });
  return Array.from(out);
}

// Past the 8 KiB small-result slab: f64 40x40 is 12.8 KB, f32 64x64 16 KiB, f64 96x96 72 KiB.
const CASES = [{ T: Float64Array as Ctor, type: 'f64', n: 40 }, { T: Float32Array as Ctor, type: 'f32', n: 64 }, { T: Float64Array as Ctor, type: 'f64', n: 96 }];

describe.each(backends())('large fresh results on the %s backend', (backend) => {
  it.each(CASES)('many alive at once are independent: each is its own buffer, and scribbling on one changes no other ($type, n = $n)', async ({ T, n }) => {
    const results = [];
    for (let seed = 0; seed < 6; seed++) {
      const a = square(T, n, seed), b = square(T, n, seed + 1);
      results.push(seed % 2 === 0 ? ck.matmulSync(a, b, { backend }) : (await ck.matmul(a, b, { backend })));
    }
    const want = results.map((_, seed) => expected(T, n, seed, backend));
    for (const [seed, r] of results.entries()) {
      expect(r.data).toBeInstanceOf(T);
      expect(Array.from(r.data)).toEqual(want[seed]);
    }
    expect(new Set(results.map((r) => r.data.buffer)).size).toBe(results.length);
    results[2].data.fill(Number.NaN);
    results[3].data.fill(-1);
    for (const seed of [0, 1, 4, 5]) expect(Array.from(results[seed].data)).toEqual(want[seed]);
  });

  it('a result held survives the collection of others and fresh results made after it', () => {
    const T = Float64Array, n = 48;
    const kept: { seed: number; data: Float64Array }[] = [];
    for (let seed = 0; seed < 24; seed++) {
      const r = ck.matmulSync(square(T, n, seed), square(T, n, seed + 1), { backend });
      if (seed % 3 === 0) kept.push({ seed, data: r.data as Float64Array });
    }
    gc();
    // Memory the collected results gave back is what these are likely to be given.
    for (let seed = 0; seed < 24; seed++) ck.matmulSync(square(T, n, 40 + seed), square(T, n, 41 + seed), { backend }).data.fill(Number.NaN);
    gc();
    for (const { seed, data } of kept) expect(Array.from(data)).toEqual(expected(T, n, seed, backend));
  });
});

describe('a large fresh result owns its ArrayBuffer', () => {
  const n = 64;
  const make = (seed: number) => ck.matmulSync(square(Float64Array, n, seed), square(Float64Array, n, seed + 1));

  it('transferring it moves it (the sender\'s view is detached) and leaves every other result as it was, on every Node line', () => {
    const first = make(1), second = make(2);
    const want = Array.from(first.data), other = Array.from(second.data);
    expect(first.data.byteOffset).toBe(0);
    expect(first.data.buffer.byteLength).toBe(first.data.byteLength);
    const { port1, port2 } = new MessageChannel();
    try {
      port1.postMessage(first.data, [first.data.buffer]);
      expect(first.data.byteLength).toBe(0); // moved, not copied
      expect(Array.from(receiveMessageOnPort(port2)!.message as Float64Array)).toEqual(want);
    } finally {
      port1.close();
      port2.close();
    }
    expect(Array.from(second.data)).toEqual(other);
    expect(Array.from(make(1).data)).toEqual(want); // and the next result is whole
  });

  it('structuredClone without a transfer list copies it: writing the copy leaves the result alone', () => {
    const r = make(3), want = Array.from(r.data);
    const copy = structuredClone(r.data);
    expect(copy.buffer).not.toBe(r.data.buffer);
    copy.fill(0);
    expect(Array.from(r.data)).toEqual(want);
  });
});

describe('fresh results in worker_threads', () => {
  it('each worker\'s results are correct, and one transferred to the main thread arrives whole', async () => {
    const code = `
      const ck = require(${JSON.stringify(entry)});
      const { parentPort, workerData } = require('node:worker_threads');
      const n = workerData.n, seed = workerData.seed;
      const square = (s) => ({ data: Float64Array.from({ length: n * n }, (_, i) => ((i * 7 + s * 13) % 11) - 5), rows: n, cols: n });
      const held = [];
      for (let i = 0; i < 8; i++) held.push(ck.matmulSync(square(seed), square(seed + 1)));
      const same = held.every((r) => r.data.every((x, j) => x === held[0].data[j]));
      const r = held[7].data;
      parentPort.postMessage({ same, r }, [r.buffer]);`;
    const seeds = [5, 6, 7];
    const replies = await Promise.all(seeds.map((seed) => new Promise<{ same: boolean; r: Float64Array }>((resolve, reject) => {
      const w = new Worker(code, { eval: true, workerData: { n: 72, seed } });
      w.once('message', (m) => {
        resolve(m);
        void w.terminate();
      });
      w.once('error', reject);
    })));
    for (const [i, { same, r }] of replies.entries()) {
      expect(same).toBe(true);
      expect(Array.from(r)).toEqual(expected(Float64Array, 72, seeds[i], backends()[0]));
    }
  });
});

describe.each(backends())('a call that fails hands out no result, on the %s backend', (backend) => {
  it('an abort during a large product with a fresh result rejects with AbortError; the next fresh result is whole', async () => {
    const n = backend === 'native' ? 1500 : 1000;
    const a = square(Float64Array, n, 1), b = square(Float64Array, n, 2);
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), 20);
    const settled = await ck.matmul(a, b, { backend, signal: ac.signal }).then((r) => ({ r }), (err: unknown) => ({ err }));
    clearTimeout(timer);
    expect(settled).not.toHaveProperty('r');
    expect((settled as { err: DOMException }).err).toBeInstanceOf(DOMException);
    expect((settled as { err: DOMException }).err.name).toBe('AbortError');
    const r = await ck.matmul(square(Float64Array, 40, 3), square(Float64Array, 40, 4), { backend });
    expect(Array.from(r.data)).toEqual(expected(Float64Array, 40, 3, backend));
  });

  it('a result too large to allocate is an ERR_CK_OUT_OF_MEMORY RangeError from the Sync twin and a rejection from the async one', async () => {
    // k = 0: empty operands, but a 2^20 x 2^20 result (8 TiB), far past any ArrayBuffer.
    const m = 2 ** 20;
    const a = { data: new Float64Array(0), rows: m, cols: 0 }, b = { data: new Float64Array(0), rows: 0, cols: m };
    let err: unknown;
    try {
      ck.matmulSync(a, b, { backend });
    } catch (e) {
      err = e;
    }
    for (const e of [err, await ck.matmul(a, b, { backend }).then(() => undefined, (x: unknown) => x)]) {
      expect(e).toBeInstanceOf(RangeError);
      expect((e as { code?: string }).code).toBe('ERR_CK_OUT_OF_MEMORY');
    }
  });
});
