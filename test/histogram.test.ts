// histogram / histogramSync: numpy.histogram with explicit edges, exact comparisons.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ck from '../dist/index.js';
import { backends } from './helpers/backends.js';
import { KINDS, boundArb, elementArb, makeArray, show } from './helpers/kinds.js';
import { exactCompare, mulberry32, nextUp, refHistogram, type Scalar } from './helpers/reference.js';

/** Sorted, strictly increasing, duplicate-free (0 and -0 are the same edge) numbers, at least 2. */
function edgesFrom(raw: Scalar[]): number[] {
  const nums = raw.map((v) => (typeof v === 'bigint' ? Number(v) : v)).filter((v) => !Number.isNaN(v));
  nums.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out: number[] = [];
  for (const v of nums) if (out.length === 0 || exactCompare(out[out.length - 1], v)! < 0) out.push(v);
  if (out.length === 0) out.push(0);
  if (out.length === 1) {
    const v = out[0];
    if (v === Infinity) out.unshift(-Infinity);
    else out.push(v === -Infinity ? 0 : v + 1 > v ? v + 1 : nextUp(v));
  }
  return out;
}

describe.each(backends())('histogram on the %s backend', (backend) => {
  describe.each(KINDS.map((k) => [k.name, k] as const))('%s', (_name, kind) => {
    it('matches numpy semantics for random data and edges (array or typed-array edges)', async () => {
      const arb = fc
        .tuple(fc.array(elementArb(kind), { maxLength: 100 }), fc.integer({ min: 0, max: 3 }))
        .chain(([values, offset]) =>
          fc.record({
            values: fc.constant(values),
            offset: fc.constant(offset),
            rawEdges: fc.array(boundArb(kind, values), { minLength: 2, maxLength: 9 }),
            edgesAs: fc.constantFrom('array', 'Float64Array'),
            shared: fc.boolean(),
          }),
        );
      await fc.assert(
        fc.asyncProperty(arb, async ({ values, offset, rawEdges, edgesAs, shared }) => {
          const edgeList = edgesFrom(rawEdges);
          const edges = edgesAs === 'array' ? edgeList : Float64Array.from(edgeList);
          const data = makeArray(kind, values, offset, shared);
          const stored = Array.from(data as ArrayLike<Scalar>);
          const expected = refHistogram(stored, edgeList);
          const got = await ck.histogram(data, edges, { backend });
          expect(got).toBeInstanceOf(Float64Array);
          expect(Array.from(got), `[${stored.map(show)}] edges [${edgeList.map(show)}]`).toEqual(expected);
          expect(Array.from(ck.histogramSync(data, edges, { backend }))).toEqual(expected);
        }),
        { numRuns: 40 },
      );
    });
  });

  it('puts x == last edge in the last bin and ignores values outside and NaN', async () => {
    const data = new Float64Array([0, 0.5, 1, 1.5, 2, 2.0000001, -1, NaN, 1.9999]);
    const got = await ck.histogram(data, [0, 1, 2], { backend });
    expect(got).toBeInstanceOf(Float64Array);
    expect(Array.from(got)).toEqual([2, 4]);
    expect(Array.from(ck.histogramSync(data, [0, 1, 2], { backend }))).toEqual([2, 4]);
  });

  it('accepts infinite edges', async () => {
    const data = new Float64Array([-Infinity, -5, 0, 5, Infinity, NaN]);
    expect(Array.from(await ck.histogram(data, [-Infinity, 0, Infinity], { backend }))).toEqual([2, 3]);
    expect(Array.from(await ck.histogram(data, [0, Infinity], { backend }))).toEqual([3]);
  });

  it('compares fractional edges with integer data mathematically', async () => {
    const data = new Int32Array([0, 1, 2, 3, 4, 5]);
    expect(Array.from(await ck.histogram(data, [0.5, 2.5, 4.5], { backend }))).toEqual([2, 2]);
    expect(Array.from(await ck.histogram(data, new Float64Array([-0.5, 0, 5]), { backend }))).toEqual([0, 6]);
    expect(Array.from(await ck.histogram(data, new Int32Array([1, 3, 4]), { backend }))).toEqual([2, 2]);
    expect(Array.from(await ck.histogram(new Float32Array([0.1]), [0, 0.1, 1], { backend }))).toEqual([0, 1]);
  });

  it('keeps bins that no element value can fall in (edges closer than the element spacing)', async () => {
    const ints = new Int32Array([0, 1, 2]);
    const edges = [0.1, 0.2, 0.3, 1, 1.5, 2];
    expect(Array.from(await ck.histogram(ints, edges, { backend }))).toEqual([0, 0, 0, 1, 1]);
    const f = new Float32Array([1, Math.fround(1 + 2 ** -23)]);
    const fine = [1, 1 + 2 ** -30, 1 + 2 ** -24, 1 + 2 ** -23];
    expect(Array.from(await ck.histogram(f, fine, { backend }))).toEqual([1, 0, 1]);
    expect(Array.from(ck.histogramSync(f, fine, { backend }))).toEqual([1, 0, 1]);
  });

  it('bins bigint data against number edges exactly', async () => {
    const data = new BigInt64Array([2n ** 53n + 1n, 2n ** 53n, -(2n ** 63n), 2n ** 63n - 1n]);
    const got = await ck.histogram(data, [-(2 ** 63), 2 ** 53, 2 ** 53 + 2, 2 ** 63], { backend });
    expect(Array.from(got)).toEqual([1, 2, 1]);
    const u = new BigUint64Array([2n ** 64n - 1n, 5n]);
    expect(Array.from(await ck.histogram(u, [0, 5.5, 2 ** 64], { backend }))).toEqual([1, 1]);
  });

  it('handles many bins', async () => {
    const rnd = mulberry32(17);
    const data = new Float64Array(20_000);
    for (let i = 0; i < data.length; i++) data[i] = rnd() * 330 - 10;
    const edges = Array.from({ length: 301 }, (_, i) => i + (i % 3) * 0.25);
    const expected = refHistogram(Array.from(data), edges);
    expect(Array.from(await ck.histogram(data, edges, { backend }))).toEqual(expected);
    expect(Array.from(ck.histogramSync(data, edges, { backend }))).toEqual(expected);
    const ints = Int32Array.from(data, (v) => Math.round(v));
    expect(Array.from(await ck.histogram(ints, edges, { backend }))).toEqual(refHistogram(Array.from(ints), edges));
  });

  it('returns zero bins for empty data', async () => {
    const got = await ck.histogram(new Float64Array(0), [0, 1, 2, 3], { backend });
    expect(Array.from(got)).toEqual([0, 0, 0]);
  });

  it('matches the reference on a large array for every thread cap', async () => {
    const n = 500_001;
    const rnd = mulberry32(3);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = rnd() < 0.01 ? NaN : (rnd() - 0.5) * 10;
    const edges = [-4, -2.5, -1, -0.1, 0, 0.1, 1, 2.5, 4];
    const expected = refHistogram(Array.from(data), edges);
    for (let t = 1; t <= ck.threads(); t++) {
      expect(Array.from(await ck.histogram(data, edges, { backend, threads: t }))).toEqual(expected);
    }
    expect(Array.from(ck.histogramSync(data, edges, { backend }))).toEqual(expected);
  });
});
