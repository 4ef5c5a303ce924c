// histogram(data, bins: number, { range }): numpy's equal-width bins, checked against numpy
// itself (its edges bit for bit, its counts), on every backend, in memory and over sources.
import { describe, expect, it } from 'vitest';
import * as ck from '../dist/index.js';
import { equalEdges } from '../dist/histogram-bins.js';
import { backends } from './helpers/backends.js';
import { python, runNumpy } from './helpers/numpy.js';
import { mulberry32, nextDown, nextUp } from './helpers/reference.js';


type Arr = Float64Array | Float32Array | Int32Array | Uint8Array | BigInt64Array;
const DTYPE: Record<string, string> = { Float64Array: 'float64', Float32Array: 'float32', Int32Array: 'int32', Uint8Array: 'uint8', BigInt64Array: 'int64' };

/** numpy.histogram on the same bytes, NaN dropped first (our default range ignores NaN; numpy would refuse it). */
function numpyHistogram(data: Arr, bins: number, range?: [number, number]): { counts: number[]; edges: number[] } {
  const script = `
import numpy as np, sys, json
a = np.frombuffer(sys.stdin.buffer.read(), dtype='${DTYPE[data.constructor.name]}')
if a.dtype.kind == 'f': a = a[~np.isnan(a)]
h, e = np.histogram(a, bins=${bins}${range ? `, range=(${range[0]!.toPrecision(17)}, ${range[1]!.toPrecision(17)})` : ''})
print(json.dumps({'counts': h.tolist(), 'edges': [float(x) for x in e]}))`;
  return JSON.parse(runNumpy(script, Buffer.from(data.buffer, data.byteOffset, data.byteLength)));
}

function sample(Ctor: { new (n: number): Arr; name: string }, n: number, seed: number): Arr {
  const rnd = mulberry32(seed), a = new Ctor(n);
  for (let i = 0; i < n; i++) {
    const r = rnd();
    if (a instanceof BigInt64Array) a[i] = BigInt(Math.floor(r * 2000) - 700);
    else if (a instanceof Uint8Array) a[i] = Math.floor(r * 256);
    else if (a instanceof Int32Array) a[i] = Math.floor(r * 2e6) - 7e5;
    else a[i] = i % 101 === 0 ? NaN : (r - 0.3) * 7.3;
  }
  return a;
}

/** The data with numpy's interior edges and their float neighbours written in (min and max kept). */
function withEdgeValues(a: Arr, edges: number[]): Arr {
  const b = a.slice() as Arr;
  const vals = edges.slice(1, -1).flatMap((e) => (a instanceof Float32Array ? [e, Math.fround(nextDown(e)), Math.fround(nextUp(e))]
    : a instanceof Float64Array ? [e, nextDown(e), nextUp(e)] : [e]));
  // Past the first two elements, which the test sets to the min and max.
  vals.forEach((x, i) => {
    if (b instanceof BigInt64Array) b[2 + i] = BigInt(Math.round(x));
    else b[2 + i] = b instanceof Float32Array || b instanceof Float64Array ? x : Math.round(x);
  });
  return b;
}

