// options.valid: an Arrow validity bitmap (bit i, least significant first, set = element i
// present) on countInRange, countInRangeByRow, countInRangeByColumn, histogram and minMax.
// A clear bit never counts, as NaN never does: every call equals the same computation on
// the present elements only, on every backend and element type, and numpy's masked
// semantics (x[valid]).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ck from '../dist/index.js';
import { backends } from './helpers/backends.js';
import { INCLUSIVE, KINDS, boundArb, elementArb, makeArray, show, type Kind, type NumericArray } from './helpers/kinds.js';
import { python, runNumpy } from './helpers/numpy.js';
import { inRange, mulberry32, refCount, refHistogram, type Inclusive, type Scalar } from './helpers/reference.js';

const isSet = (bitmap: Uint8Array, i: number) => ((bitmap[i >> 3] >> (i & 7)) & 1) === 1;

/** The bitmap as a view `at` bytes into a larger buffer whose other bytes are all set: reading outside the view would show. */
function bitmapView(bytes: number[], at: number): Uint8Array {
  const whole = new Uint8Array(bytes.length + at + 2).fill(0xff);
  whole.set(bytes, at);
  return whole.subarray(at, at + bytes.length);
}

/** The loop a user would write: NaN skipped; NaN, NaN when nothing is left; zeros as +0. */
function refMinMax(values: Scalar[]): { min: Scalar; max: Scalar } {
  let min: Scalar | undefined, max: Scalar | undefined;
  for (const x of values) {
    if (typeof x === 'number' && Number.isNaN(x)) continue;
    if (min === undefined || x < min) min = x;
    if (max === undefined || x > max) max = x;
  }
  if (min === undefined) return { min: NaN, max: NaN };
  return typeof min === 'number' ? { min: min + 0, max: (max as number) + 0 } : { min, max: max! };
}

function refByAxis(values: Scalar[], bitmap: Uint8Array, rows: number, cols: number, lo: Scalar, hi: Scalar, inclusive: Inclusive) {
  const byRow = new Array<number>(rows).fill(0), byColumn = new Array<number>(cols).fill(0);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      if (isSet(bitmap, i) && inRange(values[i], lo, hi, inclusive)) byRow[r]++, byColumn[c]++;
    }
  return { byRow, byColumn };
}

/** The same histogram call on an array of the present elements: its result, or the error it throws. */
function histogramOf(kept: NumericArray, bins: number[] | number, opts: object): Float64Array | Error {
  try {
    return ck.histogramSync(kept, bins, opts);
  } catch (err) {
    return err as Error;
  }
}

const EDGES = [-2, 0, 1.5, 5, 1e300];

