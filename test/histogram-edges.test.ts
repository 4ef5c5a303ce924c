// histogramEdges (numpy.histogram_bin_edges) and histogram(data, estimator): every estimator
// on several distributions and element types, compared with numpy itself, edges bit for bit.
import { describe, expect, it } from 'vitest';
import * as ck from '../dist/index.js';
import { backends } from './helpers/backends.js';
import { python, runNumpy } from './helpers/numpy.js';
import { mulberry32 } from './helpers/reference.js';

type Arr = Float64Array | Float32Array | Int32Array | Int16Array | Uint8Array | BigInt64Array;
const DTYPE: Record<string, string> = {
  Float64Array: 'float64', Float32Array: 'float32', Int32Array: 'int32', Int16Array: 'int16', Uint8Array: 'uint8', BigInt64Array: 'int64',
};
const ESTIMATORS = ['auto', 'fd', 'sturges', 'sqrt', 'rice', 'scott', 'doane', 'stone'] as const;

/** numpy.histogram_bin_edges for every estimator (and a count of 10), and np.histogram's counts with 'auto'. */
function numpyEdges(data: Arr, range?: [number, number]): Record<string, number[] | string> {
  const script = `
import numpy as np, sys, json, warnings
warnings.simplefilter('ignore')
a = np.frombuffer(sys.stdin.buffer.read(), dtype='${DTYPE[data.constructor.name]}')
out = {}
for b in ${JSON.stringify([...ESTIMATORS, 10])}:
    try:
        out[str(b)] = [float(x) for x in np.histogram_bin_edges(a, bins=b${range ? `, range=(${range[0]!.toPrecision(17)}, ${range[1]!.toPrecision(17)})` : ''})]
    except ValueError as e:
        out[str(b)] = str(e)
try:
    out['counts'] = [int(c) for c in np.histogram(a, bins='auto'${range ? `, range=(${range[0]!.toPrecision(17)}, ${range[1]!.toPrecision(17)})` : ''})[0]]
except ValueError as e:
    out['counts'] = str(e)
print(json.dumps(out))`;
  return JSON.parse(runNumpy(script, Buffer.from(data.buffer, data.byteOffset, data.byteLength)));
}

function normal(rnd: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
}

type Make = (n: number, seed: number) => Arr;
const DISTRIBUTIONS: [string, Make][] = [
  ['normal float64', (n, s) => { const r = mulberry32(s); return Float64Array.from({ length: n }, () => 3 + 2 * normal(r)); }],
  ['uniform float64', (n, s) => { const r = mulberry32(s); return Float64Array.from({ length: n }, () => r() * 10 - 4); }],
  ['normal with outliers float64', (n, s) => {
    const r = mulberry32(s);
    return Float64Array.from({ length: n }, (_, i) => (i % 97 === 0 ? 1e4 * (r() - 0.5) : normal(r)));
  }],
  ['skewed (exponential) float64', (n, s) => { const r = mulberry32(s); return Float64Array.from({ length: n }, () => -Math.log(1 - r())); }],
  ['normal float32', (n, s) => { const r = mulberry32(s); return Float32Array.from({ length: n }, () => 1 + normal(r)); }],
  ['uniform float32', (n, s) => { const r = mulberry32(s); return Float32Array.from({ length: n }, () => r() * 3); }],
  ['int32', (n, s) => { const r = mulberry32(s); return Int32Array.from({ length: n }, () => Math.floor(2000 * normal(r))); }],
  ['int16 narrow (widths below 1)', (n, s) => { const r = mulberry32(s); return Int16Array.from({ length: n }, () => Math.floor(r() * 6) - 3); }],
  ['uint8', (n, s) => { const r = mulberry32(s); return Uint8Array.from({ length: n }, () => Math.floor(r() * 256)); }],
  ['int64', (n, s) => { const r = mulberry32(s); return BigInt64Array.from({ length: n }, () => BigInt(Math.floor(1e6 * normal(r)))); }],
];

