// histogram's weights and density, compared with numpy.histogram itself on every backend;
// weighted sums identical on every engine and thread count.
import { describe, expect, it } from 'vitest';
import * as ck from '../dist/index.js';
import { backends } from './helpers/backends.js';
import { python, runNumpy } from './helpers/numpy.js';
import { mulberry32 } from './helpers/reference.js';

type Arr = Float64Array | Float32Array | Int32Array | Uint8Array | BigInt64Array;
const DTYPE: Record<string, string> = { Float64Array: 'float64', Float32Array: 'float32', Int32Array: 'int32', Uint8Array: 'uint8', BigInt64Array: 'int64' };

interface NumpyCall {
  bins: number | number[] | Float32Array;
  range?: [number, number];
  weights?: Float64Array | Float32Array;
  density?: boolean;
}

const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const py = (x: number) => x.toPrecision(17);

/**
 * numpy.histogram(data, ...), weights as float64. Without a range, NaN is dropped first
 * (numpy refuses NaN for a range it finds itself); that moves numpy's 65,536-element blocks,
 * so exact comparisons of weighted sums there use data without NaN.
 */
function numpyHistogram(data: Arr, c: NumpyCall): number[] {
  const bins = typeof c.bins === 'number' ? String(c.bins)
    : c.bins instanceof Float32Array ? `np.array([${Array.from(c.bins, py)}], dtype=np.float32)` : `[${c.bins.map(py)}]`;
  const script = `
import numpy as np, sys, json, warnings
warnings.simplefilter('ignore')
raw = sys.stdin.buffer.read()
n = ${data.length}
a = np.frombuffer(raw[:${data.byteLength}], dtype='${DTYPE[data.constructor.name]}')
w = ${c.weights ? `np.frombuffer(raw[${data.byteLength}:], dtype='${DTYPE[c.weights.constructor.name]}').astype(np.float64)` : 'None'}
if a.dtype.kind == 'f' and ${c.range ? 'False' : 'True'}:
    keep = ~np.isnan(a)
    a = a[keep]
    if w is not None: w = w[keep]
h, e = np.histogram(a, bins=${bins}${c.range ? `, range=(${py(c.range[0])}, ${py(c.range[1])})` : ''}, weights=w, density=${c.density ? 'True' : 'False'})
print(json.dumps([None if np.isnan(x) else float(x) for x in h]))`;
  const h: (number | null)[] = JSON.parse(runNumpy(script, Buffer.concat([bytes(data), c.weights ? bytes(c.weights) : Buffer.alloc(0)])));
  return h.map((x) => x ?? NaN);
}

function sample(Ctor: { new (n: number): Arr; name: string }, n: number, seed: number, withNaN = true): Arr {
  const rnd = mulberry32(seed), a = new Ctor(n);
  for (let i = 0; i < n; i++) {
    const r = rnd();
    if (a instanceof BigInt64Array) a[i] = BigInt(Math.floor(r * 2000) - 700);
    else if (a instanceof Uint8Array) a[i] = Math.floor(r * 256);
    else if (a instanceof Int32Array) a[i] = Math.floor(r * 2e6) - 7e5;
    else a[i] = withNaN && i % 101 === 0 ? NaN : (r - 0.3) * 7.3;
  }
  return a;
}

function weightsFor(n: number, seed: number, Ctor: typeof Float64Array | typeof Float32Array = Float64Array) {
  const rnd = mulberry32(seed);
  return Ctor.from({ length: n }, () => (rnd() - 0.2) * 10 ** Math.floor(rnd() * 6 - 3));
}

