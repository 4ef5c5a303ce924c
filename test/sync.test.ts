// Sync twins give results identical to their async functions on the same backend, and
// matmul / gemm results do not depend on the thread count (bit for bit).
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ck from '../dist/index.js';
import { backends } from './helpers/backends.js';
import { buildGemmCase, cloneArgsWithFreshC, gemmParamsArb, sameElements } from './helpers/gemm-case.js';
import { KINDS, rangeCaseArb, makeArray } from './helpers/kinds.js';
import { mulberry32, randomFill } from './helpers/reference.js';

const baseThreads = ck.threads();
afterAll(() => ck.configure({ threads: baseThreads }));

function firstDifference(x: ArrayLike<number>, y: ArrayLike<number>): string {
  if (x.length !== y.length) return `lengths ${x.length} vs ${y.length}`;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return `[${i}]: ${x[i]} vs ${y[i]}`;
  return 'none';
}

describe.each(backends())('sync twins on the %s backend', (backend) => {
  it('gemmSync is bit-identical to gemm for random problems', async () => {
    await fc.assert(
      fc.asyncProperty(gemmParamsArb, async (p) => {
        const cs = buildGemmCase(p);
        const syncArgs = cloneArgsWithFreshC(cs);
        await ck.gemm(cs.args as any, { backend });
        ck.gemmSync(syncArgs as any, { backend });
        expect(sameElements(cs.args.c, syncArgs.c), `${JSON.stringify(p)}: ${firstDifference(cs.args.c, syncArgs.c)}`).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  for (const T of [Float64Array, Float32Array]) {
    it(`matmulSync is bit-identical to matmul on a ${T.name} product large enough to be split`, async () => {
      const a = { data: randomFill(new T(230 * 190), 5), rows: 230, cols: 190 };
      const b = { data: randomFill(new T(190 * 211), 6), rows: 190, cols: 211 };
      const r = await ck.matmul(a, b, { backend });
      const s = ck.matmulSync(a, b, { backend });
      expect(firstDifference(r.data, s.data)).toBe('none');
    });
  }

  it('the range functions agree with their Sync twins on every element type', async () => {
    for (const kind of KINDS) {
      await fc.assert(
        fc.asyncProperty(rangeCaseArb(kind, 60), async (c) => {
          const data = makeArray(kind, c.values, c.offset, c.shared);
          const opts = { backend, inclusive: c.inclusive };
          expect(ck.countInRangeSync(data, c.lo, c.hi, opts)).toBe(await ck.countInRange(data, c.lo, c.hi, opts));
          const cols = c.values.length % 7 === 0 ? 0 : 3;
          const rows = cols === 0 ? 2 : Math.floor(c.values.length / cols);
          const m = { data, rows, cols };
          expect(Array.from(ck.countInRangeByRowSync(m, c.lo, c.hi, opts))).toEqual(
            Array.from(await ck.countInRangeByRow(m, c.lo, c.hi, opts)),
          );
          const edges = [-Infinity, -1, 0, 0.5, 1, 100, Infinity];
          expect(Array.from(ck.histogramSync(data, edges, { backend }))).toEqual(Array.from(await ck.histogram(data, edges, { backend })));
        }),
        { numRuns: 15 },
      );
    }
  });
});

describe.each(backends())('thread-count independence on the %s backend', (backend) => {
  it('matmul and gemm are bit-identical for every thread cap 1..threads() (threads() raised to 4)', async () => {
    ck.configure({ threads: 4 });
    try {
      expect(ck.threads()).toBe(4);
      for (const T of [Float64Array, Float32Array]) {
        const a = { data: randomFill(new T(257 * 241), 11), rows: 257, cols: 241 };
        const b = { data: randomFill(new T(241 * 263), 12), rows: 241, cols: 263 };
        const base = await ck.matmul(a, b, { backend, threads: 1 });
        for (let t = 2; t <= ck.threads(); t++) {
          const r = await ck.matmul(a, b, { backend, threads: t });
          expect(firstDifference(base.data, r.data), `${T.name} threads ${t}`).toBe('none');
        }
        const dflt = await ck.matmul(a, b, { backend });
        expect(firstDifference(base.data, dflt.data), `${T.name} default threads`).toBe('none');
        const sync1 = ck.matmulSync(a, b, { backend, threads: 1 });
        const syncN = ck.matmulSync(a, b, { backend, threads: 4 });
        expect(firstDifference(sync1.data, syncN.data), `${T.name} sync`).toBe('none');
      }
      const cs = buildGemmCase({
        dtype: 'f64',
        layout: 'col-major',
        transA: true,
        transB: false,
        m: 199,
        n: 211,
        k: 173,
        alpha: 1.25,
        beta: -0.5,
        padA: 2,
        padB: 1,
        padC: 3,
        extraA: 0,
        extraB: 0,
        extraC: 0,
        offA: 0,
        offB: 1,
        offC: 0,
        seed: 77,
        explicitLd: true,
        omitDefaults: false,
        shared: 2,
      });
      const results: (Float32Array | Float64Array)[] = [];
      for (let t = 1; t <= 4; t++) {
        const args = cloneArgsWithFreshC(cs);
        await ck.gemm(args as any, { backend, threads: t });
        results.push(args.c);
      }
      for (let t = 1; t < 4; t++) expect(firstDifference(results[0], results[t]), `gemm threads ${t + 1}`).toBe('none');
    } finally {
      ck.configure({ threads: baseThreads });
    }
  });

  it('range counts are identical for every thread cap', async () => {
    const rnd = mulberry32(5);
    const data = new Float32Array(300_007);
    for (let i = 0; i < data.length; i++) data[i] = rnd() * 4 - 2;
    const base = await ck.countInRange(data, -0.5, 0.1, { backend, threads: 1 });
    const hist1 = Array.from(await ck.histogram(data, [-2, -1, 0, 0.1, 1, 2], { backend, threads: 1 }));
    for (let t = 2; t <= ck.threads(); t++) {
      expect(await ck.countInRange(data, -0.5, 0.1, { backend, threads: t })).toBe(base);
      expect(Array.from(await ck.histogram(data, [-2, -1, 0, 0.1, 1, 2], { backend, threads: t }))).toEqual(hist1);
    }
  });
});