describe('histogramEdges agrees with numpy.histogram_bin_edges', () => {
  it('numpy is available and has numpy 2\'s estimators (Debian 12\'s 1.24 has an older \'auto\' and no integer width floor)', () => {
    expect(python, 'no python3 with numpy on PATH').toBeDefined();
    const version = runNumpy('import numpy; print(numpy.__version__)', new Uint8Array(0)).trim();
    expect(Number(version.split('.')[0]), `numpy ${version}`).toBeGreaterThanOrEqual(2);
  });

  const sizes = [5, 37, 2000];
  const cases = DISTRIBUTIONS.flatMap(([name, make]) => sizes.map((n) => [`${name}, n = ${n}`, make(n, n + name.length)] as const));
  it.each(cases)('%s: every estimator, edges bit for bit', (_name, data) => {
    const want = numpyEdges(data);
    for (const bins of [...ESTIMATORS, 10] as const) {
      expect(Array.from(ck.histogramEdgesSync(data, bins)), String(bins)).toEqual(want[String(bins)]);
    }
    expect(Array.from(ck.histogramSync(data, 'auto'))).toEqual(want.counts);
  });

  it.each(DISTRIBUTIONS.slice(0, 7))('%s with a range: the data outside it is left out, as numpy does', (_name, make) => {
    const data = make(3000, 11);
    const range: [number, number] = [0.25, 2.5];
    const want = numpyEdges(data, range);
    for (const bins of [...ESTIMATORS, 10] as const)
      expect(Array.from(ck.histogramEdgesSync(data, bins, { range })), String(bins)).toEqual(want[String(bins)]);
    expect(Array.from(ck.histogramSync(data, 'auto', { range }))).toEqual(want.counts);
  });

  it('constant data and empty data: one bin, as numpy', () => {
    for (const data of [new Float64Array(50).fill(2.5), new Float32Array(9).fill(-1.25), new Int32Array(20).fill(7), new Float64Array(0), new Uint8Array(0)]) {
      const want = numpyEdges(data);
      for (const bins of ESTIMATORS) expect(Array.from(ck.histogramEdgesSync(data, bins)), `${data.constructor.name} ${bins}`).toEqual(want[bins]);
    }
  });

  it('a range that keeps no element: one bin over the range', () => {
    const data = new Float64Array([1, 2, 3, 4]);
    const want = numpyEdges(data, [10, 12]);
    for (const bins of ESTIMATORS) expect(Array.from(ck.histogramEdgesSync(data, bins, { range: [10, 12] }))).toEqual(want[bins]);
  });

  it('data with NaN: estimators refuse it as numpy does, unless a range is given', () => {
    const data = Float64Array.from({ length: 200 }, (_, i) => (i === 17 ? NaN : Math.sin(i)));
    const want = numpyEdges(data);
    expect(want.auto).toMatch(/autodetected range of \[nan, nan\] is not finite/);
    for (const bins of ESTIMATORS) {
      expect(() => ck.histogramEdgesSync(data, bins)).toThrow(expect.objectContaining({
        name: 'RangeError', code: 'ERR_CK_OUT_OF_RANGE', message: expect.stringMatching(/autodetected range of \[NaN, NaN\] is not finite/),
      }));
    }
    const ranged = numpyEdges(data, [-0.5, 0.5]);
    for (const bins of ESTIMATORS) expect(Array.from(ck.histogramEdgesSync(data, bins, { range: [-0.5, 0.5] }))).toEqual(ranged[bins]);
    const inf = new Float64Array([1, 2, Infinity]);
    expect(() => ck.histogramEdgesSync(inf, 'fd')).toThrow(expect.objectContaining({ name: 'RangeError', code: 'ERR_CK_OUT_OF_RANGE' }));
  });
});