describe('histogram weights and density agree with numpy.histogram', () => {
  it('numpy is available (CI installs python3-numpy)', () => expect(python, 'no python3 with numpy on PATH').toBeDefined());

  // Equal bins: numpy sums blocks of 65,536 elements in order and adds the blocks in order,
  // as our tiles do, so the sums are equal bit for bit (more than one block here).
  const equalBins: [string, { new (n: number): Arr; name: string }, number, [number, number] | undefined][] = [
    ['float64 data, 64 bins over the data range', Float64Array, 64, undefined],
    ['float32 data, 16 bins over a given range', Float32Array, 16, [-1, 3]],
    ['int32 data, 33 bins', Int32Array, 33, undefined],
    ['uint8 data, 7 bins over a range', Uint8Array, 7, [20, 230]],
    ['int64 data, 12 bins', BigInt64Array, 12, undefined],
  ];
  it.each(equalBins)('%s: weighted sums and densities bit for bit on every backend', async (_name, Ctor, bins, range) => {
    const data = sample(Ctor, 150_000, bins, range !== undefined), weights = weightsFor(data.length, bins + 1);
    const want = numpyHistogram(data, { bins, range, weights });
    const wantDensity = numpyHistogram(data, { bins, range, weights, density: true });
    const wantCountDensity = numpyHistogram(data, { bins, range, density: true });
    for (const backend of backends()) {
      expect(Array.from(await ck.histogram(data, bins, { backend, range, weights })), backend).toEqual(want);
      expect(Array.from(ck.histogramSync(data, bins, { backend, range, weights })), backend).toEqual(want);
      expect(Array.from(await ck.histogram(data, bins, { backend, range, weights, density: true })), backend).toEqual(wantDensity);
      expect(Array.from(ck.histogramSync(data, bins, { backend, range, density: true })), backend).toEqual(wantCountDensity);
    }
  });

  // Runs of one value put one bin's adds back to back (and across the kernels' 512-element
  // blocks and the 65,536-element tiles); runs outside the range and of NaN are dropped.
  it('runs of repeated values, in and out of the range: bit for bit on every backend and thread count', async () => {
    const rnd = mulberry32(31), n = 2 * 65_536 + 517, data = new Float64Array(n);
    for (let i = 0; i < n; ) {
      const len = 1 + Math.floor(rnd() * (rnd() < 0.25 ? 700 : 8)), pick = rnd();
      const x = pick < 0.1 ? NaN : pick < 0.2 ? 9 + rnd() : pick < 0.25 ? -Infinity : (rnd() - 0.3) * 7.3;
      data.fill(x, i, Math.min(n, i + len));
      i += len;
    }
    const weights = weightsFor(n, 32), range: [number, number] = [-2, 5];
    const want = numpyHistogram(data, { bins: 64, range, weights });
    for (const backend of backends())
      for (const threads of [1, ck.threads()])
        expect(Array.from(await ck.histogram(data, 64, { backend, range, weights, threads })), `${backend} ${threads}`).toEqual(want);
  });

  it('float32 weights sum in float64 (numpy with the weights as float64)', () => {
    const data = sample(Float64Array, 70_000, 3, false), weights = weightsFor(data.length, 4, Float32Array);
    const want = numpyHistogram(data, { bins: 20, weights });
    for (const backend of backends()) expect(Array.from(ck.histogramSync(data, 20, { backend, weights })), backend).toEqual(want);
  });

  it('explicit edges: weighted sums equal numpy\'s within rounding, densities over float64 and float32 edges', () => {
    const data = sample(Float32Array, 50_000, 9), weights = weightsFor(data.length, 10);
    const edges = [-2.2, -1, -0.5, 0, 0.1, 0.7, 2, 4.9];
    const want = numpyHistogram(data, { bins: edges, weights });
    const scale = weights.reduce((s, x) => s + Math.abs(x), 0);
    const f32Edges = Float32Array.from(edges);
    const wantF32Density = numpyHistogram(data, { bins: f32Edges, density: true });
    const wantDensity = numpyHistogram(data, { bins: edges, density: true });
    for (const backend of backends()) {
      const got = ck.histogramSync(data, edges, { backend, weights });
      got.forEach((x, i) => expect(Math.abs(x - want[i]), `${backend} bin ${i}`).toBeLessThanOrEqual(1e-12 * scale));
      expect(Array.from(ck.histogramSync(data, edges, { backend, density: true })), backend).toEqual(wantDensity);
      expect(Array.from(ck.histogramSync(data, f32Edges, { backend, density: true })), backend).toEqual(wantF32Density);
    }
  });

  it('an estimator\'s bins with density', () => {
    const data = sample(Float64Array, 5000, 12).filter((x) => !Number.isNaN(x));
    const edges = Array.from(ck.histogramEdgesSync(data, 'fd'));
    expect(Array.from(ck.histogramSync(data, 'fd', { density: true }))).toEqual(numpyHistogram(data, { bins: edges, density: true }));
  });

  it('no element in any bin: the density is NaN, as numpy\'s 0/0', () => {
    const got = ck.histogramSync(new Float64Array([5, 6]), [0, 1, 2], { density: true });
    expect(Array.from(got)).toEqual(numpyHistogram(new Float64Array([5, 6]), { bins: [0, 1, 2], density: true }));
    expect(Number.isNaN(got[0])).toBe(true);
  });
});

