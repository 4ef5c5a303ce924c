// Stacks of products: gemmBatch / gemmBatchSync (BLAS strided batched gemm) and matmul on
// Matrix.batch stacks (numpy's broadcasting of a batch of 1), against numpy's np.matmul,
// against one gemm call per product (bit for bit), on every backend.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ck from '../dist/index.js';
import { backends } from './helpers/backends.js';
import { runNumpy } from './helpers/numpy.js';
import { mulberry32 } from './helpers/reference.js';
import { sameElements } from './helpers/gemm-case.js';

type Ctor = typeof Float32Array | typeof Float64Array;
type Arr = Float32Array | Float64Array;

const random = (Ctor: Ctor, n: number, seed: number): Arr => {
  const rnd = mulberry32(seed);
  return Ctor.from({ length: n }, () => (rnd() < 0.1 ? Math.round(rnd() * 8 - 4) : rnd() * 2 - 1));
};

interface NumpyCase {
  a: Arr;
  ashape: number[];
  b: Arr;
  bshape: number[];
  ta?: boolean;
  tb?: boolean;
  alpha?: number;
  beta?: number;
  c?: Arr;
  cshape?: number[];
}

// numpy's alpha·(op(A) @ op(B)) + beta·C in the arrays' own dtype, and |alpha|·(|op(A)| @ |op(B)|) + |beta·C|
// in float64, which bounds the rounding error of any order of summation.
const SCRIPT = (p: object) => `
import sys, json, numpy as np
p = json.loads(${JSON.stringify(JSON.stringify(p))})
dt = np.float32 if p['f32'] else np.float64
raw = sys.stdin.buffer.read()
size = lambda s: int(np.prod(s))
A = np.frombuffer(raw, dt, size(p['ashape']), 0).reshape(p['ashape'])
B = np.frombuffer(raw, dt, size(p['bshape']), A.nbytes).reshape(p['bshape'])
if p['ta']: A = A.swapaxes(-1, -2)
if p['tb']: B = B.swapaxes(-1, -2)
R = dt(p['alpha']) * np.matmul(A, B)
mag = abs(p['alpha']) * np.matmul(np.abs(A.astype(np.float64)), np.abs(B.astype(np.float64)))
if p['cshape']:
    C = np.frombuffer(raw, dt, size(p['cshape']), A.nbytes + B.nbytes).reshape(p['cshape'])
    if p['beta'] != 0:
        R = R + dt(p['beta']) * C
        mag = mag + np.abs(p['beta'] * C.astype(np.float64))
sys.stdout.write(np.ascontiguousarray(R, dtype=np.float64).tobytes().hex() + ' ' + mag.tobytes().hex())
`;

const fromHex = (hex: string) => new Float64Array(new Uint8Array(Buffer.from(hex, 'hex')).buffer);