describe('histogram with a bin count agrees with numpy.histogram', () => {
  it('numpy is available (CI installs python3-numpy)', () => expect(python, 'no python3 with numpy on PATH').toBeDefined());

  const cases: [string, { new (n: number): Arr; name: string }, number, [number, number] | undefined][] = [
    ['float64, range from the data, 64 bins', Float64Array, 64, undefined],
    ['float64, given range, 7 bins', Float64Array, 7, [-1.1, 2.9]],
    ['float32, range from the data (float32 arithmetic), 64 bins', Float32Array, 64, undefined],
    ['float32, given range (float64 arithmetic, float32 edges), 10 bins', Float32Array, 10, [0.1, 0.7]],
    ['int32, range from the data, 33 bins', Int32Array, 33, undefined],
    ['uint8, given range, 5 bins', Uint8Array, 5, [10, 200]],
    ['int64, range from the data, 12 bins', BigInt64Array, 12, undefined],
    ['float64, one bin', Float64Array, 1, undefined],
  ];
  it.each(cases)('%s: edges bit for bit, counts equal, on every backend', async (_name, Ctor, bins, range) => {
    let data = sample(Ctor, 20_000, bins);
    const first = numpyHistogram(data, bins, range);
    data = withEdgeValues(data, first.edges);
    const want = numpyHistogram(data, bins, range);
    expect(want.edges).toEqual(first.edges); // the premise: writing the edges in kept the range
    const f32 = data instanceof Float32Array;
    const outer = range ? { first: range[0], last: range[1], float32Math: false } : (() => {
      const mm = ck.minMaxSync(data);
      return { first: Number(mm.min), last: Number(mm.max), float32Math: f32 };
    })();
    expect(equalEdges(outer, bins, f32)).toEqual(want.edges);
    for (const backend of backends()) {
      expect(Array.from(await ck.histogram(data, bins, { backend, range })), backend).toEqual(want.counts);
      expect(Array.from(ck.histogramSync(data, bins, { backend, range })), backend).toEqual(want.counts);
    }
  });

  it('a constant array spans [x - 0.5, x + 0.5]; an empty or all-NaN one spans [0, 1]', () => {
    const c = new Float64Array(10).fill(3);
    expect(Array.from(ck.histogramSync(c, 4))).toEqual(numpyHistogram(c, 4).counts);
    expect(Array.from(ck.histogramSync(c, 4))).toEqual([0, 0, 10, 0]);
    expect(Array.from(ck.histogramSync(new Float64Array([NaN, NaN]), 2))).toEqual([0, 0]);
    expect(Array.from(ck.histogramSync(new Int32Array(0), 3))).toEqual([0, 0, 0]);
  });
});

describe.each(backends())('histogram with a bin count on the %s backend', (backend) => {
  it('over a source with options.range equals the in-memory call', async () => {
    const x = sample(Float32Array, 300_000, 5) as Float32Array;
    const chunks = [x.slice(0, 7), x.slice(7, 200_000), x.slice(200_000)];
    const want = Array.from(ck.histogramSync(x, 16, { range: [-1, 3] }));
    expect(Array.from(await ck.histogram(chunks, 16, { backend, range: [-1, 3] }))).toEqual(want);
    expect(Array.from(ck.histogramSync(chunks, 16, { backend, range: [-1, 3] }))).toEqual(want);
    expect(Array.from(await ck.histogram(new Set<Float32Array>(), 3, { backend, range: [0, 1] }))).toEqual([0, 0, 0]);
  });

  it('refuses a bad bin count, a bad range, a source without a range, and an infinite data range', async () => {
    const x = new Float64Array([1, 2, 3]);
    const code = (name: string, c: string) => expect.objectContaining({ name, code: c });
    expect(() => ck.histogramSync(x, 0, { backend })).toThrow(code('RangeError', 'ERR_CK_OUT_OF_RANGE'));
    expect(() => ck.histogramSync(x, 2.5, { backend })).toThrow(code('TypeError', 'ERR_CK_INVALID_ARG_TYPE'));
    expect(() => ck.histogramSync(x, 4, { backend, range: [2, 1] })).toThrow(code('RangeError', 'ERR_CK_OUT_OF_RANGE'));
    expect(() => ck.histogramSync(x, 4, { backend, range: [0, Infinity] })).toThrow(code('RangeError', 'ERR_CK_OUT_OF_RANGE'));
    expect(() => ck.histogramSync(x, 4, { backend, range: [0] as never })).toThrow(code('TypeError', 'ERR_CK_INVALID_ARG_TYPE'));
    await expect(ck.histogram(new Float64Array([1, Infinity]), 4, { backend })).rejects.toThrow(
      expect.objectContaining({ code: 'ERR_CK_OUT_OF_RANGE', message: expect.stringMatching(/range \[1, Infinity\] is not finite: give options.range/) }));
    let started = false;
    async function* source() {
      started = true;
      yield x;
    }
    await expect(ck.histogram(source(), 4, { backend })).rejects.toThrow(
      expect.objectContaining({ name: 'TypeError', code: 'ERR_CK_INVALID_ARG_TYPE', message: expect.stringMatching(/bin count over a source needs options.range/) }));
    expect(started).toBe(false);
  });
});