describe.each(backends())('histogram weights on the %s backend', (backend) => {
  it('sums do not depend on the thread count (a large call that spreads over threads)', async () => {
    const data = sample(Float64Array, 2_500_000, 21), weights = weightsFor(data.length, 22);
    const one = Array.from(await ck.histogram(data, 64, { backend, weights, threads: 1 }));
    const all = Array.from(await ck.histogram(data, 64, { backend, weights, threads: ck.threads() }));
    expect(all).toEqual(one);
    expect(Array.from(ck.histogramSync(data, 64, { backend, weights }))).toEqual(one);
    const edges = [-2, -1.5, 0, 0.25, 1, 3, 5];
    expect(Array.from(await ck.histogram(data, edges, { backend, weights, threads: ck.threads() })))
      .toEqual(Array.from(ck.histogramSync(data, edges, { backend, weights, threads: 1 })));
  });

  it('many bins (tiles grow with the bin count) and empty data', async () => {
    const data = sample(Float32Array, 200_000, 31), weights = weightsFor(data.length, 32, Float32Array);
    const want = numpyHistogram(data, { bins: 3000, range: [-2, 5], weights });
    const got = await ck.histogram(data, 3000, { backend, range: [-2, 5], weights });
    const scale = weights.reduce((s, x) => s + Math.abs(x), 0);
    got.forEach((x, i) => expect(Math.abs(x - want[i])).toBeLessThanOrEqual(1e-12 * scale));
    expect(Array.from(await ck.histogram(new Float64Array(0), 3, { backend, weights: new Float64Array(0) }))).toEqual([0, 0, 0]);
  });

  it('honours an aborted signal', async () => {
    const data = new Float64Array(1000), weights = new Float64Array(1000);
    await expect(ck.histogram(data, 8, { backend, weights, signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    await expect(ck.histogram(data, [0, 1], { backend, density: true, signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('refuses bad weights, bad density, and weights or density over a source', async () => {
    const data = new Float64Array([1, 2, 3]);
    const code = (name: string, c: string) => expect.objectContaining({ name, code: c });
    expect(() => ck.histogramSync(data, 2, { backend, weights: new Int32Array(3) as never })).toThrow(code('TypeError', 'ERR_CK_INVALID_ARG_TYPE'));
    expect(() => ck.histogramSync(data, 2, { backend, weights: [1, 2, 3] as never })).toThrow(code('TypeError', 'ERR_CK_INVALID_ARG_TYPE'));
    expect(() => ck.histogramSync(data, 2, { backend, weights: new Float64Array(2) })).toThrow(
      expect.objectContaining({ name: 'RangeError', code: 'ERR_CK_SHAPE_MISMATCH', message: expect.stringMatching(/options.weights has 2 elements but data has 3/) }));
    await expect(ck.histogram(data, [0, 4], { backend, weights: new Float32Array(4) })).rejects.toThrow(code('RangeError', 'ERR_CK_SHAPE_MISMATCH'));
    expect(() => ck.histogramSync(data, 2, { backend, density: 1 as never })).toThrow(code('TypeError', 'ERR_CK_INVALID_ARG_TYPE'));
    const src = [new Float64Array([1, 2])];
    expect(() => ck.histogramSync(src, [0, 4], { backend, weights: new Float64Array(2) })).toThrow(
      expect.objectContaining({ name: 'TypeError', code: 'ERR_CK_INVALID_ARG_TYPE', message: expect.stringMatching(/not a source/) }));
    await expect(ck.histogram(src, [0, 4], { backend, density: true })).rejects.toThrow(code('TypeError', 'ERR_CK_INVALID_ARG_TYPE'));
  });
});
