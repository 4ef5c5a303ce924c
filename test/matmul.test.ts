// matmul / matmulSync: C = A·B for row-major dense matrices.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ck from '../dist/index.js';
import { backends } from './helpers/backends.js';
import { ctorOf, dimArb, sameElements, view, type Dtype } from './helpers/gemm-case.js';
import { TOL_F32, TOL_F64, gemmMismatches, gemmVectorCheck, randomFill, refGemm } from './helpers/reference.js';

type F = Float32Array | Float64Array;

function reference(a: { data: F; rows: number; cols: number }, b: { data: F; rows: number; cols: number }) {
  const m = a.rows;
  const k = a.cols;
  const n = b.cols;
  return refGemm({
    layout: 'row-major',
    transA: false,
    transB: false,
    m,
    n,
    k,
    alpha: 1,
    beta: 0,
    a: Float64Array.from(a.data),
    lda: Math.max(1, k),
    b: Float64Array.from(b.data),
    ldb: Math.max(1, n),
    c: new Float64Array(m * n),
    ldc: Math.max(1, n),
  });
}

describe.each(backends())('matmul on the %s backend', (backend) => {
  it('matches the float64 triple loop for random shapes (incl. 0, 1, primes), dtypes, extra data, out', async () => {
    const arb = fc.record({
      dtype: fc.constantFrom<Dtype>('f32', 'f64'),
      m: dimArb,
      k: dimArb,
      n: dimArb,
      extraA: fc.integer({ min: 0, max: 2 }),
      extraB: fc.integer({ min: 0, max: 2 }),
      offA: fc.integer({ min: 0, max: 2 }),
      offB: fc.integer({ min: 0, max: 2 }),
      withOut: fc.boolean(),
      shared: fc.integer({ min: 0, max: 7 }), // bit mask: a, b, out on a SharedArrayBuffer
      seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    });
    await fc.assert(
      fc.asyncProperty(arb, async (p) => {
        const ctor = ctorOf(p.dtype);
        // Extra trailing elements are NaN: they must be ignored.
        const a = { data: view(ctor, p.m * p.k + p.extraA, p.offA, (p.shared & 1) !== 0), rows: p.m, cols: p.k };
        const b = { data: view(ctor, p.k * p.n + p.extraB, p.offB, (p.shared & 2) !== 0), rows: p.k, cols: p.n };
        randomFill(a.data.subarray(0, p.m * p.k), p.seed);
        randomFill(b.data.subarray(0, p.k * p.n), p.seed + 1);
        const a0 = Float64Array.from(a.data);
        const b0 = Float64Array.from(b.data);
        const ref = reference(a, b);
        const tol = p.dtype === 'f32' ? TOL_F32 : TOL_F64;

        const out = p.withOut ? view(ctor, p.m * p.n, 1, (p.shared & 4) !== 0).fill(NaN) : undefined;
        const r = await ck.matmul(a as any, b as any, { backend, out: out as any });
        expect(r.rows).toBe(p.m);
        expect(r.cols).toBe(p.n);
        expect(r.data).toBeInstanceOf(ctor);
        expect(r.data.length).toBe(p.m * p.n);
        if (out) expect(r.data).toBe(out);
        expect(gemmMismatches(r.data, new Float64Array(p.m * p.n), ref, p.k, tol), JSON.stringify(p)).toEqual([]);
        expect(sameElements(a.data, a0) && sameElements(b.data, b0)).toBe(true);

        const outSync = p.withOut ? new ctor(p.m * p.n).fill(NaN) : undefined;
        const rs = ck.matmulSync(a as any, b as any, { backend, out: outSync as any });
        expect([rs.rows, rs.cols, rs.data.length]).toEqual([p.m, p.n, p.m * p.n]);
        expect(rs.data).toBeInstanceOf(ctor);
        if (outSync) expect(rs.data).toBe(outSync);
        expect(gemmMismatches(rs.data, new Float64Array(p.m * p.n), ref, p.k, tol), `sync ${JSON.stringify(p)}`).toEqual([]);
      }),
      { numRuns: 120 },
    );
  });

  it('multiplies a small example exactly', async () => {
    for (const T of [Float64Array, Float32Array]) {
      const a = ck.fromRows([[1, 2], [3, 4]], T);
      const b = ck.fromRows([[5, 6], [7, 8]], T);
      const r = await ck.matmul(a, b, { backend });
      expect(r.data).toBeInstanceOf(T);
      expect(ck.toRows(r)).toEqual([[19, 22], [43, 50]]);
      expect(ck.toRows(ck.matmulSync(a, b, { backend }))).toEqual([[19, 22], [43, 50]]);
      // 1x3 · 3x1 and 3x1 · 1x3
      const row = ck.fromRows([[1, 2, 3]], T);
      const col = ck.fromRows([[4], [5], [6]], T);
      expect(ck.toRows(await ck.matmul(row, col, { backend }))).toEqual([[32]]);
      expect(ck.toRows(await ck.matmul(col, row, { backend }))).toEqual([[4, 8, 12], [5, 10, 15], [6, 12, 18]]);
    }
  });

  it('gives zeros for an inner dimension of 0 and empty results for 0 rows or columns', async () => {
    const r = await ck.matmul(
      { data: new Float64Array(0), rows: 2, cols: 0 },
      { data: new Float64Array(0), rows: 0, cols: 3 },
      { backend, out: new Float64Array(6).fill(NaN) },
    );
    expect([r.rows, r.cols]).toEqual([2, 3]);
    expect(Array.from(r.data)).toEqual([0, 0, 0, 0, 0, 0]);
    const e = await ck.matmul({ data: new Float32Array(0), rows: 0, cols: 4 }, { data: new Float32Array(8), rows: 4, cols: 2 }, { backend });
    expect([e.rows, e.cols, e.data.length]).toEqual([0, 2, 0]);
    expect(e.data).toBeInstanceOf(Float32Array);
  });

  it('propagates NaN and Infinity like IEEE arithmetic', async () => {
    const a = ck.fromRows([[1, 2], [NaN, 1], [Infinity, 0.5]]);
    const b = ck.fromRows([[1, 1], [1, 1]]);
    const r = ck.toRows(await ck.matmul(a, b, { backend }));
    expect(r[0]).toEqual([3, 3]);
    expect(r[1].every(Number.isNaN)).toBe(true);
    expect(r[2]).toEqual([Infinity, Infinity]);
  });

  it('writes into the caller’s out and leaves inputs usable (not transferred or detached)', async () => {
    const a = ck.fromRows([[1, 2, 3], [4, 5, 6]]);
    const b = ck.fromRows([[1, 0], [0, 1], [1, 1]]);
    const out = new Float64Array(4);
    const outBuffer = out.buffer;
    const r = await ck.matmul(a, b, { backend, out });
    expect(r.data).toBe(out);
    expect(out.buffer).toBe(outBuffer);
    expect(out.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(out)).toEqual([4, 5, 10, 11]);
    expect(a.data.length).toBe(6);
    expect(b.data.length).toBe(6);
    expect(Array.from(a.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('accepts out in the same buffer as the inputs when the ranges do not overlap', async () => {
    const buf = new ArrayBuffer(4 * 12);
    const a = { data: new Float32Array(buf, 0, 4), rows: 2, cols: 2 };
    const b = { data: new Float32Array(buf, 16, 4), rows: 2, cols: 2 };
    const out = new Float32Array(buf, 32, 4);
    a.data.set([1, 2, 3, 4]);
    b.data.set([2, 0, 0, 2]);
    const r = await ck.matmul(a, b, { backend, out });
    expect(r.data).toBe(out);
    expect(Array.from(out)).toEqual([2, 4, 6, 8]);
  });

  it('accepts the same matrix as both operands', async () => {
    const a = ck.fromRows([[1, 2], [3, 4]]);
    expect(ck.toRows(await ck.matmul(a, a, { backend }))).toEqual([[7, 10], [15, 22]]);
  });

  it('multiplies shared-memory matrices', async () => {
    const a = ck.matrix(Float64Array, 3, 2, { shared: true });
    const b = ck.matrix(Float64Array, 2, 3, { shared: true });
    a.data.set([1, 2, 3, 4, 5, 6]);
    b.data.set([1, 2, 3, 4, 5, 6]);
    const out = ck.shared(Float64Array, 9);
    const r = await ck.matmul(a, b, { backend, out });
    expect(r.data).toBe(out);
    expect(ck.toRows(r)).toEqual([[9, 12, 15], [19, 26, 33], [29, 40, 51]]);
  });

  for (const dtype of ['f64', 'f32'] as const) {
    it(`is correct on a large ${dtype} product (random-vector check)`, async () => {
      const ctor = ctorOf(dtype);
      const m = 311;
      const k = 257;
      const n = 293;
      const a = { data: randomFill(new ctor(m * k), 1), rows: m, cols: k };
      const b = { data: randomFill(new ctor(k * n), 2), rows: k, cols: n };
      const r = await ck.matmul(a, b, { backend });
      const g = {
        layout: 'row-major' as const,
        transA: false,
        transB: false,
        m,
        n,
        k,
        alpha: 1,
        beta: 0,
        a: a.data,
        lda: k,
        b: b.data,
        ldb: n,
        c: new Float64Array(m * n),
        ldc: n,
      };
      const tol = dtype === 'f32' ? TOL_F32 : TOL_F64;
      expect(gemmVectorCheck(g, r.data, tol)).toEqual([]);
      expect(gemmVectorCheck(g, ck.matmulSync(a, b, { backend }).data, tol)).toEqual([]);
    });
  }
});