describe.each(backends())('histogramEdges on the %s backend', (backend) => {
  const data = Float64Array.from({ length: 5000 }, (_, i) => Math.sin(i * 1.3) * 4 + (i % 7));

  it('async and Sync agree; a bin count ignores NaN as histogram does and gives the edges histogram uses', async () => {
    for (const bins of [...ESTIMATORS, 12] as const) {
      const edges = await ck.histogramEdges(data, bins, { backend });
      expect(edges).toBeInstanceOf(Float64Array);
      expect(Array.from(edges)).toEqual(Array.from(ck.histogramEdgesSync(data, bins, { backend, threads: 1 })));
      expect(Array.from(await ck.histogram(data, bins, { backend }))).toEqual(Array.from(ck.histogramSync(data, Array.from(edges), { backend })));
    }
    const withNaN = Float32Array.from([NaN, 1, 2, 3]);
    expect(Array.from(await ck.histogramEdges(withNaN, 2, { backend }))).toEqual([1, 2, 3]);
  });

  it('honours an aborted signal', async () => {
    await expect(ck.histogramEdges(data, 'auto', { backend, signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    await expect(ck.histogramEdges(data, 4, { backend, range: [0, 1], signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    await expect(ck.histogram(data, 'fd', { backend, signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('refuses bad bins, data, ranges, estimators over sources and with weights', async () => {
    const code = (name: string, c: string) => expect.objectContaining({ name, code: c });
    expect(() => ck.histogramEdgesSync(data, 'freedman' as never, { backend })).toThrow(code('RangeError', 'ERR_CK_OUT_OF_RANGE'));
    expect(() => ck.histogramEdgesSync(data, [0, 1] as never, { backend })).toThrow(code('TypeError', 'ERR_CK_INVALID_ARG_TYPE'));
    expect(() => ck.histogramEdgesSync(data, 0, { backend })).toThrow(code('RangeError', 'ERR_CK_OUT_OF_RANGE'));
    expect(() => ck.histogramEdgesSync(data, 1.5, { backend })).toThrow(code('TypeError', 'ERR_CK_INVALID_ARG_TYPE'));
    expect(() => ck.histogramEdgesSync([1, 2] as never, 'auto', { backend })).toThrow(code('TypeError', 'ERR_CK_INVALID_ARG_TYPE'));
    expect(() => ck.histogramEdgesSync(data, 'auto', { backend, range: [3, 1] })).toThrow(code('RangeError', 'ERR_CK_OUT_OF_RANGE'));
    expect(() => ck.histogramEdgesSync(data, 'sqrt', { backend, range: [0, NaN] })).toThrow(code('RangeError', 'ERR_CK_OUT_OF_RANGE'));
    await expect(ck.histogramEdges(data, 'nope' as never, { backend })).rejects.toThrow(code('RangeError', 'ERR_CK_OUT_OF_RANGE'));
    expect(() => ck.histogramSync(data, 'auto', { backend, weights: new Float64Array(data.length) })).toThrow(
      expect.objectContaining({ name: 'TypeError', code: 'ERR_CK_INVALID_ARG_TYPE', message: expect.stringMatching(/not supported for weighted data/) }));
    expect(() => ck.histogramSync([data], 'auto', { backend })).toThrow(
      expect.objectContaining({ name: 'TypeError', code: 'ERR_CK_INVALID_ARG_TYPE', message: expect.stringMatching(/whole data in memory/) }));
    await expect(ck.histogram([data], 'stone', { backend })).rejects.toThrow(code('TypeError', 'ERR_CK_INVALID_ARG_TYPE'));
  });
});

describe('equal bins take the kernels\' uniform fast path', async () => {
  const { uniformGuess } = await import('../dist/histogram-guess.js');
  const { equalEdges } = await import('../dist/histogram-bins.js');
  const { elementKind, lowerBound, upperBound } = await import('../dist/bounds.js');
  it.each([
    ['float64 data range', false, 1.23e-5, 0.99999],
    ['float32 data range (float32 edges)', true, Math.fround(0.1), Math.fround(0.97)],
    ['a given range', false, -3.7, 12.2],
  ])('%s: numpy\'s edges pass the guess check (a bin index computed, not searched)', (_name, f32, first, last) => {
    for (const bins of [1, 7, 64, 1000]) {
      const e = equalEdges({ first, last, float32Math: f32 }, bins, f32);
      const kind = elementKind(f32 ? new Float32Array(1) : new Float64Array(1));
      const lower = e.slice(0, -1).map((x) => lowerBound(kind, x, false) as number);
      expect(uniformGuess(kind, e, lower, upperBound(kind, e[bins]!, false) as number), `${bins} bins`).toBeDefined();
    }
  });
});