function numpy(c: NumpyCase): { want: Float64Array; mag: Float64Array } {
  const parts = [c.a, c.b, ...(c.c ? [c.c] : [])].map((x) => new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
  const input = Buffer.concat(parts);
  const p = {
    f32: c.a instanceof Float32Array, ashape: c.ashape, bshape: c.bshape, ta: !!c.ta, tb: !!c.tb,
    alpha: c.alpha ?? 1, beta: c.beta ?? 0, cshape: c.cshape ?? null,
  };
  const [want, mag] = runNumpy(SCRIPT(p), input).split(' ');
  return { want: fromHex(want), mag: fromHex(mag) };
}

/** Elementwise within numpy's result by the rounding bound of a k-term dot product. */
function expectClose(got: ArrayLike<number>, ref: { want: Float64Array; mag: Float64Array }, k: number, f32: boolean, what: string) {
  expect(got.length, what).toBe(ref.want.length);
  const eps = f32 ? 2 ** -23 : 2 ** -52;
  const bad: string[] = [];
  for (let i = 0; i < got.length && bad.length < 5; i++) {
    const tol = 4 * (k + 2) * eps * ref.mag[i] + 1e-30;
    if (!(Math.abs(got[i] - ref.want[i]) <= tol)) bad.push(`[${i}] got ${got[i]} want ${ref.want[i]}`);
  }
  expect(bad, what).toEqual([]);
}

const err = (name: string, code: string) => expect.objectContaining({ name, code });

describe.each(backends())('gemmBatch and stacked matmul on the %s backend', (backend) => {
  describe.each([Float64Array, Float32Array].map((C) => [C.name, C] as const))('%s', (_name, Ctor) => {
    const f32 = Ctor === Float32Array;

    it('matmul of stacks equals np.matmul, with a batch of 1 broadcast either way (async and Sync)', async () => {
      const cases: [number, number, number, number, number][] = [
        // [a.batch, b.batch, m, k, n]
        [3, 3, 5, 7, 4], [1, 4, 8, 8, 8], [6, 1, 8, 8, 8], [5, 1, 3, 9, 2], [1, 5, 33, 17, 9], [2, 2, 1, 1, 1], [4, 4, 6, 0, 3],
        [200, 200, 8, 8, 8], [7, 1, 40, 30, 50],
      ];
      for (const [ba, bb, m, k, n] of cases) {
        const a = random(Ctor, ba * m * k, ba + m), b = random(Ctor, bb * k * n, bb + n);
        const A = { data: a, rows: m, cols: k, batch: ba }, B = bb === 1 ? { data: b, rows: k, cols: n } : { data: b, rows: k, cols: n, batch: bb };
        const ref = numpy({ a, ashape: [ba, m, k], b, bshape: [bb, k, n] });
        const what = `${ba}x${m}x${k} @ ${bb}x${k}x${n}`;
        const got = await ck.matmul(A, B, { backend });
        expect([got.rows, got.cols, got.batch], what).toEqual([m, n, Math.max(ba, bb)]);
        expect(got.data).toBeInstanceOf(Ctor);
        expectClose(got.data, ref, k, f32, what);
        const sync = ck.matmulSync(A, B, { backend });
        expect(sameElements(sync.data, got.data), `${what} Sync equals async`).toBe(true);
      }
    });

    it('gemmBatch equals numpy: transposes, alpha and beta, stride 0 for A or B, both layouts', async () => {
      const cases = [
        { batch: 4, m: 5, n: 3, k: 6, ta: false, tb: false, alpha: 1, beta: 0, shareA: false, shareB: false },
        { batch: 300, m: 8, n: 8, k: 8, ta: true, tb: true, alpha: -0.5, beta: 2, shareA: false, shareB: false },
        { batch: 6, m: 4, n: 7, k: 5, ta: false, tb: true, alpha: 2, beta: 0.5, shareA: true, shareB: false },
        { batch: 6, m: 9, n: 2, k: 3, ta: true, tb: false, alpha: 1, beta: 1, shareA: false, shareB: true },
        { batch: 3, m: 40, n: 100, k: 30, ta: false, tb: false, alpha: 0.25, beta: -1, shareA: false, shareB: false },
        { batch: 5, m: 8, n: 8, k: 1500, ta: false, tb: true, alpha: 1, beta: 0, shareA: false, shareB: false },
      ];
      for (const p of cases) {
        const { batch, m, n, k } = p;
        const na = p.shareA ? 1 : batch, nb = p.shareB ? 1 : batch;
        const a = random(Ctor, na * m * k, m + k), b = random(Ctor, nb * k * n, n + 1), c0 = random(Ctor, batch * m * n, 7);
        const ref = numpy({
          a, ashape: p.ta ? [na, k, m] : [na, m, k], b, bshape: p.tb ? [nb, n, k] : [nb, k, n], ta: p.ta, tb: p.tb,
          alpha: p.alpha, beta: p.beta, c: c0, cshape: [batch, m, n],
        });
        const what = JSON.stringify(p);
        const args = {
          batch, m, n, k, transA: p.ta, transB: p.tb, alpha: p.alpha, beta: p.beta, a, b, c: c0.slice(),
          ...(p.shareA ? { strideA: 0 } : {}), ...(p.shareB ? { strideB: 0 } : {}),
        };
        expect(await ck.gemmBatch(args, { backend })).toBe(args.c);
        expectClose(args.c, ref, k, f32, what);
        const syncArgs = { ...args, c: c0.slice() };
        expect(ck.gemmBatchSync(syncArgs, { backend })).toBe(syncArgs.c);
        expect(sameElements(syncArgs.c, args.c), `${what} Sync equals async`).toBe(true);
        // The same products in col-major storage: each matrix transposed in place.
        const tr = (x: Arr, count: number, rows: number, cols: number) => {
          const out = new Ctor(x.length);
          for (let i = 0; i < count; i++)
            for (let r = 0; r < rows; r++) for (let q = 0; q < cols; q++) out[i * rows * cols + q * rows + r] = x[i * rows * cols + r * cols + q];
          return out;
        };
        const colArgs = {
          ...args, layout: 'col-major' as const, a: tr(a, na, p.ta ? k : m, p.ta ? m : k), b: tr(b, nb, p.tb ? n : k, p.tb ? k : n),
          c: tr(c0, batch, m, n),
        };
        await ck.gemmBatch(colArgs, { backend });
        expect(sameElements(tr(colArgs.c, batch, n, m), args.c), `${what} col-major`).toBe(true);
      }
    });
  });

  it('equals one gemm call per product, bit for bit, for random strides, gaps, leading dimensions and layouts', async () => {
    const arb = fc.record({
      f32: fc.boolean(), colMajor: fc.boolean(), ta: fc.boolean(), tb: fc.boolean(),
      batch: fc.integer({ min: 0, max: 12 }), m: fc.integer({ min: 0, max: 20 }), n: fc.integer({ min: 0, max: 20 }),
      k: fc.integer({ min: 0, max: 20 }), pad: fc.integer({ min: 0, max: 2 }),
      gapA: fc.integer({ min: -1, max: 3 }), gapB: fc.integer({ min: -1, max: 3 }), gapC: fc.integer({ min: 0, max: 3 }),
      alpha: fc.constantFrom(1, 0, -1.5, 0.5), beta: fc.constantFrom(0, 1, -0.5), seed: fc.nat(), defaults: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(arb, async (p) => {
        const Ctor = p.f32 ? Float32Array : Float64Array;
        const stored = (rows: number, cols: number) => (p.colMajor ? [cols, rows] : [rows, cols]); // [outer, inner]
        const [oa, ia] = stored(p.ta ? p.k : p.m, p.ta ? p.m : p.k), [ob, ib] = stored(p.tb ? p.n : p.k, p.tb ? p.k : p.n);
        const [oc, ic] = stored(p.m, p.n);
        const lda = Math.max(1, ia) + p.pad, ldb = Math.max(1, ib) + p.pad, ldc = Math.max(1, ic) + p.pad;
        // gap -1: stride 0 (one shared matrix); else that many elements between matrices.
        const strideA = p.gapA < 0 ? 0 : oa * lda + p.gapA, strideB = p.gapB < 0 ? 0 : ob * ldb + p.gapB, strideC = oc * ldc + p.gapC;
        const len = (stride: number, outer: number, ld: number) => Math.max(0, p.batch - 1) * stride + outer * ld;
        const a = random(Ctor, len(strideA, oa, lda), p.seed), b = random(Ctor, len(strideB, ob, ldb), p.seed + 1);
        const c0 = random(Ctor, len(strideC, oc, ldc), p.seed + 2);
        const shape = { m: p.m, n: p.n, k: p.k, transA: p.ta, transB: p.tb, alpha: p.alpha, beta: p.beta, lda, ldb, ldc };
        const args = {
          ...shape, layout: p.colMajor ? 'col-major' as const : 'row-major' as const, batch: p.batch, a, b, c: c0.slice(),
          strideA, strideB, ...(p.defaults && p.gapC === 0 ? {} : { strideC }),
        };
        const want = c0.slice();
        for (let i = 0; i < p.batch; i++) {
          ck.gemmSync({
            ...shape, layout: args.layout, a: a.subarray(i * strideA), b: b.subarray(i * strideB), c: want.subarray(i * strideC),
          }, { backend });
        }
        await ck.gemmBatch(args, { backend });
        expect(sameElements(args.c, want), JSON.stringify(p)).toBe(true);
        const sync = { ...args, c: c0.slice() };
        ck.gemmBatchSync(sync, { backend });
        expect(sameElements(sync.c, want), `Sync ${JSON.stringify(p)}`).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('gives the same bits for every thread cap (many small products, and a few large ones)', async () => {
    for (const [batch, m, n, k] of [[3000, 8, 8, 8], [6, 150, 140, 130]]) {
      const a = random(Float64Array, batch * m * k, 1), b = random(Float64Array, batch * k * n, 2);
      const run = (threads: number) => {
        const c = new Float64Array(batch * m * n);
        return ck.gemmBatch({ batch, m, n, k, a, b, c }, { backend, threads }).then(() => c);
      };
      const one = await run(1);
      for (let threads = 2; threads <= ck.threads(); threads++) expect(sameElements(await run(threads), one), `${batch}x${m} threads ${threads}`).toBe(true);
    }
  });

  it('matmul keeps the old result shape when neither operand is a stack, and fills options.out for a stack', async () => {
    const a = random(Float64Array, 6, 1), b = random(Float64Array, 6, 2);
    for (const [ba, bb] of [[undefined, undefined], [1, 1], [1, undefined]]) {
      const got = ck.matmulSync({ data: a, rows: 2, cols: 3, batch: ba }, { data: b, rows: 3, cols: 2, batch: bb }, { backend });
      expect(Object.keys(got).sort()).toEqual(['cols', 'data', 'rows']);
    }
    const stack = ck.matrix(Float64Array, 2, 3, { batch: 4 });
    stack.data.set(random(Float64Array, 24, 3));
    const out = new Float64Array(16);
    const got = await ck.matmul(stack, { data: b, rows: 3, cols: 2 }, { backend, out });
    expect(got.data).toBe(out);
    expect(got.batch).toBe(4);
    for (let i = 0; i < 4; i++) {
      const one = ck.matmulSync({ data: stack.data.subarray(i * 6, i * 6 + 6), rows: 2, cols: 3 }, { data: b, rows: 3, cols: 2 }, { backend });
      expect(sameElements(out.subarray(i * 4, i * 4 + 4), one.data), `product ${i}`).toBe(true);
    }
  });

  it('computes a small stack exactly', async () => {
    // A_0 = I, A_1 = 2I (2x2); B = [[1,2],[3,4]] broadcast: C_0 = B, C_1 = 2B.
    const got = await ck.matmul(
      { data: new Float64Array([1, 0, 0, 1, 2, 0, 0, 2]), rows: 2, cols: 2, batch: 2 },
      { data: new Float64Array([1, 2, 3, 4]), rows: 2, cols: 2 }, { backend },
    );
    expect(ck.toRows(got)).toEqual([[1, 2], [3, 4], [2, 4], [6, 8]]);
    // gemmBatch with A shared (stride 0): C_i = A·B_i + C_i.
    const c = new Float32Array([1, 1, 1, 1, 1, 1, 1, 1]);
    ck.gemmBatchSync({ batch: 2, m: 2, n: 2, k: 2, beta: 1, strideA: 0, a: new Float32Array([0, 1, 1, 0]), b: new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]), c }, { backend });
    expect(Array.from(c)).toEqual([4, 5, 2, 3, 8, 9, 6, 7]);
  });

  it('stops a long stack when aborted mid-way: rejects with AbortError', async () => {
    // 1000 products of 32x4096 by 4096x32 (8.4 GFLOP), A and B shared: far longer than 10 ms on any engine.
    const a = random(Float64Array, 32 * 4096, 1), b = random(Float64Array, 4096 * 32, 2), c = new Float64Array(1000 * 32 * 32);
    const controller = new AbortController();
    const call = ck.gemmBatch({ batch: 1000, m: 32, n: 32, k: 4096, a, b, c, strideA: 0, strideB: 0 }, { backend, signal: controller.signal });
    setTimeout(() => controller.abort(), 10);
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('honours an aborted signal, and batch 0 or empty products do nothing', async () => {
    const a = new Float64Array(64 * 100), c = new Float64Array(64 * 100).fill(5);
    await expect(ck.gemmBatch({ batch: 100, m: 8, n: 8, k: 8, a, b: a, c }, { backend, signal: AbortSignal.abort() }))
      .rejects.toMatchObject({ name: 'AbortError' });
    await expect(ck.matmul({ data: a, rows: 8, cols: 8, batch: 100 }, { data: a, rows: 8, cols: 8 }, { backend, signal: AbortSignal.abort() }))
      .rejects.toMatchObject({ name: 'AbortError' });
    expect(c.every((x) => x === 5)).toBe(true);
    await ck.gemmBatch({ batch: 0, m: 8, n: 8, k: 8, a: new Float64Array(0), b: new Float64Array(0), c: new Float64Array(0) }, { backend });
    ck.gemmBatchSync({ batch: 3, m: 0, n: 4, k: 2, a: new Float64Array(0), b: new Float64Array(24), c: new Float64Array(0) }, { backend });
    const zeroK = new Float64Array(12).fill(NaN);
    ck.gemmBatchSync({ batch: 3, m: 2, n: 2, k: 0, a: new Float64Array(0), b: new Float64Array(0), c: zeroK }, { backend });
    expect(Array.from(zeroK)).toEqual(new Array(12).fill(0));
  });

  it('refuses bad stacks and strides with the designed class and code (async rejects, Sync throws)', async () => {
    const f = (n: number) => new Float64Array(n);
    const base = { m: 2, n: 2, k: 2, a: f(8), b: f(8), c: f(8), batch: 2 };
    const bad: [object, string, string, RegExp?][] = [
      [{ ...base, batch: undefined }, 'TypeError', 'ERR_CK_INVALID_ARG_TYPE', /batch must be an integer/],
      [{ ...base, batch: 1.5 }, 'TypeError', 'ERR_CK_INVALID_ARG_TYPE'],
      [{ ...base, batch: -1 }, 'RangeError', 'ERR_CK_OUT_OF_RANGE'],
      [{ ...base, strideA: 'x' }, 'TypeError', 'ERR_CK_INVALID_ARG_TYPE', /strideA/],
      [{ ...base, strideB: -4 }, 'RangeError', 'ERR_CK_OUT_OF_RANGE', /strideB/],
      [{ ...base, a: f(7) }, 'RangeError', 'ERR_CK_ARRAY_TOO_SHORT', /a has 7 elements but 2 2x2 row-major matrices/],
      [{ ...base, b: f(4), strideB: 1 }, 'RangeError', 'ERR_CK_ARRAY_TOO_SHORT', /b has 4 elements/],
      [{ ...base, strideC: 5 }, 'RangeError', 'ERR_CK_ARRAY_TOO_SHORT', /c has 8 elements but 2 2x2 row-major matrices with leading dimension 2, 5 elements apart, needs 9/],
      [{ ...base, strideC: 0 }, 'RangeError', 'ERR_CK_OUT_OVERLAP', /strideC is 0 but each 2x2 C spans 4 elements/],
      [{ ...base, strideC: 3 }, 'RangeError', 'ERR_CK_OUT_OVERLAP'],
      [{ ...base, ldc: 3, c: f(20), strideC: 4 }, 'RangeError', 'ERR_CK_OUT_OVERLAP'],
      [{ ...base, lda: 1 }, 'RangeError', 'ERR_CK_LEADING_DIMENSION'],
      [{ ...base, c: base.a }, 'RangeError', 'ERR_CK_OUT_OVERLAP', /c shares memory with a/],
      [{ ...base, b: new Float32Array(8) }, 'TypeError', 'ERR_CK_INVALID_ARG_TYPE'],
      [{ ...base, layout: 'diagonal' }, 'RangeError', 'ERR_CK_OUT_OF_RANGE'],
    ];
    for (const [args, name, code, message] of bad) {
      const want = expect.objectContaining({ name, code, ...(message ? { message: expect.stringMatching(message) } : {}) });
      await expect(ck.gemmBatch(args as never, { backend }), JSON.stringify(Object.keys(args))).rejects.toThrow(want);
      expect(() => ck.gemmBatchSync(args as never, { backend })).toThrow(want);
    }
    // One product may write C at any stride (there is nothing to overlap); stride 0 reads A and B again.
    expect(() => ck.gemmBatchSync({ ...base, batch: 1, strideC: 0, c: f(4) }, { backend })).not.toThrow();
    await expect(ck.gemmBatch(null as never, { backend })).rejects.toThrow(err('TypeError', 'ERR_CK_INVALID_ARG_TYPE'));
    expect(() => ck.gemmBatchSync(base, { backend, threads: 0 })).toThrow(err('RangeError', 'ERR_CK_OUT_OF_RANGE'));
  });

  it('matmul refuses mismatched and malformed stacks with the designed class and code', async () => {
    const m = (batch: unknown, n = 2 * 2 * 6) => ({ data: new Float64Array(n), rows: 2, cols: 2, batch }) as never;
    const bad: [unknown, unknown, object | undefined, string, string, RegExp?][] = [
      [m(2), m(3), undefined, 'RangeError', 'ERR_CK_SHAPE_MISMATCH', /a has a batch of 2 but b has a batch of 3/],
      [m(3), m(2), undefined, 'RangeError', 'ERR_CK_SHAPE_MISMATCH', /a has a batch of 3 but b has a batch of 2/],
      [m(0), m(1), undefined, 'RangeError', 'ERR_CK_OUT_OF_RANGE', /a\.batch must be at least 1/],
      [m(1), m(-2), undefined, 'RangeError', 'ERR_CK_OUT_OF_RANGE', /b\.batch/],
      [m(1.5), m(1), undefined, 'TypeError', 'ERR_CK_INVALID_ARG_TYPE', /a\.batch must be an integer/],
      [m(7), m(1), undefined, 'RangeError', 'ERR_CK_ARRAY_TOO_SHORT', /a\.data has 24 elements but a stack of 7 2x2 matrices needs 28/],
      [m(6), m(1), { out: new Float64Array(4) }, 'RangeError', 'ERR_CK_OUT_SIZE', /the 6 2x2 results need 24/],
    ];
    for (const [a, b, opts, name, code, message] of bad) {
      const want = expect.objectContaining({ name, code, ...(message ? { message: expect.stringMatching(message) } : {}) });
      await expect(ck.matmul(a as never, b as never, { backend, ...opts })).rejects.toThrow(want);
      expect(() => ck.matmulSync(a as never, b as never, { backend, ...opts })).toThrow(want);
    }
  });
});

describe('matrix({ batch }) and toRows of a stack', () => {
  it('makes a zero-filled stack, on shared memory when asked, and toRows lists every matrix\'s rows', () => {
    const s = ck.matrix(Float32Array, 2, 3, { batch: 4, shared: true });
    expect([s.rows, s.cols, s.batch, s.data.length]).toEqual([2, 3, 4, 24]);
    expect(s.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(s.data.every((x) => x === 0)).toBe(true);
    s.data.set(Float32Array.from({ length: 24 }, (_, i) => i));
    const rows = ck.toRows(s);
    expect(rows.length).toBe(8);
    expect(rows[5]).toEqual([15, 16, 17]);
    expect(ck.matrix(Float64Array, 2, 2, { batch: 1 }).batch).toBe(1);
    expect('batch' in ck.matrix(Float64Array, 2, 2)).toBe(false);
  });

  it('refuses a batch that is not a positive integer', () => {
    expect(() => ck.matrix(Float64Array, 2, 2, { batch: 0 })).toThrow(err('RangeError', 'ERR_CK_OUT_OF_RANGE'));
    expect(() => ck.matrix(Float64Array, 2, 2, { batch: -1 })).toThrow(err('RangeError', 'ERR_CK_OUT_OF_RANGE'));
    expect(() => ck.matrix(Float64Array, 2, 2, { batch: 2.5 })).toThrow(err('TypeError', 'ERR_CK_INVALID_ARG_TYPE'));
  });
});
