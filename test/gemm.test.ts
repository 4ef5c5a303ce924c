// gemm / gemmSync: C = alpha·op(A)·op(B) + beta·C with full BLAS semantics.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ck from '../dist/index.js';
import { backends } from './helpers/backends.js';
import { buildGemmCase, cloneArgsWithFreshC, gemmParamsArb, sameElements, type GemmParams } from './helpers/gemm-case.js';
import { TOL_F32, TOL_F64, gemmMismatches, gemmVectorCheck, refGemm } from './helpers/reference.js';

function describeParams(p: GemmParams): string {
  const { seed, ...rest } = p;
  return JSON.stringify({ ...rest, seed });
}

describe.each(backends())('gemm on the %s backend', (backend) => {
  it('matches the float64 triple loop for random shapes, transposes, layouts, leading dims, alpha and beta', async () => {
    await fc.assert(
      fc.asyncProperty(gemmParamsArb, async (p) => {
        const cs = buildGemmCase(p);
        const ref = refGemm(cs.ref);
        const tol = p.dtype === 'f32' ? TOL_F32 : TOL_F64;

        const ret = await ck.gemm(cs.args as any, { backend });
        expect(ret).toBe(cs.args.c); // returns c itself
        const bad = gemmMismatches(cs.args.c, cs.c0, ref, p.k, tol);
        expect(bad, describeParams(p)).toEqual([]);
        // a and b are read-only
        expect(sameElements(cs.args.a, cs.a0)).toBe(true);
        expect(sameElements(cs.args.b, cs.b0)).toBe(true);

        const syncArgs = cloneArgsWithFreshC(cs);
        const retSync = ck.gemmSync(syncArgs as any, { backend });
        expect(retSync).toBe(syncArgs.c);
        expect(gemmMismatches(syncArgs.c, cs.c0, ref, p.k, tol), `sync ${describeParams(p)}`).toEqual([]);
      }),
      { numRuns: 120 },
    );
  });

  it('matches the float64 triple loop around the small products read in place (m, n, k near 128; widths 64..129)', async () => {
    // Sizes on either side of the native planner's small-product limit (plan.h's
    // kSmallDirect = 128) and of its direct panel widths, which dimArb (0..67) never reaches.
    const sides = [127, 128, 129], widths = [64, 65, 96, 128, 129];
    let t = 0;
    for (const dtype of ['f64', 'f32'] as const) {
      for (const n of widths) for (const m of sides) {
        const p: GemmParams = {
          dtype, layout: t % 4 === 3 ? 'col-major' : 'row-major', transA: t % 2 === 1, transB: (t >> 1) % 2 === 1,
          m, n, k: sides[(t >> 2) % 3], alpha: [1, -0.5, 2][t % 3], beta: [0, 1, 0.25][(t + 1) % 3],
          padA: t % 2, padB: (t + 1) % 2, padC: t % 3, extraA: 0, extraB: 1, extraC: 0, offA: 1, offB: 0, offC: t % 2,
          seed: 1000 + t, explicitLd: false, omitDefaults: false, shared: 0,
        };
        t++;
        const cs = buildGemmCase(p);
        const ref = refGemm(cs.ref);
        await ck.gemm(cs.args as any, { backend });
        expect(gemmMismatches(cs.args.c, cs.c0, ref, p.k, dtype === 'f32' ? TOL_F32 : TOL_F64), describeParams(p)).toEqual([]);
      }
    }
  });

  it('computes a small example exactly, in both layouts', async () => {
    // A = [[1,2,3],[4,5,6]] (2x3), B = [[7,8],[9,10],[11,12]] (3x2), C0 = [[1,1],[1,1]]
    // alpha·A·B + beta·C0 with alpha 2, beta -1: A·B = [[58,64],[139,154]]
    for (const Ctor of [Float64Array, Float32Array]) {
      const c = new Ctor([1, 1, 1, 1]);
      await ck.gemm({ m: 2, n: 2, k: 3, alpha: 2, beta: -1, a: new Ctor([1, 2, 3, 4, 5, 6]), b: new Ctor([7, 8, 9, 10, 11, 12]), c }, { backend });
      expect(Array.from(c)).toEqual([115, 127, 277, 307]);
      const cc = new Ctor([1, 1, 1, 1]);
      // Same matrices in column-major storage.
      await ck.gemm(
        { layout: 'col-major', m: 2, n: 2, k: 3, alpha: 2, beta: -1, a: new Ctor([1, 4, 2, 5, 3, 6]), b: new Ctor([7, 9, 11, 8, 10, 12]), c: cc },
        { backend },
      );
      expect(Array.from(cc)).toEqual([115, 277, 127, 307]);
      // transA / transB: op(A) = Aᵀ where A is stored 3x2, op(B) = Bᵀ where B is stored 2x3.
      const ct = new Ctor(4);
      ck.gemmSync(
        { transA: true, transB: true, m: 2, n: 2, k: 3, a: new Ctor([1, 4, 2, 5, 3, 6]), b: new Ctor([7, 9, 11, 8, 10, 12]), c: ct },
        { backend },
      );
      expect(Array.from(ct)).toEqual([58, 64, 139, 154]);
    }
  });

  it('with beta = 0 never reads C: NaN and Infinity in C do not leak', async () => {
    const c = new Float64Array([NaN, Infinity, -Infinity, NaN]);
    await ck.gemm({ m: 2, n: 2, k: 1, a: new Float64Array([1, 2]), b: new Float64Array([3, 4]), c, beta: 0 }, { backend });
    expect(Array.from(c)).toEqual([3, 4, 6, 8]);
    const c2 = new Float32Array([NaN, NaN, NaN, NaN]);
    ck.gemmSync({ m: 2, n: 2, k: 1, a: new Float32Array([1, 2]), b: new Float32Array([3, 4]), c: c2 }, { backend });
    expect(Array.from(c2)).toEqual([3, 4, 6, 8]);
  });

  it('with k = 0 scales C by beta (and zeroes it when beta = 0)', async () => {
    const c = new Float64Array([1, 2, 3, 4]);
    await ck.gemm({ m: 2, n: 2, k: 0, a: new Float64Array(0), b: new Float64Array(0), c, beta: 0.5 }, { backend });
    expect(Array.from(c)).toEqual([0.5, 1, 1.5, 2]);
    const z = new Float64Array([NaN, NaN, NaN, NaN]);
    await ck.gemm({ m: 2, n: 2, k: 0, a: new Float64Array(0), b: new Float64Array(0), c: z }, { backend });
    expect(Array.from(z)).toEqual([0, 0, 0, 0]);
  });

  it('with alpha = 0 does not read A or B (BLAS quick return): C = beta·C', async () => {
    const a = new Float64Array([NaN, 1, Infinity, 1]);
    const b = new Float64Array([1, NaN, -Infinity, 1]);
    const c = new Float64Array([1, 2, 3, 4]);
    await ck.gemm({ m: 2, n: 2, k: 2, alpha: 0, beta: 2, a, b, c }, { backend });
    expect(Array.from(c)).toEqual([2, 4, 6, 8]);
    const c32 = new Float32Array([NaN, 2, 3, 4]);
    ck.gemmSync({ m: 2, n: 2, k: 2, alpha: 0, beta: 0, a: new Float32Array(a), b: new Float32Array(b), c: c32 }, { backend });
    expect(Array.from(c32)).toEqual([0, 0, 0, 0]);
  });

  it('never writes the padding of C (ldc > n)', async () => {
    const c = new Float64Array([10, 20, -7, -7, 30, 40, -7, -7]);
    await ck.gemm({ m: 2, n: 2, k: 1, ldc: 4, a: new Float64Array([1, 2]), b: new Float64Array([1, 1]), c, beta: 1 }, { backend });
    expect(Array.from(c)).toEqual([11, 21, -7, -7, 32, 42, -7, -7]);
  });

  it('accepts the same array as A and B (A·Aᵀ)', async () => {
    const a = new Float64Array([1, 2, 3, 4, 5, 6]); // 2x3
    const c = new Float64Array(4);
    await ck.gemm({ m: 2, n: 2, k: 3, transB: true, a, b: a, c }, { backend });
    expect(Array.from(c)).toEqual([14, 32, 32, 77]);
  });

  it('accepts C in the same buffer as A and B when the ranges do not overlap', async () => {
    const buf = new ArrayBuffer(8 * 12);
    const a = new Float64Array(buf, 0, 4);
    const b = new Float64Array(buf, 32, 4);
    const c = new Float64Array(buf, 64, 4);
    a.set([1, 2, 3, 4]);
    b.set([1, 0, 0, 1]);
    await ck.gemm({ m: 2, n: 2, k: 2, a, b, c }, { backend });
    expect(Array.from(c)).toEqual([1, 2, 3, 4]);
  });

  it('writes into shared-memory C', async () => {
    const a = ck.shared(Float32Array, 6);
    const b = ck.shared(Float32Array, 6);
    const c = ck.shared(Float32Array, 4);
    a.set([1, 2, 3, 4, 5, 6]);
    b.set([7, 8, 9, 10, 11, 12]);
    const ret = await ck.gemm({ m: 2, n: 2, k: 3, a, b, c }, { backend });
    expect(ret).toBe(c);
    expect(Array.from(c)).toEqual([58, 64, 139, 154]);
  });

  it('with beta = 0 writes exactly the m x n block of C: elements after it keep their values', async () => {
    // A C longer than m·n, with no padding between rows: the workers backend must not take
    // "beta = 0 overwrites C" to mean the whole array.
    for (const extraC of [0, 5]) {
      const p: GemmParams = {
        dtype: 'f64', layout: 'row-major', transA: false, transB: false, m: 150, n: 140, k: 90, alpha: 1, beta: 0,
        padA: 0, padB: 0, padC: 0, extraA: 0, extraB: 0, extraC, offA: 0, offB: 0, offC: 0, seed: 7,
        explicitLd: false, omitDefaults: true, shared: 0,
      };
      const cs = buildGemmCase(p);
      const tail = Array.from(cs.args.c.subarray(p.m * p.n));
      await ck.gemm(cs.args as any, { backend });
      expect(gemmVectorCheck(cs.ref, cs.args.c, TOL_F64)).toEqual([]);
      expect(Array.from(cs.args.c.subarray(p.m * p.n)).map(String), 'the elements after C').toEqual(tail.map(String));
    }
  });

  for (const dtype of ['f64', 'f32'] as const) {
    it(`is correct on a large ${dtype} problem (random-vector check) with transposes, padding and beta`, async () => {
      for (const layout of ['row-major', 'col-major'] as const) {
        const p: GemmParams = {
          dtype,
          layout,
          transA: layout === 'row-major',
          transB: true,
          m: 263,
          n: 301,
          k: 280,
          alpha: -0.75,
          beta: 0.5,
          padA: 3,
          padB: 1,
          padC: 2,
          extraA: 0,
          extraB: 0,
          extraC: 1,
          offA: 1,
          offB: 0,
          offC: 1,
          seed: 42,
          explicitLd: true,
          omitDefaults: false,
          shared: layout === 'row-major' ? 0 : 5,
        };
        const cs = buildGemmCase(p);
        await ck.gemm(cs.args as any, { backend });
        const tol = dtype === 'f32' ? TOL_F32 : TOL_F64;
        expect(gemmVectorCheck(cs.ref, cs.args.c, tol), `${dtype} ${layout}`).toEqual([]);
        // padding and trailing elements of C untouched (NaN stays NaN)
        const written = new Uint8Array(cs.args.c.length);
        for (let i = 0; i < p.m; i++)
          for (let j = 0; j < p.n; j++) written[layout === 'row-major' ? i * cs.ref.ldc + j : i + j * cs.ref.ldc] = 1;
        for (let i = 0; i < cs.args.c.length; i++) {
          if (!written[i] && !Object.is(cs.args.c[i], cs.c0[i])) throw new Error(`padding c[${i}] was written`);
          if (written[i] && Number.isNaN(cs.args.c[i])) throw new Error(`c[${i}] is NaN: padding of A or B was read`);
        }
      }
    });
  }
});