describe.each(backends())('options.valid on the %s backend', (backend) => {
  describe.each(KINDS.map((k) => [k.name, k] as const))('%s', (_name, kind: Kind) => {
    it('every count, histogram and minMax equals the call on the present elements (random data, bitmaps of any length, views)', async () => {
      const arb = fc
        .record({
          values: fc.array(elementArb(kind), { maxLength: 150 }),
          offset: fc.integer({ min: 0, max: 3 }),
          shared: fc.boolean(),
          extraBytes: fc.integer({ min: 0, max: 2 }),
          at: fc.integer({ min: 0, max: 3 }),
          cols: fc.integer({ min: 1, max: 9 }),
          inclusive: fc.constantFrom(...INCLUSIVE),
          density: fc.constantFrom(0, 0.1, 0.5, 0.9, 1),
          seed: fc.integer(),
        })
        .chain((c) => fc.record({ c: fc.constant(c), lo: boundArb(kind, c.values), hi: boundArb(kind, c.values) }));
      await fc.assert(
        fc.asyncProperty(arb, async ({ c, lo, hi }) => {
          const n = c.values.length, rnd = mulberry32(c.seed);
          // Set bits at the chosen density; the bits past n (and the extra bytes) random junk.
          const bytes = Array.from({ length: Math.ceil(n / 8) + c.extraBytes }, () => {
            let b = 0;
            for (let k = 0; k < 8; k++) if (rnd() < c.density) b |= 1 << k;
            return b;
          });
          const valid = bitmapView(bytes, c.at);
          const data = makeArray(kind, c.values, c.offset, c.shared);
          const stored = Array.from(data as ArrayLike<Scalar>);
          const keptValues = stored.filter((_, i) => isSet(valid, i));
          const kept = new kind.ctor(keptValues as never);
          const o = { backend, valid };
          const label = `n=${n} lo=${show(lo)} hi=${show(hi)} ${c.inclusive} valid=[${bytes}]`;

          const count = refCount(keptValues, lo, hi, c.inclusive);
          expect(await ck.countInRange(data, lo, hi, { ...o, inclusive: c.inclusive }), label).toBe(count);
          expect(ck.countInRangeSync(data, lo, hi, { ...o, inclusive: c.inclusive }), label).toBe(count);

          const rows = Math.floor(n / c.cols), m = { data, rows, cols: c.cols };
          const want = refByAxis(stored, valid, rows, c.cols, lo, hi, c.inclusive);
          expect(Array.from(await ck.countInRangeByRow(m, lo, hi, { ...o, inclusive: c.inclusive })), label).toEqual(want.byRow);
          expect(Array.from(ck.countInRangeByRowSync(m, lo, hi, { ...o, inclusive: c.inclusive })), label).toEqual(want.byRow);
          expect(Array.from(await ck.countInRangeByColumn(m, lo, hi, { ...o, inclusive: c.inclusive })), label).toEqual(want.byColumn);
          expect(Array.from(ck.countInRangeByColumnSync(m, lo, hi, { ...o, inclusive: c.inclusive })), label).toEqual(want.byColumn);

          const hist = refHistogram(keptValues, EDGES);
          expect(Array.from(await ck.histogram(data, EDGES, o)), label).toEqual(hist);
          expect(Array.from(ck.histogramSync(data, EDGES, o)), label).toEqual(hist);
          // A bin count over the data's own range: the range of the present elements.
          const equal = histogramOf(kept, 4, { backend });
          if (equal instanceof Error) {
            await expect(ck.histogram(data, 4, o)).rejects.toMatchObject({ name: equal.name, code: (equal as { code?: string }).code });
          } else {
            expect(Array.from(await ck.histogram(data, 4, o)), label).toEqual(Array.from(equal));
            expect(Array.from(ck.histogramSync(data, 4, o)), label).toEqual(Array.from(equal));
          }

          const mm = refMinMax(keptValues);
          const got = await ck.minMax(data, o);
          expect(got, label).toEqual(mm);
          expect(Object.is(got.min, mm.min) && Object.is(got.max, mm.max), 'zeros are +0').toBe(true);
          expect(ck.minMaxSync(data, o), label).toEqual(mm);
        }),
        { numRuns: 25 },
      );
    });
  });

  it('a large array (several tiles, every thread cap) with a sparse bitmap, the data a view into a larger buffer', async () => {
    const n = 1_000_003, rnd = mulberry32(31);
    const whole = new Float64Array(n + 3);
    for (let i = 0; i < whole.length; i++) whole[i] = i % 11 === 0 ? NaN : Math.floor(rnd() * 1000) - 500;
    const data = whole.subarray(3);
    const valid = new Uint8Array(Math.ceil(n / 8));
    for (let i = 0; i < valid.length; i++) valid[i] = rnd() < 0.05 ? 0 : Math.floor(rnd() * 256) & Math.floor(rnd() * 256);
    const kept = Float64Array.from(Array.from(data).filter((_, i) => isSet(valid, i)));
    const count = refCount(Array.from(kept), -100, 250.5, 'both');
    const hist = refHistogram(Array.from(kept), [-500, -100, 0, 7, 499]);
    const mm = refMinMax(Array.from(kept));
    const cols = 17, rows = Math.floor(n / cols);
    const want = refByAxis(Array.from(data), valid, rows, cols, -100, 250.5, 'both');
    for (let threads = 1; threads <= ck.threads(); threads++) {
      const o = { backend, threads, valid };
      expect(await ck.countInRange(data, -100, 250.5, o)).toBe(count);
      expect(Array.from(await ck.histogram(data, [-500, -100, 0, 7, 499], o))).toEqual(hist);
      expect(await ck.minMax(data, o)).toEqual(mm);
      expect(Array.from(await ck.countInRangeByRow({ data, rows, cols }, -100, 250.5, o))).toEqual(want.byRow);
      expect(Array.from(await ck.countInRangeByColumn({ data, rows, cols }, -100, 250.5, o))).toEqual(want.byColumn);
    }
  });

  it('bits past n are ignored, a clear bitmap counts nothing, a full one changes nothing', async () => {
    const data = new Int32Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const valid = new Uint8Array([0b1010_0101, 0b1111_1110]); // elements 0, 2, 5, 7 and 9; bits 10..15 junk
    expect(ck.countInRangeSync(data, -Infinity, Infinity, { backend, valid })).toBe(5);
    expect(await ck.countInRange(data, 2, 9, { backend, valid })).toBe(3);
    expect(Array.from(await ck.histogram(data, [0, 5, 11], { backend, valid }))).toEqual([2, 3]);
    expect(await ck.minMax(data, { backend, valid })).toEqual({ min: 1, max: 10 });
    expect(Array.from(ck.countInRangeByRowSync({ data, rows: 2, cols: 5 }, 0, 100, { backend, valid }))).toEqual([2, 3]);
    expect(Array.from(ck.countInRangeByColumnSync({ data, rows: 2, cols: 5 }, 0, 100, { backend, valid }))).toEqual([2, 0, 2, 0, 1]);
    const none = new Uint8Array(2);
    expect(ck.countInRangeSync(data, -Infinity, Infinity, { backend, valid: none })).toBe(0);
    expect(ck.minMaxSync(data, { backend, valid: none })).toEqual({ min: NaN, max: NaN });
    expect(ck.minMaxSync(new BigInt64Array([5n, -3n]), { backend, valid: new Uint8Array(1) })).toEqual({ min: NaN, max: NaN });
    expect(Array.from(ck.histogramSync(data, 3, { backend, valid: none }))).toEqual(Array.from(ck.histogramSync(new Int32Array(0), 3, { backend })));
    const all = new Uint8Array([0xff, 0x03]);
    expect(ck.countInRangeSync(data, 3, 8, { backend, valid: all })).toBe(ck.countInRangeSync(data, 3, 8, { backend }));
    // No elements: an empty bitmap suffices.
    expect(ck.countInRangeSync(new Float32Array(0), 0, 1, { backend, valid: new Uint8Array(0) })).toBe(0);
  });

  it('refuses a bitmap of the wrong type, too short, detached, overlapping out, or with a source; each with its class and code', async () => {
    const data = new Float64Array(17); // needs 3 bytes
    const m = { data, rows: 17, cols: 1 };
    const cases: [unknown, string, string][] = [
      [new Uint8Array(2), 'RangeError', ck.codes.ARRAY_TOO_SHORT],
      [new Uint16Array(3), 'TypeError', ck.codes.INVALID_ARG_TYPE],
      [new Uint8ClampedArray(3), 'TypeError', ck.codes.INVALID_ARG_TYPE],
      [[255, 255, 255], 'TypeError', ck.codes.INVALID_ARG_TYPE],
      [new DataView(new ArrayBuffer(3)), 'TypeError', ck.codes.INVALID_ARG_TYPE],
    ];
    const detached = new Uint8Array(3);
    structuredClone(detached.buffer, { transfer: [detached.buffer] });
    cases.push([detached, 'TypeError', ck.codes.DETACHED]);
    for (const [valid, name, code] of cases) {
      const want = expect.objectContaining({ name, code });
      const o = { backend, valid } as never;
      await expect(ck.countInRange(data, 0, 1, o)).rejects.toThrow(want);
      expect(() => ck.countInRangeSync(data, 0, 1, o)).toThrow(want);
      await expect(ck.countInRangeByRow(m, 0, 1, o)).rejects.toThrow(want);
      expect(() => ck.countInRangeByRowSync(m, 0, 1, o)).toThrow(want);
      await expect(ck.countInRangeByColumn(m, 0, 1, o)).rejects.toThrow(want);
      expect(() => ck.countInRangeByColumnSync(m, 0, 1, o)).toThrow(want);
      await expect(ck.histogram(data, [0, 1], o)).rejects.toThrow(want);
      expect(() => ck.histogramSync(data, [0, 1], o)).toThrow(want);
      await expect(ck.histogram(data, 3, o)).rejects.toThrow(expect.objectContaining({ name, code, message: expect.stringMatching(/^histogram: /) }));
      expect(() => ck.histogramSync(data, 3, o)).toThrow(want);
      await expect(ck.minMax(data, o)).rejects.toThrow(want);
      expect(() => ck.minMaxSync(data, o)).toThrow(want);
    }
    // Even an empty range (no kernel runs) checks the bitmap.
    expect(() => ck.countInRangeSync(data, 5, 1, { backend, valid: new Uint8Array(1) })).toThrow(expect.objectContaining({ name: 'RangeError', code: ck.codes.ARRAY_TOO_SHORT }));
    // out may not share memory with the bitmap.
    const buf = new ArrayBuffer(128);
    await expect(ck.countInRangeByRow(m, 0, 1, { backend, valid: new Uint8Array(buf, 0, 3), out: new Uint32Array(buf, 0, 17) })).rejects.toThrow(expect.objectContaining({ name: 'RangeError', code: ck.codes.OUT_OVERLAP }));
    expect(() => ck.countInRangeByColumnSync(m, 0, 1, { backend, valid: new Uint8Array(buf, 0, 3), out: new Uint32Array(buf, 0, 1) })).toThrow(expect.objectContaining({ name: 'RangeError', code: ck.codes.OUT_OVERLAP }));
    // A source's chunks have no place in one bitmap.
    const source = [new Float64Array(4), new Float64Array(4)];
    const refused = expect.objectContaining({ name: 'TypeError', code: ck.codes.INVALID_ARG_TYPE });
    const valid = new Uint8Array(1).fill(255);
    await expect(ck.countInRange(source, 0, 1, { backend, valid })).rejects.toThrow(refused);
    expect(() => ck.countInRangeSync(source, 0, 1, { backend, valid })).toThrow(refused);
    await expect(ck.histogram(source, [0, 1], { backend, valid })).rejects.toThrow(refused);
    expect(() => ck.histogramSync(source, [0, 1], { backend, valid })).toThrow(refused);
    await expect(ck.minMax(source, { backend, valid })).rejects.toThrow(refused);
    expect(() => ck.minMaxSync(source, { backend, valid })).toThrow(refused);
  });
});

