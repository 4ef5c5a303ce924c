// countInRangeByRow / countInRangeByRowSync: one exact range count per row of a row-major matrix.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ck from '../dist/index.js';
import { backends } from './helpers/backends.js';
import { INCLUSIVE, KINDS, boundArb, elementArb, makeArray, show } from './helpers/kinds.js';
import { mulberry32, refCountByRow, type Scalar } from './helpers/reference.js';

const dim = fc.oneof(fc.integer({ min: 0, max: 13 }), fc.constantFrom(0, 1, 2, 17, 31));

describe.each(backends())('countInRangeByRow on the %s backend', (backend) => {
  describe.each(KINDS.map((k) => [k.name, k] as const))('%s', (_name, kind) => {
    it('matches the exact reference per row (random shapes incl. 0, extra trailing data, out or not)', async () => {
      const arb = fc
        .record({
          rows: dim,
          cols: dim,
          extra: fc.integer({ min: 0, max: 3 }),
          offset: fc.integer({ min: 0, max: 2 }),
          shared: fc.boolean(),
        })
        .chain((s) =>
          fc
            .array(elementArb(kind), { minLength: s.rows * s.cols + s.extra, maxLength: s.rows * s.cols + s.extra })
            .chain((values) =>
              fc.record({
                s: fc.constant(s),
                values: fc.constant(values),
                lo: boundArb(kind, values),
                hi: boundArb(kind, values),
                inclusive: fc.constantFrom(...INCLUSIVE),
                withOut: fc.boolean(),
              }),
            ),
        );
      await fc.assert(
        fc.asyncProperty(arb, async ({ s, values, lo, hi, inclusive, withOut }) => {
          const data = makeArray(kind, values, s.offset, s.shared);
          const stored = Array.from(data as ArrayLike<Scalar>);
          const expected = refCountByRow(stored, s.rows, s.cols, lo, hi, inclusive);
          const m = { data, rows: s.rows, cols: s.cols };
          const out = withOut ? new Uint32Array(s.rows).fill(0xdeadbeef) : undefined;
          const got = await ck.countInRangeByRow(m, lo, hi, { backend, inclusive, out });
          expect(got).toBeInstanceOf(Uint32Array);
          if (out) expect(got).toBe(out);
          expect(Array.from(got), `${s.rows}x${s.cols} in ${show(lo)}..${show(hi)} ${inclusive}`).toEqual(expected);
          const outSync = withOut ? new Uint32Array(s.rows).fill(7) : undefined;
          const gotSync = ck.countInRangeByRowSync(m, lo, hi, { backend, inclusive, out: outSync });
          if (outSync) expect(gotSync).toBe(outSync);
          expect(Array.from(gotSync)).toEqual(expected);
          expect(Array.from(data as ArrayLike<Scalar>)).toEqual(stored); // input untouched
        }),
        { numRuns: 40 },
      );
    });
  });

  it('counts a small example row by row', async () => {
    const m = { data: new Float64Array([1, 2, 3, NaN, 5, 6, 0.5, 2.5, 9]), rows: 3, cols: 3 };
    expect(Array.from(await ck.countInRangeByRow(m, 1, 5, { backend }))).toEqual([3, 1, 1]);
    expect(Array.from(await ck.countInRangeByRow(m, 1, 5, { backend, inclusive: 'neither' }))).toEqual([2, 0, 1]);
    expect(Array.from(ck.countInRangeByRowSync(m, 1, 5, { backend, inclusive: 'left' }))).toEqual([3, 0, 1]);
    expect(Array.from(await ck.countInRangeByRow(m, 5, 1, { backend }))).toEqual([0, 0, 0]);
  });

  it('handles 0 rows and 0 columns', async () => {
    const none = await ck.countInRangeByRow({ data: new Int32Array(0), rows: 0, cols: 5 }, 0, 1, { backend });
    expect(none).toBeInstanceOf(Uint32Array);
    expect(none.length).toBe(0);
    const empty = await ck.countInRangeByRow({ data: new Int32Array(0), rows: 4, cols: 0 }, -Infinity, Infinity, { backend });
    expect(Array.from(empty)).toEqual([0, 0, 0, 0]);
    expect(Array.from(ck.countInRangeByRowSync({ data: new Int32Array(0), rows: 4, cols: 0 }, 0, 1, { backend }))).toEqual([0, 0, 0, 0]);
  });

  it('accepts an out that shares a buffer with the data without overlapping it', async () => {
    const buf = new ArrayBuffer(64);
    const data = new Float32Array(buf, 0, 6);
    data.set([1, 2, 3, 4, 5, 6]);
    const out = new Uint32Array(buf, 32, 2);
    const got = await ck.countInRangeByRow({ data, rows: 2, cols: 3 }, 2, 5, { backend, out });
    expect(got).toBe(out);
    expect(Array.from(out)).toEqual([2, 2]);
    expect(Array.from(data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('matches the reference on a large matrix for every thread cap', async () => {
    const rows = 1500;
    const cols = 1001;
    const rnd = mulberry32(7);
    const data = new Int16Array(rows * cols);
    for (let i = 0; i < data.length; i++) data[i] = Math.floor(rnd() * 65536) - 32768;
    const expected = refCountByRow(Array.from(data), rows, cols, -1000.5, 20000);
    for (let t = 1; t <= ck.threads(); t++) {
      const got = await ck.countInRangeByRow({ data, rows, cols }, -1000.5, 20000, { backend, threads: t });
      expect(Array.from(got)).toEqual(expected);
    }
    expect(Array.from(ck.countInRangeByRowSync({ data, rows, cols }, -1000.5, 20000, { backend }))).toEqual(expected);
  });
});
