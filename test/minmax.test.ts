// minMax / minMaxSync: numpy's nanmin and nanmax in one pass, on every element type and
// backend, checked against a plain loop, against numpy itself, and over sources.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ck from '../dist/index.js';
import { backends } from './helpers/backends.js';
import { python, runNumpy } from './helpers/numpy.js';
import { KINDS, elementArb, makeArray, show } from './helpers/kinds.js';
import { mulberry32, type Scalar } from './helpers/reference.js';

/** The loop a user would write: NaN skipped; NaN, NaN when nothing is left; zeros as +0. */
function refMinMax(values: ArrayLike<Scalar>): { min: Scalar; max: Scalar } {
  let min: Scalar | undefined, max: Scalar | undefined;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (typeof x === 'number' && Number.isNaN(x)) continue;
    if (min === undefined || x < min) min = x;
    if (max === undefined || x > max) max = x;
  }
  if (min === undefined) return { min: NaN, max: NaN };
  return typeof min === 'number' ? { min: min + 0, max: (max as number) + 0 } : { min, max: max! };
}

describe.each(backends())('minMax on the %s backend', (backend) => {
  describe.each(KINDS.map((k) => [k.name, k] as const))('%s', (_name, kind) => {
    it('matches the loop for random data, any length and offset (async and sync)', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(elementArb(kind), { maxLength: 300 }), fc.nat(3), fc.boolean(), async (values, offset, shared) => {
          const data = makeArray(kind, values, offset, shared);
          const want = refMinMax(Array.from(data as ArrayLike<Scalar>));
          const got = await ck.minMax(data, { backend });
          expect(got, `[${values.map(show)}]`).toEqual(want);
          expect(Object.is(got.min, want.min) && Object.is(got.max, want.max), 'zeros are +0').toBe(true);
          expect(ck.minMaxSync(data, { backend })).toEqual(want);
        }),
        { numRuns: 40 },
      );
    });

    it('a large array, with its extremes at the very start and the very end, for every thread cap', async () => {
      const n = 1_000_003, rnd = mulberry32(kind.name.length);
      const data = new kind.ctor(n);
      const mid = kind.bigint ? (v: number) => BigInt(Math.round(v * 100)) : (v: number) => Math.round(v * 100);
      for (let i = 0; i < n; i++) (data as any)[i] = mid(rnd());
      (data as any)[0] = kind.min;
      (data as any)[n - 1] = kind.max;
      for (let threads = 1; threads <= ck.threads(); threads++)
        expect(await ck.minMax(data, { backend, threads })).toEqual({ min: kind.min, max: kind.max });
    });
  });

  it('floats: NaN is skipped, all-NaN and empty give NaN, infinities count, -0 reads as +0', async () => {
    const f = new Float64Array([NaN, 2, -Infinity, NaN, 5]);
    expect(await ck.minMax(f, { backend })).toEqual({ min: -Infinity, max: 5 });
    expect(ck.minMaxSync(new Float32Array([NaN, NaN]), { backend })).toEqual({ min: NaN, max: NaN });
    expect(await ck.minMax(new Float64Array(0), { backend })).toEqual({ min: NaN, max: NaN });
    expect(ck.minMaxSync(new BigInt64Array(0), { backend })).toEqual({ min: NaN, max: NaN });
    const zeros = ck.minMaxSync(new Float64Array([-0, 0, -0]), { backend });
    expect(Object.is(zeros.min, 0) && Object.is(zeros.max, 0)).toBe(true);
    expect(ck.minMaxSync(new Float64Array([Infinity]), { backend })).toEqual({ min: Infinity, max: Infinity });
  });

  it('over a source (iterable of chunks, byte stream) equals the in-memory call', async () => {
    const x = Float64Array.from({ length: 1_500_000 }, (_, i) => (i === 777 ? NaN : Math.sin(i) * 1e6));
    const chunks = [x.slice(0, 10), x.slice(10, 1_200_000), x.slice(1_200_000)];
    const want = ck.minMaxSync(x);
    expect(await ck.minMax(chunks, { backend })).toEqual(want);
    expect(ck.minMaxSync(chunks, { backend })).toEqual(want);
    expect(await ck.minMax([new Float32Array([NaN]), new Float32Array([NaN])], { backend })).toEqual({ min: NaN, max: NaN });
    expect(await ck.minMax(new Set<Float64Array>(), { backend })).toEqual({ min: NaN, max: NaN });
  });

  it('refuses what is not a TypedArray, bad options, and honours an aborted signal', async () => {
    await expect(ck.minMax([1, 2] as never, { backend })).rejects.toThrow(expect.objectContaining({ name: 'TypeError', code: 'ERR_CK_INVALID_ARG_TYPE' }));
    expect(() => ck.minMaxSync('abc' as never, { backend })).toThrow(expect.objectContaining({ name: 'TypeError', code: 'ERR_CK_INVALID_ARG_TYPE' }));
    expect(() => ck.minMaxSync(new Float64Array(1), { backend, threads: 0 })).toThrow(expect.objectContaining({ name: 'RangeError', code: 'ERR_CK_OUT_OF_RANGE' }));
    await expect(ck.minMax(new Float64Array(10), { backend, signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    await expect(ck.minMax(new Float64Array(0), { backend, signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });
});


describe('minMax agrees with numpy.nanmin / numpy.nanmax', () => {
  it('numpy is available (CI installs python3-numpy)', () => {
    expect(python, 'no python3 with numpy on PATH').toBeDefined();
  });

  const DTYPE: Record<string, string> = {
    Int8Array: 'int8', Uint8Array: 'uint8', Uint8ClampedArray: 'uint8', Int16Array: 'int16', Uint16Array: 'uint16', Int32Array: 'int32',
    Uint32Array: 'uint32', Float32Array: 'float32', Float64Array: 'float64', BigInt64Array: 'int64', BigUint64Array: 'uint64',
  };
  it.each(KINDS.map((k) => [k.name, k] as const))('%s', (_name, kind) => {
    const rnd = mulberry32(99);
    const data = new kind.ctor(5000);
    for (let i = 0; i < data.length; i++) {
      const r = rnd();
      (data as any)[i] = kind.bigint ? BigInt(Math.floor(r * 2 ** 40)) * (kind.name === 'BigInt64Array' && r < 0.5 ? -3n : 5n)
        : kind.float ? (i % 17 === 0 ? NaN : (r - 0.5) * 1e30) : Math.floor(r * Number(kind.max) * 2 - Number(kind.max));
    }
    const script = `import numpy as np, sys; a = np.frombuffer(sys.stdin.buffer.read(), dtype='${DTYPE[kind.name]}'); print(repr(np.nanmin(a).item()), repr(np.nanmax(a).item()))`;
    const out = runNumpy(script, Buffer.from(data.buffer)).trim().split(' ');
    const parse = (s: string) => (kind.bigint ? BigInt(s) : Number(s));
    expect(ck.minMaxSync(data)).toEqual({ min: parse(out[0]), max: parse(out[1]) });
  });
});
