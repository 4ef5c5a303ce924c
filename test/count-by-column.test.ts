// countInRangeByColumn / countInRangeByColumnSync: one exact range count per column of a
// row-major matrix (numpy's count_nonzero(..., axis=0)), on every backend and element type,
// against an exact reference and against numpy itself.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ck from '../dist/index.js';
import { backends } from './helpers/backends.js';
import { INCLUSIVE, KINDS, boundArb, elementArb, makeArray, show } from './helpers/kinds.js';
import { python, runNumpy } from './helpers/numpy.js';
import { inRange, mulberry32, type Inclusive, type Scalar } from './helpers/reference.js';

function refCountByColumn(data: ArrayLike<Scalar>, rows: number, cols: number, lo: Scalar, hi: Scalar, inclusive: Inclusive = 'both'): number[] {
  const out = new Array<number>(cols).fill(0);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) if (inRange(data[r * cols + c], lo, hi, inclusive)) out[c]++;
  return out;
}

const dim = fc.oneof(fc.integer({ min: 0, max: 13 }), fc.constantFrom(0, 1, 2, 16, 17, 33, 65));
const code = (name: string, c: string) => expect.objectContaining({ name, code: c });

describe.each(backends())('countInRangeByColumn on the %s backend', (backend) => {
  describe.each(KINDS.map((k) => [k.name, k] as const))('%s', (_name, kind) => {
    it('matches the exact reference per column (random shapes incl. 0, extra trailing data, out or not)', async () => {
      const arb = fc
        .record({ rows: dim, cols: dim, extra: fc.integer({ min: 0, max: 3 }), offset: fc.integer({ min: 0, max: 2 }), shared: fc.boolean() })
        .chain((s) =>
          fc.array(elementArb(kind), { minLength: s.rows * s.cols + s.extra, maxLength: s.rows * s.cols + s.extra }).chain((values) =>
            fc.record({
              s: fc.constant(s), values: fc.constant(values), lo: boundArb(kind, values), hi: boundArb(kind, values),
              inclusive: fc.constantFrom(...INCLUSIVE), withOut: fc.boolean(),
            }),
          ),
        );
      await fc.assert(
        fc.asyncProperty(arb, async ({ s, values, lo, hi, inclusive, withOut }) => {
          const data = makeArray(kind, values, s.offset, s.shared);
          const stored = Array.from(data as ArrayLike<Scalar>);
          const expected = refCountByColumn(stored, s.rows, s.cols, lo, hi, inclusive);
          const m = { data, rows: s.rows, cols: s.cols };
          const out = withOut ? new Uint32Array(s.cols).fill(0xdeadbeef) : undefined;
          const got = await ck.countInRangeByColumn(m, lo, hi, { backend, inclusive, out });
          expect(got).toBeInstanceOf(Uint32Array);
          if (out) expect(got).toBe(out);
          expect(Array.from(got), `${s.rows}x${s.cols} in ${show(lo)}..${show(hi)} ${inclusive}`).toEqual(expected);
          const outSync = withOut ? new Uint32Array(s.cols).fill(7) : undefined;
          const gotSync = ck.countInRangeByColumnSync(m, lo, hi, { backend, inclusive, out: outSync });
          if (outSync) expect(gotSync).toBe(outSync);
          expect(Array.from(gotSync)).toEqual(expected);
          expect(Array.from(data as ArrayLike<Scalar>)).toEqual(stored); // input untouched
        }),
        { numRuns: 30 },
      );
    });

    it('a tall matrix (past the 8-bit counters\' flush; 3.8 MB for 64-bit types, where the addon takes helpers) for every thread cap', async () => {
      const rows = kind.name.includes('8') ? 70_001 : kind.ctor.BYTES_PER_ELEMENT === 8 ? 30_001 : 20_001, cols = 16, rnd = mulberry32(kind.name.length);
      const data = new kind.ctor(rows * cols);
      for (let i = 0; i < data.length; i++) {
        const v = Math.floor(rnd() * 200) - (kind.name.startsWith('Uint') || kind.name.startsWith('BigUint') ? 0 : 100);
        (data as any)[i] = kind.bigint ? BigInt(v) : kind.float && i % 13 === 0 ? NaN : v;
      }
      const lo = kind.bigint ? 10n : 10, hi = kind.bigint ? 90n : 90;
      const expected = refCountByColumn(Array.from(data as ArrayLike<Scalar>), rows, cols, lo, hi);
      for (let threads = 1; threads <= ck.threads(); threads++)
        expect(Array.from(await ck.countInRangeByColumn({ data, rows, cols }, lo, hi, { backend, threads }))).toEqual(expected);
      expect(Array.from(ck.countInRangeByColumnSync({ data, rows, cols }, lo, hi, { backend }))).toEqual(expected);
    });
  });

  it('counts a small example column by column, with every inclusive mode', async () => {
    const m = { data: new Float64Array([1, 2, 3, NaN, 5, 6, 0.5, 2.5, 9]), rows: 3, cols: 3 };
    expect(Array.from(await ck.countInRangeByColumn(m, 1, 5, { backend }))).toEqual([1, 3, 1]);
    expect(Array.from(await ck.countInRangeByColumn(m, 1, 5, { backend, inclusive: 'neither' }))).toEqual([0, 2, 1]);
    expect(Array.from(ck.countInRangeByColumnSync(m, 1, 5, { backend, inclusive: 'left' }))).toEqual([1, 2, 1]);
    expect(Array.from(ck.countInRangeByColumnSync(m, 1, 5, { backend, inclusive: 'right' }))).toEqual([0, 3, 1]);
    expect(Array.from(await ck.countInRangeByColumn(m, 5, 1, { backend }))).toEqual([0, 0, 0]);
  });

  it('handles 0 rows and 0 columns', async () => {
    const noRows = await ck.countInRangeByColumn({ data: new Int32Array(0), rows: 0, cols: 5 }, -Infinity, Infinity, { backend });
    expect(Array.from(noRows)).toEqual([0, 0, 0, 0, 0]);
    expect(Array.from(ck.countInRangeByColumnSync({ data: new Int32Array(0), rows: 0, cols: 3 }, 0, 1, { backend, out: new Uint32Array(3).fill(9) }))).toEqual([0, 0, 0]);
    const noCols = await ck.countInRangeByColumn({ data: new Int32Array(0), rows: 4, cols: 0 }, 0, 1, { backend });
    expect(noCols).toBeInstanceOf(Uint32Array);
    expect(noCols.length).toBe(0);
  });

  it('accepts an out that shares a buffer with the data without overlapping it', async () => {
    const buf = new ArrayBuffer(64);
    const data = new Float32Array(buf, 0, 6);
    data.set([1, 2, 3, 4, 5, 6]);
    const out = new Uint32Array(buf, 32, 3);
    const got = await ck.countInRangeByColumn({ data, rows: 2, cols: 3 }, 2, 5, { backend, out });
    expect(got).toBe(out);
    expect(Array.from(out)).toEqual([1, 2, 1]);
    expect(Array.from(data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('refuses bad shapes, data, bounds, out and options with the designed class and code, and honours an aborted signal', async () => {
    const data = new Float64Array(6);
    const bad: [unknown, unknown, unknown, unknown, ReturnType<typeof code>][] = [
      [null, 0, 1, undefined, code('TypeError', ck.codes.INVALID_ARG_TYPE)],
      [{ data, rows: 2.5, cols: 3 }, 0, 1, undefined, code('TypeError', ck.codes.INVALID_ARG_TYPE)],
      [{ data, rows: -1, cols: 3 }, 0, 1, undefined, code('RangeError', ck.codes.OUT_OF_RANGE)],
      [{ data: [1, 2, 3], rows: 1, cols: 3 }, 0, 1, undefined, code('TypeError', ck.codes.INVALID_ARG_TYPE)],
      [{ data, rows: 3, cols: 3 }, 0, 1, undefined, code('RangeError', ck.codes.ARRAY_TOO_SHORT)],
      [{ data: new Int8Array(0), rows: 2 ** 32, cols: 0 }, 0, 1, undefined, code('RangeError', ck.codes.OUT_OF_RANGE)],
      [{ data, rows: 2, cols: 3 }, NaN, 1, undefined, code('RangeError', ck.codes.NAN_BOUND)],
      [{ data, rows: 2, cols: 3 }, 0n, 1, undefined, code('TypeError', ck.codes.INVALID_ARG_TYPE)],
      [{ data, rows: 2, cols: 3 }, 0, 1, { inclusive: 'both-ish' }, code('RangeError', ck.codes.OUT_OF_RANGE)],
      [{ data, rows: 2, cols: 3 }, 0, 1, { out: new Int32Array(3) }, code('TypeError', ck.codes.INVALID_ARG_TYPE)],
      [{ data, rows: 2, cols: 3 }, 0, 1, { out: new Uint32Array(2) }, code('RangeError', ck.codes.OUT_SIZE)],
      [{ data, rows: 2, cols: 3 }, 0, 1, { out: new Uint32Array(data.buffer, 8, 3) }, code('RangeError', ck.codes.OUT_OVERLAP)],
      [{ data, rows: 2, cols: 3 }, 0, 1, { threads: 0 }, code('RangeError', ck.codes.OUT_OF_RANGE)],
    ];
    for (const [m, lo, hi, opts, want] of bad) {
      const o = { backend, ...(opts as object) };
      await expect(ck.countInRangeByColumn(m as never, lo as never, hi as never, o as never)).rejects.toThrow(want);
      expect(() => ck.countInRangeByColumnSync(m as never, lo as never, hi as never, o as never)).toThrow(want);
    }
    await expect(ck.countInRangeByColumn({ data, rows: 2, cols: 3 }, 0, 1, { backend, signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    await expect(ck.countInRangeByColumn({ data, rows: 2, cols: 3 }, 5, 1, { backend, signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('countInRangeByColumn agrees with numpy.count_nonzero(..., axis=0)', () => {
  it('numpy is available (CI installs python3-numpy)', () => {
    expect(python, 'no python3 with numpy on PATH').toBeDefined();
  });

  const DTYPE: Record<string, string> = {
    Int8Array: 'int8', Uint8Array: 'uint8', Uint8ClampedArray: 'uint8', Int16Array: 'int16', Uint16Array: 'uint16', Int32Array: 'int32',
    Uint32Array: 'uint32', Float32Array: 'float32', Float64Array: 'float64', BigInt64Array: 'int64', BigUint64Array: 'uint64',
  };
  // numpy's comparison operator for each side of each inclusive mode.
  const OPS: Record<Inclusive, [string, string]> = { both: ['>=', '<='], neither: ['>', '<'], left: ['>=', '<'], right: ['>', '<='] };

  it.each(KINDS.map((k) => [k.name, k] as const))('%s', (_name, kind) => {
    const rows = 3001, cols = 19, rnd = mulberry32(5);
    const data = new kind.ctor(rows * cols);
    for (let i = 0; i < data.length; i++) {
      const v = Math.floor(rnd() * 120);
      (data as any)[i] = kind.bigint ? BigInt(v) : kind.float && i % 7 === 0 ? NaN : v;
    }
    // Bounds every dtype holds exactly, so numpy's own conversion of them changes nothing.
    const lo = 3, hi = 100;
    const modes = Object.entries(OPS).map(([mode, [l, h]]) => `'${mode}': np.count_nonzero((m ${l} ${lo}) & (m ${h} ${hi}), axis=0).tolist()`);
    const py = `import numpy as np, sys, json
m = np.frombuffer(sys.stdin.buffer.read(), dtype='${DTYPE[kind.name]}').reshape(${rows}, ${cols})
print(json.dumps({${modes.join(', ')}}))`;
    const want = JSON.parse(runNumpy(py, Buffer.from(data.buffer))) as Record<Inclusive, number[]>;
    for (const inclusive of INCLUSIVE) {
      const b = (x: number) => (kind.bigint ? BigInt(x) : x);
      expect(Array.from(ck.countInRangeByColumnSync({ data, rows, cols }, b(lo), b(hi), { inclusive })), inclusive).toEqual(want[inclusive]);
    }
  });
});
