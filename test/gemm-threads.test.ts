// The native GEMM gives bit-identical results for any thread count (DESIGN.md, Runtime), on
// every path its planner can take: packed panels, direct rows, a transposed B staged as
// rows, several depth blocks, C split into row tiles or, when it has few rows, column tiles.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ck from '../dist/index.js';
import { nativeLoaded } from './helpers/backends.js';

type Case = { m: number; n: number; k: number; transA?: boolean; transB?: boolean; layout?: 'row-major' | 'col-major' };

const cases: [string, Case][] = [
  ['packed, two depth blocks', { m: 300, n: 260, k: 1100 }],
  ['packed, both transposed', { m: 257, n: 301, k: 300, transA: true, transB: true }],
  ['packed, col-major', { m: 190, n: 333, k: 410, layout: 'col-major' }],
  ['direct, tall and skinny', { m: 3000, n: 40, k: 200 }],
  ['direct, transposed B staged as rows', { m: 2000, n: 16, k: 500, transB: true }],
  ['direct, few rows split into column tiles', { m: 20, n: 2000, k: 300 }],
  ['direct, a small square product wider than the direct panels', { m: 128, n: 128, k: 128 }],
];

function filled<T extends Float32Array | Float64Array>(x: T, seed: number): T {
  let s = seed >>> 0;
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = s / 2 ** 32 - 0.5;
  }
  return x;
}

describe.skipIf(!nativeLoaded())('native gemm across thread counts', () => {
  const before = ck.threads();
  beforeAll(() => ck.configure({ threads: 4 })); // more threads than cores is allowed and still must agree
  afterAll(() => ck.configure({ threads: before }));

  for (const Ctor of [Float64Array, Float32Array]) {
    it.each(cases)(`${Ctor.name}: %s is bit-identical for 1..4 threads`, (_, c) => {
      const a = filled(new Ctor(c.m * c.k), 1), b = filled(new Ctor(c.k * c.n), 2);
      const results = [1, 2, 3, 4].map((threads) => {
        const out = filled(new Ctor(c.m * c.n), 3);
        ck.gemmSync({ ...c, a, b, c: out, alpha: 0.75, beta: 0.5 }, { backend: 'native', threads });
        return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
      });
      for (const r of results.slice(1)) expect(r.equals(results[0])).toBe(true);
    });
  }
});
