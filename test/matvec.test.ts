// matvec / matvecSync: y = A·x and Aᵀ·x (BLAS gemv) on every backend, compared with numpy's
// A @ x and A.T @ x for float32 and float64, including the empty shapes; Sync and async
// agree, results do not depend on the thread count, `out` is written, aborts and every
// refusal carry their class and code.
import { beforeAll, describe, expect, it } from 'vitest';
import * as ck from '../dist/index.js';
import { backends } from './helpers/backends.js';
import { python, runNumpy } from './helpers/numpy.js';
import { randomFill } from './helpers/reference.js';

type FloatCtor = Float32ArrayConstructor | Float64ArrayConstructor;
const DTYPES = [['float32', Float32Array], ['float64', Float64Array]] as const;
const EPS: Record<string, number> = { float32: 2 ** -23, float64: 2 ** -52 };

// Empty ones (numpy gives zeros or an empty y), thin ones, and ones that take several tiles,
// row blocks or slices on every engine (1500x1000 f64 is 12 MB: the addon's helper threads join).
const SHAPES: [number, number][] = [[0, 0], [0, 5], [5, 0], [1, 1], [3, 17], [64, 1], [1, 300], [257, 131], [1500, 1000]];

interface Case {
  dtype: string;
  rows: number;
  cols: number;
  a: Float32Array | Float64Array;
  x: Float32Array | Float64Array; // cols elements, for A·x
  xt: Float32Array | Float64Array; // rows elements, for Aᵀ·x
  y: Float32Array | Float64Array; // numpy's A @ x
  yt: Float32Array | Float64Array; // numpy's A.T @ xt
}

const cases: Case[] = [];