describe('options.valid agrees with numpy on x[valid]', () => {
  it('numpy is available (CI installs python3-numpy)', () => {
    expect(python, 'no python3 with numpy on PATH').toBeDefined();
  });

  const DTYPE: Record<string, string> = {
    Int8Array: 'int8', Uint8Array: 'uint8', Uint8ClampedArray: 'uint8', Int16Array: 'int16', Uint16Array: 'uint16', Int32Array: 'int32',
    Uint32Array: 'uint32', Float32Array: 'float32', Float64Array: 'float64', BigInt64Array: 'int64', BigUint64Array: 'uint64',
  };

  it.each(KINDS.map((k) => [k.name, k] as const))('%s: count, per-column counts, histogram (edges and 10 bins), nanmin/nanmax', (_name, kind) => {
    const rows = 1001, cols = 13, n = rows * cols, rnd = mulberry32(77);
    const data = new kind.ctor(n);
    for (let i = 0; i < n; i++) {
      const v = Math.floor(rnd() * 120);
      (data as any)[i] = kind.bigint ? BigInt(v) : kind.float && i % 9 === 0 ? NaN : v;
    }
    const valid = new Uint8Array(Math.ceil(n / 8));
    for (let i = 0; i < valid.length; i++) valid[i] = Math.floor(rnd() * 256);
    const input = new Uint8Array(valid.length + data.byteLength);
    input.set(valid);
    input.set(new Uint8Array(data.buffer), valid.length);
    // Bounds and edges every dtype holds exactly.
    const py = `import numpy as np, sys, json
raw = sys.stdin.buffer.read()
mask = np.unpackbits(np.frombuffer(raw[:${valid.length}], dtype=np.uint8), bitorder='little')[:${n}].astype(bool)
m = np.frombuffer(raw[${valid.length}:], dtype='${DTYPE[kind.name]}')
x = m[mask]
inr = (m >= 3) & (m <= 100) & mask
print(json.dumps({
  'count': int(np.count_nonzero((x >= 3) & (x <= 100))),
  'cols': np.count_nonzero(inr.reshape(${rows}, ${cols}), axis=0).tolist(),
  'hist': np.histogram(x[~np.isnan(x)] if x.dtype.kind == 'f' else x, bins=[0, 10, 50, 99, 119])[0].tolist(),
  'hist10': np.histogram(x[~np.isnan(x)] if x.dtype.kind == 'f' else x, bins=10)[0].tolist(),
  'min': repr(np.nanmin(x).item()), 'max': repr(np.nanmax(x).item()),
}))`;
    const want = JSON.parse(runNumpy(py, input));
    const b = (x: number) => (kind.bigint ? BigInt(x) : x);
    expect(ck.countInRangeSync(data, b(3), b(100), { valid })).toBe(want.count);
    expect(Array.from(ck.countInRangeByColumnSync({ data, rows, cols }, b(3), b(100), { valid }))).toEqual(want.cols);
    expect(Array.from(ck.histogramSync(data, [0, 10, 50, 99, 119], { valid }))).toEqual(want.hist);
    expect(Array.from(ck.histogramSync(data, 10, { valid }))).toEqual(want.hist10);
    const parse = (s: string) => (kind.bigint ? BigInt(s) : Number(s));
    expect(ck.minMaxSync(data, { valid })).toEqual({ min: parse(want.min), max: parse(want.max) });
  });
  it.each(backends())('weights, density and estimators on x[valid], w[valid] (the %s backend)', async (backend) => {
    const n = 5003, rnd = mulberry32(91);
    const data = new Float64Array(n), weights = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      data[i] = i % 7 === 0 ? 1e6 : (rnd() - 0.5) * 40; // the absent outliers would widen every range if counted
      weights[i] = i % 7 === 0 ? NaN : rnd() * 3 - 1;
    }
    const valid = new Uint8Array(Math.ceil(n / 8));
    for (let i = 0; i < n; i++) if (i % 7 !== 0 && rnd() < 0.8) valid[i >> 3] |= 1 << (i & 7);
    const input = new Uint8Array(valid.length + 2 * data.byteLength);
    input.set(valid);
    input.set(new Uint8Array(data.buffer), valid.length);
    input.set(new Uint8Array(weights.buffer), valid.length + data.byteLength);
    const py = `import numpy as np, sys, json
raw = sys.stdin.buffer.read()
mask = np.unpackbits(np.frombuffer(raw[:${valid.length}], dtype=np.uint8), bitorder='little')[:${n}].astype(bool)
x = np.frombuffer(raw[${valid.length}:${valid.length + 8 * n}], dtype='float64')[mask]
w = np.frombuffer(raw[${valid.length + 8 * n}:], dtype='float64')[mask]
print(json.dumps({
  'weighted': np.histogram(x, bins=10, weights=w)[0].tolist(),
  'density': np.histogram(x, bins=[-20, -5, 0, 5, 20], density=True)[0].tolist(),
  'fd': np.histogram(x, bins='fd')[0].tolist(),
  'sturges': np.histogram_bin_edges(x, bins='sturges').tolist(),
}))`;
    const want = JSON.parse(runNumpy(py, input));
    const opts = { backend, valid };
    expect(Array.from(await ck.histogram(data, 10, { ...opts, weights }))).toEqual(want.weighted);
    expect(Array.from(ck.histogramSync(data, [-20, -5, 0, 5, 20], { ...opts, density: true }))).toEqual(want.density);
    expect(Array.from(await ck.histogram(data, 'fd', opts))).toEqual(want.fd);
    expect(Array.from(ck.histogramEdgesSync(data, 'sturges', opts))).toEqual(want.sturges);
    expect(Array.from(await ck.histogramEdges(data, 'sturges', opts))).toEqual(want.sturges);
  });
});
