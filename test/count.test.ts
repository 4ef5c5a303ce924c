// countInRange / countInRangeSync: exact range counts over every element type.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ck from '../dist/index.js';
import { backends } from './helpers/backends.js';
import { INCLUSIVE, KINDS, makeArray, rangeCaseArb, show, type Kind } from './helpers/kinds.js';
import { mulberry32, refCount, type Inclusive, type Scalar } from './helpers/reference.js';

const kindByName = (name: string): Kind => KINDS.find((k) => k.name === name)!;

describe.each(backends())('countInRange on the %s backend', (backend) => {
  describe.each(KINDS.map((k) => [k.name, k] as const))('%s', (_name, kind) => {
    it('matches the exact reference for random data, bounds and inclusive modes (async and sync)', async () => {
      await fc.assert(
        fc.asyncProperty(rangeCaseArb(kind), async (c) => {
          const data = makeArray(kind, c.values, c.offset, c.shared);
          const stored = Array.from(data as ArrayLike<Scalar>);
          const expected = refCount(stored, c.lo, c.hi, c.inclusive);
          const opts = { backend, inclusive: c.inclusive };
          const got = await ck.countInRange(data, c.lo, c.hi, opts);
          expect(got, `[${stored.map(show)}] in ${show(c.lo)}..${show(c.hi)} ${c.inclusive}`).toBe(expected);
          expect(ck.countInRangeSync(data, c.lo, c.hi, opts)).toBe(expected);
        }),
        { numRuns: 50 },
      );
    });

    it('counts a large array (odd length, unaligned view) like the reference', async () => {
      const n = 400_003;
      const rnd = mulberry32(kind.name.length * 7919);
      const buf = new kind.ctor(n + 1);
      const data = new kind.ctor(buf.buffer, kind.ctor.BYTES_PER_ELEMENT, n);
      for (let i = 0; i < n; i++) {
        const r = rnd();
        if (kind.bigint) {
          const signed = kind.name === 'BigInt64Array';
          const wide = (BigInt(Math.floor(rnd() * 2 ** 32)) << 32n) | BigInt(Math.floor(rnd() * 2 ** 32));
          const small = BigInt(Math.floor(rnd() * 201) - (signed ? 100 : 0));
          (data as any)[i] = r < 0.5 ? small : signed ? BigInt.asIntN(64, wide) : wide;
        } else if (kind.float) {
          (data as any)[i] = r < 0.01 ? NaN : r < 0.02 ? Infinity : (rnd() - 0.5) * 20;
        } else {
          (data as any)[i] = Math.floor(Number(kind.min) + r * (Number(kind.max) - Number(kind.min) + 1));
        }
      }
      const stored = Array.from(data as ArrayLike<Scalar>);
      const boundSets: [Scalar, Scalar, Inclusive][] = kind.bigint
        ? [
            [-(2n ** 62n), 2n ** 62n, 'both'],
            [0n, 2n ** 63n, 'left'],
            [-50.5, 50.5, 'neither'],
          ]
        : kind.float
          ? [
              [-2.5, 3.1, 'both'],
              [0.1, Infinity, 'right'],
              [-Infinity, 0, 'left'],
            ]
          : [
              [Number(kind.min) / 3 + 0.5, Number(kind.max) / 2 - 0.25, 'both'],
              [-Infinity, 0, 'neither'],
              [1, Number(kind.max), 'right'],
            ];
      for (const [lo, hi, inclusive] of boundSets) {
        const expected = refCount(stored, lo, hi, inclusive);
        expect(await ck.countInRange(data, lo, hi, { backend, inclusive })).toBe(expected);
        expect(ck.countInRangeSync(data, lo, hi, { backend, inclusive })).toBe(expected);
      }
    });
  });

  it('follows pandas between for each inclusive mode, default both', async () => {
    const data = new Int32Array([0, 1, 2, 3, 4]);
    expect(await ck.countInRange(data, 1, 3, { backend })).toBe(3);
    const want: Record<Inclusive, number> = { both: 3, neither: 1, left: 2, right: 2 };
    for (const inclusive of INCLUSIVE) {
      expect(await ck.countInRange(data, 1, 3, { backend, inclusive })).toBe(want[inclusive]);
      expect(ck.countInRangeSync(data, 1, 3, { backend, inclusive })).toBe(want[inclusive]);
    }
  });

  it('compares fractional bounds on integer arrays mathematically', async () => {
    const data = new Int32Array([1, 2, 3, 4, 5]);
    expect(await ck.countInRange(data, 2.5, 4, { backend })).toBe(2);
    expect(await ck.countInRange(data, 2.5, 4.5, { backend, inclusive: 'neither' })).toBe(2);
    expect(await ck.countInRange(data, 1.0000001, 4.9999999, { backend })).toBe(3);
    expect(await ck.countInRange(new Uint8Array([0, 0, 1, 255]), -1, 0.5, { backend })).toBe(2);
    expect(await ck.countInRange(new Int8Array([-128, 127]), -128.5, 127.5, { backend, inclusive: 'neither' })).toBe(2);
    expect(await ck.countInRange(new Uint32Array([0xffffffff]), 4294967295.5, Infinity, { backend })).toBe(0);
  });

  it('never rounds a bound to float32: 0.1 means the mathematical 0.1', async () => {
    const f = new Float32Array([0.1]); // stored as 0.100000001490116...
    expect(f[0]).toBeGreaterThan(0.1);
    expect(await ck.countInRange(f, 0, 0.1, { backend })).toBe(0);
    expect(await ck.countInRange(f, 0.1, 1, { backend, inclusive: 'neither' })).toBe(1);
    expect(await ck.countInRange(f, f[0], f[0], { backend })).toBe(1);
    expect(ck.countInRangeSync(f, 0, 0.1, { backend })).toBe(0);
    // 16777217 is not a float32; the element below it is 16777216.
    const g = new Float32Array([16777216]);
    expect(await ck.countInRange(g, 16777216.5, 16777217, { backend })).toBe(0);
    expect(await ck.countInRange(g, -Infinity, 16777215.9, { backend })).toBe(0);
  });

  it('compares 64-bit integers exactly with number and bigint bounds', async () => {
    const big = 2n ** 53n + 1n; // not representable as a double
    const d = new BigInt64Array([big]);
    expect(await ck.countInRange(d, 2 ** 53, 2 ** 53, { backend })).toBe(0);
    expect(await ck.countInRange(d, 2 ** 53, 2 ** 53 + 2, { backend, inclusive: 'neither' })).toBe(1);
    expect(await ck.countInRange(d, big, big, { backend })).toBe(1);
    expect(await ck.countInRange(d, big - 1n, big, { backend, inclusive: 'left' })).toBe(0);
    expect(await ck.countInRange(d, 2 ** 53 - 1, 2 ** 53 + 2, { backend, inclusive: 'right' })).toBe(1);
    const extremes = new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n, 0n]);
    expect(await ck.countInRange(extremes, -(2n ** 64n), 2n ** 64n, { backend })).toBe(3);
    expect(await ck.countInRange(extremes, -Infinity, Infinity, { backend, inclusive: 'neither' })).toBe(3);
    expect(await ck.countInRange(extremes, -(2 ** 63), 2 ** 63, { backend, inclusive: 'neither' })).toBe(2);
    expect(await ck.countInRange(extremes, 2n ** 63n - 1n, 2 ** 63, { backend })).toBe(1);
    const u = new BigUint64Array([2n ** 64n - 1n, 0n]);
    expect(await ck.countInRange(u, 2 ** 64, Infinity, { backend })).toBe(0); // 2**64 is exact, above the max
    expect(await ck.countInRange(u, 2 ** 64 - 2048, 2 ** 64, { backend, inclusive: 'right' })).toBe(1);
    expect(await ck.countInRange(u, -0.5, 0, { backend })).toBe(1);
    expect(await ck.countInRange(u, -1n, 0n, { backend, inclusive: 'left' })).toBe(0);
    expect(ck.countInRangeSync(u, 2 ** 64, Infinity, { backend })).toBe(0);
  });

  it('never counts NaN and handles infinities', async () => {
    const d = new Float64Array([NaN, 1, NaN, Infinity, -Infinity, -0]);
    expect(await ck.countInRange(d, -Infinity, Infinity, { backend })).toBe(4);
    expect(await ck.countInRange(d, -Infinity, Infinity, { backend, inclusive: 'neither' })).toBe(2);
    expect(await ck.countInRange(d, 0, 0, { backend })).toBe(1); // -0 == 0
    expect(await ck.countInRange(new Float32Array([NaN, NaN]), -Infinity, Infinity, { backend })).toBe(0);
  });

  it('returns 0 when lo > hi and for empty arrays', async () => {
    expect(await ck.countInRange(new Float64Array([1, 2, 3]), 3, 1, { backend })).toBe(0);
    expect(await ck.countInRange(new Int16Array([1, 2, 3]), 2.5, 2.4, { backend })).toBe(0);
    expect(await ck.countInRange(new BigInt64Array([1n, 2n]), 2n, 1n, { backend })).toBe(0);
    expect(await ck.countInRange(new Float64Array(0), -Infinity, Infinity, { backend })).toBe(0);
    expect(ck.countInRangeSync(new Float64Array([1, 2, 3]), 3, 1, { backend })).toBe(0);
  });

  it('accepts a Buffer (a Uint8Array) and views with a byte offset', async () => {
    const b = Buffer.from([1, 2, 3, 200]);
    expect(await ck.countInRange(b, 2, 200, { backend })).toBe(3);
    const whole = new Int16Array([100, 1, 2, 3, 100]);
    const view = whole.subarray(1, 4);
    expect(await ck.countInRange(view, 0, 50, { backend })).toBe(3);
    expect(await ck.countInRange(view, 50, 200, { backend })).toBe(0);
    expect(ck.countInRangeSync(view, 0, 50, { backend })).toBe(3);
  });

  it('counts shared-memory arrays', async () => {
    const d = ck.shared(Float64Array, 1000);
    for (let i = 0; i < d.length; i++) d[i] = i;
    expect(await ck.countInRange(d, 10, 19.5, { backend })).toBe(10);
    expect(ck.countInRangeSync(d, 10, 19.5, { backend })).toBe(10);
  });

  it('does not modify its input', async () => {
    const d = new Float32Array([3, 1, NaN, 2]);
    const copy = Float32Array.from(d);
    await ck.countInRange(d, 0, 2, { backend });
    expect(Array.from(d)).toEqual(Array.from(copy));
  });

  it('gives the same count for every thread cap', async () => {
    const kind = kindByName('Float64Array');
    const n = 200_001;
    const rnd = mulberry32(99);
    const d = new kind.ctor(n) as Float64Array;
    for (let i = 0; i < n; i++) d[i] = rnd();
    const expected = refCount(Array.from(d), 0.25, 0.75);
    for (let t = 1; t <= ck.threads(); t++) {
      expect(await ck.countInRange(d, 0.25, 0.75, { backend, threads: t })).toBe(expected);
    }
  });
});