function fromHex(Ctor: FloatCtor, hex: string) {
  const bytes = Buffer.from(hex, 'hex');
  return new Ctor(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

// One python for every case (starting numpy takes ~0.3 s): the inputs one after another on
// stdin, numpy's A @ x and A.T @ xt as hex, two lines a case.
beforeAll(() => {
  if (!python) return;
  const inputs: Buffer[] = [];
  for (const [dtype, Ctor] of DTYPES)
    for (const [rows, cols] of SHAPES) {
      const seed = rows * 7919 + cols * 31 + Ctor.BYTES_PER_ELEMENT;
      const a = randomFill(new Ctor(rows * cols), seed), x = randomFill(new Ctor(cols), seed + 1), xt = randomFill(new Ctor(rows), seed + 2);
      cases.push({ dtype, rows, cols, a, x, xt, y: new Ctor(0), yt: new Ctor(0) });
      inputs.push(...[a, x, xt].map((v) => Buffer.from(v.buffer, v.byteOffset, v.byteLength)));
    }
  const spec = JSON.stringify(cases.map((c) => [c.dtype, c.rows, c.cols]));
  const script = `import json, numpy as np, sys
b = sys.stdin.buffer.read(); at = 0
def take(dtype, n):
    global at
    v = np.frombuffer(b, dtype=dtype, count=n, offset=at); at += n * v.itemsize; return v
for dtype, r, c in json.loads('${spec}'):
    a = take(dtype, r * c).reshape(r, c); x = take(dtype, c); xt = take(dtype, r)
    print((a @ x).tobytes().hex()); print((a.T @ xt).tobytes().hex())`;
  const lines = runNumpy(script, Buffer.concat(inputs)).split('\n');
  cases.forEach((c, i) => {
    const Ctor = c.a.constructor as FloatCtor;
    c.y = fromHex(Ctor, lines[2 * i]);
    c.yt = fromHex(Ctor, lines[2 * i + 1]);
  });
}, 60_000);

/** Indices where got and numpy differ by more than two summations' worst rounding: (k + 2)·eps·Σ|a·x| each. */
function farFromNumpy(c: Case, trans: boolean, got: ArrayLike<number>): string[] {
  const want = trans ? c.yt : c.y, x = trans ? c.xt : c.x, k = trans ? c.rows : c.cols;
  expect(got.length).toBe(want.length);
  const bad: string[] = [];
  for (let i = 0; i < want.length; i++) {
    let mag = 0;
    for (let p = 0; p < k; p++) mag += Math.abs((trans ? c.a[p * c.cols + i] : c.a[i * c.cols + p]) * x[p]);
    const tol = 2 * (k + 2) * EPS[c.dtype] * mag;
    if (!(Math.abs(got[i] - want[i]) <= tol)) bad.push(`y[${i}] = ${got[i]}, numpy ${want[i]} (tol ${tol})`);
  }
  return bad;
}

const label = (c: Case, trans: boolean) => `${c.dtype} ${c.rows}x${c.cols}${trans ? ' transposed' : ''}`;
const sameBits = (p: ArrayLike<number>, q: ArrayLike<number>) => p.length === q.length && Array.from(p).every((v, i) => Object.is(v, q[i]));

describe('numpy', () => {
  it('is available (CI installs python3-numpy)', () => {
    expect(python, 'no python3 with numpy on PATH').toBeDefined();
    expect(cases.length).toBe(DTYPES.length * SHAPES.length);
  });
});

describe.each(backends())('matvec on the %s backend', (backend) => {
  it('matches numpy A @ x and A.T @ x, float32 and float64, Sync and async alike, empty shapes included', async () => {
    for (const c of cases)
      for (const trans of [false, true]) {
        const m = { data: c.a, rows: c.rows, cols: c.cols };
        const v = trans ? c.xt : c.x;
        const got = await ck.matvec(m, v, { backend, transpose: trans });
        expect(got).toBeInstanceOf(c.a.constructor);
        expect(farFromNumpy(c, trans, got), label(c, trans)).toEqual([]);
        const sync = ck.matvecSync(m, v, { backend, transpose: trans });
        expect(sameBits(sync, got), `${label(c, trans)}: Sync and async differ`).toBe(true);
      }
  });

  it('gives the same bits for every thread cap', async () => {
    for (const c of cases.filter((k) => k.rows * k.cols >= 1e6))
      for (const trans of [false, true]) {
        const m = { data: c.a, rows: c.rows, cols: c.cols }, v = trans ? c.xt : c.x;
        const one = await ck.matvec(m, v, { backend, transpose: trans, threads: 1 });
        for (let threads = 2; threads <= ck.threads(); threads++) {
          const got = await ck.matvec(m, v, { backend, transpose: trans, threads });
          expect(sameBits(got, one), `${label(c, trans)}, ${threads} threads`).toBe(true);
          expect(sameBits(ck.matvecSync(m, v, { backend, transpose: trans, threads }), one)).toBe(true);
        }
      }
  });

  it('writes into out, whatever it held, and returns it', async () => {
    for (const c of cases.filter((k) => k.rows === 257 || k.cols === 0 || k.rows === 0))
      for (const trans of [false, true]) {
        const m = { data: c.a, rows: c.rows, cols: c.cols }, v = trans ? c.xt : c.x;
        const Ctor = c.a.constructor as FloatCtor;
        const out = new Ctor(trans ? c.cols : c.rows).fill(NaN);
        expect(await ck.matvec(m, v, { backend, transpose: trans, out })).toBe(out);
        expect(farFromNumpy(c, trans, out), label(c, trans)).toEqual([]);
        const outSync = new Ctor(out.length).fill(NaN);
        expect(ck.matvecSync(m, v, { backend, transpose: trans, out: outSync })).toBe(outSync);
        expect(sameBits(outSync, out)).toBe(true);
      }
  });

  it('reads a matrix whose data is longer than rows·cols (the rest is ignored)', async () => {
    const data = new Float64Array([1, 2, 3, 4, 99, 99]);
    expect(Array.from(await ck.matvec({ data, rows: 2, cols: 2 }, new Float64Array([1, 1]), { backend }))).toEqual([3, 7]);
    expect(Array.from(ck.matvecSync({ data, rows: 2, cols: 2 }, new Float64Array([1, 1]), { backend, transpose: true }))).toEqual([4, 6]);
  });

  it('rejects with AbortError when aborted before the call or while it waits or runs, leaving out untouched before', async () => {
    const out = new Float64Array(3).fill(5);
    const pre = AbortSignal.abort();
    await expect(ck.matvec({ data: new Float64Array(6), rows: 3, cols: 2 }, new Float64Array(2), { backend, signal: pre, out }))
      .rejects.toMatchObject({ name: 'AbortError' });
    await expect(ck.matvec({ data: new Float64Array(0), rows: 3, cols: 0 }, new Float64Array(0), { backend, signal: pre, out }))
      .rejects.toMatchObject({ name: 'AbortError' });
    expect(Array.from(out)).toEqual([5, 5, 5]);
    const n = 2000, a = { data: randomFill(new Float64Array(n * n), 5), rows: n, cols: n }, x = randomFill(new Float64Array(n), 6);
    for (const transpose of [false, true]) {
      // A long matmul ahead of it: the addon's runner and the worker pool take calls one after
      // another, so the matvec is still waiting (inline: between slices) when the abort lands,
      // however loaded the machine is (alone, a 32 MB native call can finish first).
      const busy = new AbortController(), m = backend === 'native' ? 1500 : 600;
      const sq = { data: randomFill(new Float64Array(m * m), 7), rows: m, cols: m };
      const ahead = ck.matmul(sq, sq, { backend, signal: busy.signal }).catch((e: unknown) => e);
      const ac = new AbortController();
      // Handled at once: it may reject while the matmul is awaited.
      const call = ck.matvec(a, x, { backend, transpose, signal: ac.signal }).then(() => undefined, (e: unknown) => e);
      ac.abort();
      busy.abort();
      await ahead;
      const err = await call;
      expect(err).toBeInstanceOf(DOMException);
      expect((err as DOMException).name).toBe('AbortError');
    }
  });
});

describe('matvec refuses bad input with the designed class and code', () => {
  const a = { data: new Float64Array(6), rows: 2, cols: 3 };
  const x3 = new Float64Array(3), x2 = new Float64Array(2);
  const bad: [string, unknown, unknown, unknown, string, string][] = [
    ['a not an object', 5, x3, undefined, 'TypeError', 'ERR_CK_INVALID_ARG_TYPE'],
    ['a.data not a float array', { data: new Int32Array(6), rows: 2, cols: 3 }, x3, undefined, 'TypeError', 'ERR_CK_INVALID_ARG_TYPE'],
    ['a.rows negative', { data: new Float64Array(6), rows: -1, cols: 3 }, x3, undefined, 'RangeError', 'ERR_CK_OUT_OF_RANGE'],
    ['a.cols not an integer', { data: new Float64Array(6), rows: 2, cols: 1.5 }, x3, undefined, 'TypeError', 'ERR_CK_INVALID_ARG_TYPE'],
    ['a.data too short', { data: new Float64Array(5), rows: 2, cols: 3 }, x3, undefined, 'RangeError', 'ERR_CK_ARRAY_TOO_SHORT'],
    ['a a stack of matrices (batch 2)', { data: new Float64Array(12), rows: 2, cols: 3, batch: 2 }, x3, undefined, 'RangeError', 'ERR_CK_SHAPE_MISMATCH'],
    ['x not a TypedArray', a, [1, 2, 3], undefined, 'TypeError', 'ERR_CK_INVALID_ARG_TYPE'],
    ['x of another element type', a, new Float32Array(3), undefined, 'TypeError', 'ERR_CK_INVALID_ARG_TYPE'],
    ['x.length !== a.cols', a, x2, undefined, 'RangeError', 'ERR_CK_SHAPE_MISMATCH'],
    ['x.length !== a.rows when transposed', a, x3, { transpose: true }, 'RangeError', 'ERR_CK_SHAPE_MISMATCH'],
    ['transpose not a boolean', a, x3, { transpose: 1 }, 'TypeError', 'ERR_CK_INVALID_ARG_TYPE'],
    ['out of the wrong length', a, x3, { out: new Float64Array(3) }, 'RangeError', 'ERR_CK_OUT_SIZE'],
    ['out of the wrong length when transposed', a, x2, { transpose: true, out: new Float64Array(2) }, 'RangeError', 'ERR_CK_OUT_SIZE'],
    ['out of another element type', a, x3, { out: new Float32Array(2) }, 'TypeError', 'ERR_CK_INVALID_ARG_TYPE'],
    ['out sharing memory with a.data', a, x3, { out: a.data.subarray(4, 6) }, 'RangeError', 'ERR_CK_OUT_OVERLAP'],
    ['out sharing memory with x', a, x3, { out: x3.subarray(1, 3) }, 'RangeError', 'ERR_CK_OUT_OVERLAP'],
    ['threads out of range', a, x3, { threads: 0 }, 'RangeError', 'ERR_CK_OUT_OF_RANGE'],
    ['options not an object', a, x3, 7, 'TypeError', 'ERR_CK_INVALID_ARG_TYPE'],
  ];
  it.each(bad)('%s', async (_what, m, x, opts, name, code) => {
    await expect(ck.matvec(m as never, x as never, opts as never)).rejects.toThrow(expect.objectContaining({ name, code }));
    expect(() => ck.matvecSync(m as never, x as never, opts as never)).toThrow(expect.objectContaining({ name, code }));
  });

  it('a signal that is not an AbortSignal', async () => {
    await expect(ck.matvec(a, x3, { signal: {} as never })).rejects.toThrow(expect.objectContaining({ name: 'TypeError', code: 'ERR_CK_INVALID_ARG_TYPE' }));
  });
});
