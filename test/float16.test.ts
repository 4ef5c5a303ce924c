// Float16Array (Node 24+, Bun, Deno). Where the runtime has it: the counts, histograms and
// minMax read it as numpy reads a float16 array (bounds and edges compared exactly, as
// numpy does with float64 bounds), and matmul/gemm multiply half operands in float32,
// returning halves or filling a Float32Array: each compared with numpy on every backend,
// with every error. Where the runtime has none (Node 20, 22): nothing claims to take it.
import { describe, expect, it } from 'vitest';
import * as ck from '../dist/index.js';
import { backends } from './helpers/backends.js';
import { python, runNumpy } from './helpers/numpy.js';
import { mulberry32 } from './helpers/reference.js';

type Half = Float32Array; // a Float16Array, typed as an array of numbers for the tests
type HalfCtor = { new (n: number): Half; from(x: ArrayLike<number>): Half; new (b: ArrayBufferLike): Half };
const Float16 = (globalThis as { Float16Array?: HalfCtor }).Float16Array;
const any = ck as any;

/** Refused with this class and code: the async function rejects, the Sync twin throws. */
async function expectError(fn: string, args: unknown[], cls: ErrorConstructor, code: string, message: RegExp): Promise<void> {
  await expect(any[fn](...args)).rejects.toSatisfy((e: unknown) => e instanceof cls && (e as { code: string }).code === code && message.test((e as Error).message));
  expect(() => any[`${fn}Sync`](...args)).toThrow(expect.objectContaining({ constructor: cls, code, message: expect.stringMatching(message) }));
}

if (!Float16) {
  describe('a runtime without Float16Array (Node 20 and 22)', () => {
    it('has none, and no refusal names it among the types taken', async () => {
      expect(typeof (globalThis as { Float16Array?: unknown }).Float16Array).toBe('undefined');
      await expectError('countInRange', [new DataView(new ArrayBuffer(4)), 0, 1], TypeError, 'ERR_CK_INVALID_ARG_TYPE',
        /takes Int8Array, .* BigInt64Array or BigUint64Array$/);
      await expectError('matmul', [{ data: new Int32Array(1), rows: 1, cols: 1 }, { data: new Float32Array(1), rows: 1, cols: 1 }],
        TypeError, 'ERR_CK_INVALID_ARG_TYPE', /a\.data is an Int32Array; matmul(Sync)? takes Float32Array or Float64Array$/);
    });

    it('a Uint16Array of half bit patterns is counted as the integers it holds', () => {
      const bits = new Uint16Array([0x3c00, 0x4000, 0x7e00]); // 1, 2 and NaN as halves
      expect(ck.countInRangeSync(bits, 0, 3)).toBe(0);
      expect(ck.minMaxSync(bits)).toEqual({ min: 0x3c00, max: 0x7e00 });
    });
  });
} else {
  const H = Float16;
  const f16 = (x: number) => H.from([x])[0];

  /** Halves over a wide span: normals, subnormals, zeros of both signs, infinities, NaN. */
  function sample(n: number, seed: number): Half {
    const rnd = mulberry32(seed), a = new H(n);
    const special = [NaN, Infinity, -Infinity, -0, 0, 2 ** -24, -(2 ** -24), 65504, -65504, 6.1e-5];
    for (let i = 0; i < n; i++) {
      const r = rnd();
      a[i] = i % 17 === 0 ? special[(i / 17) % special.length] : (r - 0.4) * 10 * (i % 5 === 0 ? 0.001 : 1);
    }
    return a;
  }
  const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  /** A number as a Python float literal (String() round-trips). */
  const py = (x: number) => (x === Infinity ? "float('inf')" : x === -Infinity ? "float('-inf')" : String(x));

  describe.each(backends())('Float16Array on the %s backend', (backend) => {
    const opts = { backend };

    it('countInRange and countInRangeByRow agree with numpy (float64 bounds, every `inclusive`)', async () => {
      const data = sample(3000, 1);
      // Bounds on half values, between them, beyond the largest half and at the infinities.
      const bounds: [number, number][] = [[0.1, 2], [-1, 1], [f16(0.1), f16(2)], [-Infinity, 0], [1e-7, 70000], [-65504, Infinity], [3, -3]];
      const modes = ['both', 'neither', 'left', 'right'] as const;
      const want = JSON.parse(runNumpy(`
import numpy as np, sys, json
a = np.frombuffer(sys.stdin.buffer.read(), dtype=np.float16)
out = []
for lo, hi in [${bounds.map((b) => `(${b.map(py).join(', ')})`).join(', ')}]:
  lo, hi = np.float64(lo), np.float64(hi)
  for m in ${JSON.stringify(modes)}:
    l = a >= lo if m in ('both', 'left') else a > lo
    h = a <= hi if m in ('both', 'right') else a < hi
    out.append([int(np.count_nonzero(l & h)), np.count_nonzero((l & h).reshape(30, 100), axis=1).tolist()])
print(json.dumps(out))`, bytes(data)));
      let i = 0;
      for (const [lo, hi] of bounds)
        for (const inclusive of modes) {
          const [total, rows] = want[i++];
          expect(await ck.countInRange(data, lo, hi, { ...opts, inclusive }), `[${lo}, ${hi}] ${inclusive}`).toBe(total);
          expect(ck.countInRangeSync(data, lo, hi, { ...opts, inclusive })).toBe(total);
          const m = { data, rows: 30, cols: 100 };
          expect(Array.from(await ck.countInRangeByRow(m, lo, hi, { ...opts, inclusive }))).toEqual(rows);
          expect(Array.from(ck.countInRangeByRowSync(m, lo, hi, { ...opts, inclusive }))).toEqual(rows);
        }
    });

    it('minMax agrees with numpy nanmin/nanmax, returns numbers, and NaN, NaN for no value', async () => {
      const data = sample(2500, 2).map((x) => (Number.isFinite(x) ? x : 1));
      const [lo, hi] = JSON.parse(runNumpy(`
import numpy as np, sys, json
a = np.frombuffer(sys.stdin.buffer.read(), dtype=np.float16)
print(json.dumps([float(np.nanmin(a)), float(np.nanmax(a))]))`, bytes(data)));
      expect(await ck.minMax(data, opts)).toEqual({ min: lo, max: hi });
      expect(ck.minMaxSync(data, opts)).toEqual({ min: lo, max: hi });
      expect(ck.minMaxSync(H.from([NaN, NaN]), opts)).toEqual({ min: NaN, max: NaN });
      expect(await ck.minMax(H.from([NaN, -Infinity, 3]), opts)).toEqual({ min: -Infinity, max: 3 });
      const zeros = ck.minMaxSync(H.from([-0, -0]), opts);
      expect(Object.is(zeros.min, 0) && Object.is(zeros.max, 0)).toBe(true);
    });

    it('histogram agrees with numpy: explicit edges, a bin count over the data (float16 edges) and over a range', async () => {
      // No infinities (numpy refuses a range from them) and no extremes (float16 edge arithmetic would overflow).
      const data = sample(4000, 3).map((x) => (Math.abs(x) < 1000 ? x : NaN));
      const cases: [string, unknown, [number, number] | undefined][] = [
        ['[-1, 0.1, 0.30000001, 2, 9.5]', [-1, 0.1, 0.30000001, 2, 9.5], undefined],
        ['64', 64, undefined],
        ['7', 7, undefined],
        ['10', 10, [0.1, 0.7]],
      ];
      for (const [py, bins, range] of cases) {
        const want = JSON.parse(runNumpy(`
import numpy as np, sys, json
a = np.frombuffer(sys.stdin.buffer.read(), dtype=np.float16)
a = a[~np.isnan(a)]
bins = ${py}
bins = np.array(bins, dtype=np.float64) if isinstance(bins, list) else bins
h, e = np.histogram(a, bins=bins${range ? `, range=(${range[0]}, ${range[1]})` : ''})
print(json.dumps({'counts': h.tolist(), 'edges': [float(x) for x in e], 'dtype': str(e.dtype)}))`, bytes(data)));
        if (typeof bins === 'number') expect(want.dtype).toBe('float16'); // numpy's edges for float16 data are halves
        const o = range ? { ...opts, range } : opts;
        expect(Array.from(await ck.histogram(data, bins as number, o)), py).toEqual(want.counts);
        expect(Array.from(ck.histogramSync(data, bins as number, o))).toEqual(want.counts);
        // The explicit-edges call on numpy's own edges gives the same counts.
        expect(Array.from(ck.histogramSync(data, want.edges, opts))).toEqual(want.counts);
      }
      expect(Array.from(ck.histogramSync(data, H.from([-1, 0, 1]), opts)), 'edges as a Float16Array').toEqual(
        Array.from(ck.histogramSync(data, [-1, 0, 1], opts)));
    });

    it('a source of Float16Array chunks gives the in-memory result; a byte stream has no float16 dtype', async () => {
      const data = sample(5000, 6).map((x) => (Number.isFinite(x) ? x : NaN));
      const chunks = [data.subarray(0, 7), data.subarray(7, 4000), data.subarray(4000)];
      expect(await ck.countInRange(chunks, -1, 2, opts)).toBe(ck.countInRangeSync(data, -1, 2, opts));
      expect(ck.minMaxSync(chunks, opts)).toEqual(ck.minMaxSync(data, opts));
      expect(Array.from(await ck.histogram(chunks, [-3, 0, 0.1, 5], opts))).toEqual(Array.from(ck.histogramSync(data, [-3, 0, 0.1, 5], opts)));
      const { Readable } = await import('node:stream');
      await expect(ck.countInRange(Readable.from([Buffer.alloc(4)]), 0, 1, { ...opts, dtype: 'float16' as never }))
        .rejects.toSatisfy((e: unknown) => e instanceof RangeError && (e as { code: string }).code === 'ERR_CK_OUT_OF_RANGE');
    });

    it('results do not depend on the thread count (a large array)', async () => {
      const data = sample(600_001, 4);
      const first = [await ck.countInRange(data, -0.5, 2, { ...opts, threads: 1 }), await ck.minMax(data, { ...opts, threads: 1 }),
        Array.from(await ck.histogram(data, [-3, -1, 0, 0.5, 4], { ...opts, threads: 1 }))];
      for (let threads = 2; threads <= ck.threads(); threads++)
        expect([await ck.countInRange(data, -0.5, 2, { ...opts, threads }), await ck.minMax(data, { ...opts, threads }),
          Array.from(await ck.histogram(data, [-3, -1, 0, 0.5, 4], { ...opts, threads }))]).toEqual(first);
      expect(first[0]).toBe(Array.from(data).filter((x) => x >= -0.5 && x <= 2).length);
    });

    /** Operands whose products numpy computes as float32, rounded to halves. */
    function operands(m: number, k: number, n: number, seed: number): [Half, Half] {
      const rnd = mulberry32(seed);
      return [H.from({ length: m * k }, () => (rnd() - 0.5) * 4), H.from({ length: k * n }, () => (rnd() - 0.5) * 4)];
    }

    /** numpy's (a.astype(f32) @ b.astype(f32)) and the bound on float32 accumulation error per element. */
    function numpyProduct(a: Half, b: Half, m: number, k: number, n: number): { c32: number[]; err: number[] } {
      return JSON.parse(runNumpy(`
import numpy as np, sys, json
raw = sys.stdin.buffer.read()
a = np.frombuffer(raw[:${m * k * 2}], dtype=np.float16).reshape(${m}, ${k}).astype(np.float32)
b = np.frombuffer(raw[${m * k * 2}:], dtype=np.float16).reshape(${k}, ${n}).astype(np.float32)
c = a @ b
err = (np.abs(a).astype(np.float64) @ np.abs(b).astype(np.float64)) * ${k + 2} * 2.0**-24
print(json.dumps({'c32': c.ravel().tolist(), 'err': err.ravel().tolist()}))`, Buffer.concat([bytes(a), bytes(b)])));
    }

    /** Each half is numpy's float32 product rounded once, up to the float32 accumulation order. */
    function expectHalfProduct(got: Half, want: { c32: number[]; err: number[] }) {
      for (let i = 0; i < want.c32.length; i++) {
        const lo = f16(want.c32[i] - want.err[i]), hi = f16(want.c32[i] + want.err[i]);
        if (!(got[i] >= lo && got[i] <= hi)) expect(got[i], `element ${i}: float16 of ${want.c32[i]} ± ${want.err[i]}`).toBe(f16(want.c32[i]));
      }
    }

    it('matmul of Float16Arrays is numpy\'s float32 product rounded to halves; out may be a Float32Array', async () => {
      // The last is wide enough to pack on every kernel table (A and B widened as they are packed).
      for (const [m, k, n] of [[37, 50, 29], [1, 300, 1], [64, 64, 64], [130, 17, 70], [45, 33, 201]]) {
        const [ad, bd] = operands(m, k, n, m + k + n);
        const want = numpyProduct(ad, bd, m, k, n);
        const a = { data: ad, rows: m, cols: k }, b = { data: bd, rows: k, cols: n };
        const c = await ck.matmul(a as never, b as never, opts);
        expect(Object.prototype.toString.call(c.data)).toBe('[object Float16Array]');
        expect([c.rows, c.cols]).toEqual([m, n]);
        expectHalfProduct(c.data as Half, want);
        expect(Array.from(ck.matmulSync(a as never, b as never, opts).data as Half)).toEqual(Array.from(c.data as Half));
        const out = new Float32Array(m * n);
        expect((await ck.matmul(a as never, b as never, { ...opts, out })).data).toBe(out);
        for (let i = 0; i < m * n; i++) expect(Math.abs(out[i] - want.c32[i]), `out[${i}]`).toBeLessThanOrEqual(want.err[i]);
        const out16 = new H(m * n);
        expect(ck.matmulSync(a as never, b as never, { ...opts, out: out16 as never }).data).toBe(out16);
        expect(Array.from(out16)).toEqual(Array.from(c.data as Half));
      }
    });

    it('gemm on halves: transposes, col-major, leading dimensions, alpha and beta (C read as halves)', async () => {
      const rnd = mulberry32(9);
      const val = () => Math.round((rnd() - 0.5) * 16) / 4; // quarters: every product and sum is exact in float32
      // Small (read in place) and wide enough to pack on every kernel table.
      for (const [m, n, k] of [[9, 7, 11], [40, 140, 20]])
      for (const layout of ['row-major', 'col-major'] as const)
        for (const transA of [false, true])
          for (const transB of [false, true]) {
            const big = Math.max(m, n, k), lda = big + 4, ldb = big + 3, ldc = big + 1, rows = big + 3;
            const a = H.from({ length: rows * lda }, val), b = H.from({ length: rows * ldb }, val), c0 = H.from({ length: rows * ldc }, val);
            const col = layout === 'col-major';
            const at = (x: Half, ld: number, r: number, cc: number) => (col ? x[cc * ld + r] : x[r * ld + cc]);
            const A = (i: number, p: number) => (transA ? at(a, lda, p, i) : at(a, lda, i, p));
            const B = (p: number, j: number) => (transB ? at(b, ldb, j, p) : at(b, ldb, p, j));
            const c = c0.slice() as Half, c32 = Float32Array.from(c0);
            const args = { layout, transA, transB, m, n, k, alpha: 0.5, beta: -2, a, lda, b, ldb, ldc };
            expect(await ck.gemm({ ...args, c } as never, opts)).toBe(c);
            ck.gemmSync({ ...args, c: c32 } as never, opts);
            for (let i = 0; i < m; i++)
              for (let j = 0; j < n; j++) {
                let s = 0;
                for (let p = 0; p < k; p++) s += A(i, p) * B(p, j);
                const exact = 0.5 * s - 2 * at(c0, ldc, i, j);
                expect(at(c, ldc, i, j), `${layout} ${transA} ${transB} (${i}, ${j})`).toBe(f16(exact));
                expect(at(c32, ldc, i, j)).toBe(exact);
              }
            // Elements outside the m x n block are never written.
            for (let idx = 0; idx < c0.length; idx++) {
              const outer = Math.floor(idx / ldc), inner = idx % ldc;
              if (!(col ? inner < m && outer < n : outer < m && inner < n)) expect(c[idx], `${idx}`).toBe(c0[idx]);
            }
          }
    });

    it('stacks of halves (matmul with batch, gemmBatch with a shared B) and matvec both ways: the exact products rounded once, or kept in a Float32Array', async () => {
      const rnd = mulberry32(21), val = () => Math.round((rnd() - 0.5) * 16) / 4; // quarters: float32 sums are exact
      const batch = 5, m = 6, k = 7, n = 3;
      const A = H.from({ length: batch * m * k }, val), B = H.from({ length: k * n }, val);
      const want: number[] = [];
      for (let p = 0; p < batch; p++)
        for (let i = 0; i < m; i++)
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let q = 0; q < k; q++) s += A[p * m * k + i * k + q] * B[q * n + j];
            want.push(s);
          }
      const c = await ck.matmul({ data: A, rows: m, cols: k, batch } as never, { data: B, rows: k, cols: n } as never, opts);
      expect(Object.prototype.toString.call(c.data)).toBe('[object Float16Array]');
      expect([c.batch, c.rows, c.cols]).toEqual([batch, m, n]);
      expect(Array.from(c.data as Half)).toEqual(want.map(f16));
      const c32 = new Float32Array(batch * m * n);
      expect(ck.gemmBatchSync({ batch, m, n, k, a: A, b: B, c: c32, strideB: 0 } as never, opts)).toBe(c32);
      expect(Array.from(c32)).toEqual(want);
      const c16 = new H(batch * m * n).fill(1);
      await ck.gemmBatch({ batch, m, n, k, a: A, b: B, c: c16, strideB: 0, beta: 2 } as never, opts);
      expect(Array.from(c16)).toEqual(want.map((x) => f16(x + 2)));

      const M = { data: A.subarray(0, m * k), rows: m, cols: k }, x = H.from({ length: k }, val), xt = H.from({ length: m }, val);
      const ax = Array.from({ length: m }, (_, i) => { let s = 0; for (let q = 0; q < k; q++) s += M.data[i * k + q] * x[q]; return s; });
      const atx = Array.from({ length: k }, (_, j) => { let s = 0; for (let i = 0; i < m; i++) s += M.data[i * k + j] * xt[i]; return s; });
      const y = await ck.matvec(M as never, x as never, opts);
      expect(Object.prototype.toString.call(y)).toBe('[object Float16Array]');
      expect(Array.from(y as Half)).toEqual(ax.map(f16));
      const y32 = new Float32Array(k);
      expect(ck.matvecSync(M as never, xt as never, { ...opts, transpose: true, out: y32 as never })).toBe(y32);
      expect(Array.from(y32)).toEqual(atx);
      await expectError('matvec', [M, new Float32Array(k), opts], TypeError, 'ERR_CK_INVALID_ARG_TYPE', /x/);
    });

    it('stacks of halves that are one product (B shared, wide enough to pack) and stacks that are not (A shared, both stacked, transposed A) agree with exact sums', async () => {
      const rnd = mulberry32(33), val = () => Math.round((rnd() - 0.5) * 16) / 4; // quarters: float32 sums are exact
      // [batch, m, k, n, A stacked, B stacked]
      for (const [batch, m, k, n, stackA, stackB] of [[8, 5, 6, 140, true, false], [3, 9, 5, 7, false, true], [4, 6, 3, 150, true, true]] as const) {
        const A = H.from({ length: (stackA ? batch : 1) * m * k }, val), B = H.from({ length: (stackB ? batch : 1) * k * n }, val);
        const exact = (p: number, i: number, j: number) => {
          let s = 0;
          for (let q = 0; q < k; q++) s += A[(stackA ? p * m * k : 0) + i * k + q] * B[(stackB ? p * k * n : 0) + q * n + j];
          return s;
        };
        const want = Array.from({ length: batch * m * n }, (_, e) => exact(Math.floor(e / (m * n)), Math.floor(e / n) % m, e % n));
        const c = await ck.matmul({ data: A, rows: m, cols: k, batch: stackA ? batch : 1 } as never,
          { data: B, rows: k, cols: n, batch: stackB ? batch : 1 } as never, opts);
        expect(Array.from(c.data as Half), `${batch} ${m} ${k} ${n}`).toEqual(want.map(f16));
        // The same stack through gemmBatch, A stored transposed (never one product), C read (beta).
        const At = new H(A.length);
        for (let p = 0; p < A.length / (m * k); p++)
          for (let i = 0; i < m; i++) for (let q = 0; q < k; q++) At[p * m * k + q * m + i] = A[p * m * k + i * k + q];
        const c0 = H.from({ length: batch * m * n }, val), c16 = c0.slice() as Half, c32 = Float32Array.from(c0);
        const args = { batch, m, n, k, a: At, b: B, transA: true, beta: 0.5, strideA: stackA ? m * k : 0, strideB: stackB ? k * n : 0 };
        expect(await ck.gemmBatch({ ...args, c: c16 } as never, opts)).toBe(c16);
        expect(ck.gemmBatchSync({ ...args, c: c32 } as never, opts)).toBe(c32);
        expect(Array.from(c16)).toEqual(want.map((x, e) => f16(x + 0.5 * c0[e])));
        expect(Array.from(c32)).toEqual(want.map((x, e) => x + 0.5 * c0[e]));
      }
    });

    it('matvec of halves gives the bits of the float32 matvec of the widened operands (rounded once into halves), both ways, any offset and thread count', async () => {
      // Shapes with tails of every vector width and row group, and ones that reach several
      // tiles, Aᵀ·x row blocks and column chunks, and wasm slices (3000x700, 70000x9, 9x20000).
      const shapes: [number, number][] = [[1, 1], [5, 3], [7, 37], [33, 67], [3000, 700], [70000, 9], [9, 20000]];
      for (const [rows, cols] of shapes) {
        const big = sample(rows * cols + 3, rows + cols); // specials too: NaN, infinities, subnormals
        for (const off of [0, 1, 3]) {
          const a16 = big.subarray(off, off + rows * cols), a32 = Float32Array.from(a16);
          for (const transpose of [false, true]) {
            const inner = transpose ? rows : cols, outer = transpose ? cols : rows;
            const x16 = sample(inner + 1, inner * 3 + off).subarray(1).map((v) => (Number.isFinite(v) ? v : 0.5)) as Half;
            const x32 = Float32Array.from(x16);
            const what = `${rows}x${cols}+${off}${transpose ? ' transposed' : ''}`;
            const want32 = ck.matvecSync({ data: a32, rows, cols }, x32, { ...opts, transpose });
            const want16 = Array.from(H.from(want32));
            const y = await ck.matvec({ data: a16, rows, cols } as never, x16 as never, { ...opts, transpose });
            expect(Object.prototype.toString.call(y), what).toBe('[object Float16Array]');
            expect(Array.from(y as Half), what).toEqual(want16);
            expect(Array.from(ck.matvecSync({ data: a16, rows, cols } as never, x16 as never, { ...opts, transpose }) as Half), what).toEqual(want16);
            const out = new Float32Array(outer).fill(NaN);
            expect(await ck.matvec({ data: a16, rows, cols } as never, x16 as never, { ...opts, transpose, out: out as never }), what).toBe(out);
            expect(Array.from(out), what).toEqual(Array.from(want32));
            if (rows * cols < 1e5 || off !== 1) continue;
            for (let threads = 1; threads <= ck.threads(); threads++)
              expect(Array.from(await ck.matvec({ data: a16, rows, cols } as never, x16 as never, { ...opts, transpose, threads }) as Half),
                `${what} threads=${threads}`).toEqual(want16);
          }
        }
      }
    });

    it('gemmBatch of halves gives the bits of the float32 gemmBatch of the widened operands (C rounded once), with strides, gaps, transposes, alpha and beta', async () => {
      // [batch, m, n, k, transA, transB, alpha, beta, strideA (0: shared, -1: packed, else gap), strideB, gap after each C]
      const cases: [number, number, number, number, boolean, boolean, number, number, number, number, number][] = [
        [50, 7, 5, 9, false, false, 1, 0, -1, -1, 0], // many small products
        [30, 6, 9, 4, true, true, 0.5, -2, 3, 1, 2], // transposes, gaps between matrices, C read
        [20, 5, 8, 7, false, true, 1.5, 0.25, 0, -1, 1], // A shared
        [12, 9, 40, 33, true, false, -1, 1, -1, 0, 0], // B shared, A transposed: not one product
        [3, 70, 90, 300, false, false, 1, 0.5, -1, -1, 3], // several depth blocks, packed
        [2, 5, 4, 0, false, false, 1, 3, -1, -1, 1], // k = 0: beta·C
      ];
      const rnd = mulberry32(44);
      for (const [batch, m, n, k, transA, transB, alpha, beta, gapA, gapB, gapC] of cases) {
        const extA = (transA ? k : m) * (transA ? m : k), extB = (transB ? n : k) * (transB ? k : n), extC = m * n;
        const strideA = gapA === 0 ? 0 : extA + Math.max(0, gapA), strideB = gapB === 0 ? 0 : extB + Math.max(0, gapB);
        const strideC = extC + gapC;
        const a = sample(Math.max(1, strideA * (batch - 1) + extA), batch + m).map((v) => (Number.isFinite(v) ? v : 0.5)) as Half;
        const b = H.from({ length: Math.max(1, strideB * (batch - 1) + extB) }, () => (rnd() - 0.5) * 4);
        const c0 = H.from({ length: strideC * batch }, () => (rnd() - 0.5) * 4);
        const what = `${batch}x${m}x${n}x${k} ${transA} ${transB} ${alpha} ${beta} ${gapA} ${gapB} ${gapC}`;
        const args = { batch, m, n, k, transA, transB, alpha, beta, strideA, strideB, strideC };
        const want32 = Float32Array.from(c0);
        ck.gemmBatchSync({ ...args, a: Float32Array.from(a), b: Float32Array.from(b), c: want32 }, opts);
        const want16 = Array.from(H.from(want32)).map((v, i) => (i % strideC < extC ? v : c0[i])); // gaps untouched
        const c16 = c0.slice() as Half, c16s = c0.slice() as Half, c32 = Float32Array.from(c0);
        expect(await ck.gemmBatch({ ...args, a, b, c: c16 } as never, opts), what).toBe(c16);
        expect(Array.from(c16), what).toEqual(want16);
        ck.gemmBatchSync({ ...args, a, b, c: c16s } as never, opts);
        expect(Array.from(c16s), what).toEqual(want16);
        expect(await ck.gemmBatch({ ...args, a, b, c: c32 } as never, opts), what).toBe(c32);
        expect(Array.from(c32), what).toEqual(Array.from(want32));
      }
    });

    it('per-column counts, weighted histograms and validity bitmaps read halves as the float32 array of the same values', async () => {
      const rnd = mulberry32(5), rows = 999, cols = 9;
      const d = H.from({ length: rows * cols }, (_, i) => (i % 13 === 0 ? NaN : (rnd() - 0.5) * 8));
      const d32 = Float32Array.from(d), w = Float64Array.from({ length: d.length }, () => rnd());
      const valid = Uint8Array.from({ length: Math.ceil(d.length / 8) }, () => Math.floor(rnd() * 256));
      const o = { ...opts, valid };
      expect(Array.from(await ck.countInRangeByColumn({ data: d, rows, cols } as never, -1, 2.5, o)))
        .toEqual(Array.from(ck.countInRangeByColumnSync({ data: d32, rows, cols }, -1, 2.5, o)));
      expect(await ck.countInRange(d as never, -1, 2.5, o)).toBe(ck.countInRangeSync(d32, -1, 2.5, o));
      const edges = [-4, -1, 0, 0.5, 3, 4];
      expect(Array.from(await ck.histogram(d as never, edges, { ...opts, weights: w })))
        .toEqual(Array.from(ck.histogramSync(d32, edges, { ...opts, weights: w })));
      expect(Array.from(ck.histogramSync(d as never, edges, { ...o, weights: w })))
        .toEqual(Array.from(ck.histogramSync(d32, edges, { ...o, weights: w })));
      expect(await ck.minMax(d as never, o)).toEqual(ck.minMaxSync(d32, o));
    });

    it('a matmul of halves does not depend on the thread count', async () => {
      const [ad, bd] = operands(150, 160, 170, 5);
      const a = { data: ad, rows: 150, cols: 160 }, b = { data: bd, rows: 160, cols: 170 };
      const first = Array.from((await ck.matmul(a as never, b as never, { ...opts, threads: 1 })).data as Half);
      for (let threads = 2; threads <= ck.threads(); threads++)
        expect(Array.from((await ck.matmul(a as never, b as never, { ...opts, threads })).data as Half)).toEqual(first);
    });

    it('refuses mixed operand types, a result of the wrong type or size, and NaN bounds, with their codes', async () => {
      const h = (rows: number, cols: number) => ({ data: new H(rows * cols), rows, cols });
      const f = (rows: number, cols: number) => ({ data: new Float32Array(rows * cols), rows, cols });
      await expectError('matmul', [h(2, 2), f(2, 2), opts], TypeError, 'ERR_CK_INVALID_ARG_TYPE',
        /b\.data is a Float32Array but a\.data is a Float16Array \(element types must match\)/);
      await expectError('matmul', [f(2, 2), h(2, 2), opts], TypeError, 'ERR_CK_INVALID_ARG_TYPE', /b\.data is a Float16Array but a\.data is a Float32Array/);
      await expectError('matmul', [h(2, 2), h(2, 2), { ...opts, out: new Float64Array(4) }], TypeError, 'ERR_CK_INVALID_ARG_TYPE',
        /options\.out is a Float64Array but a\.data is a Float16Array/);
      await expectError('matmul', [f(2, 2), f(2, 2), { ...opts, out: new H(4) }], TypeError, 'ERR_CK_INVALID_ARG_TYPE',
        /options\.out is a Float16Array but a\.data is a Float32Array/);
      await expectError('matmul', [h(2, 3), h(3, 2), { ...opts, out: new H(5) }], RangeError, 'ERR_CK_OUT_SIZE', /options\.out has 5 elements/);
      await expectError('matmul', [h(2, 3), h(2, 3), opts], RangeError, 'ERR_CK_SHAPE_MISMATCH', /a\.cols must equal b\.rows/);
      const g = { m: 2, n: 2, k: 2, a: new H(4), b: new H(4), c: new H(4) };
      await expectError('gemm', [{ ...g, b: new Float32Array(4) }, opts], TypeError, 'ERR_CK_INVALID_ARG_TYPE', /b is a Float32Array but a is a Float16Array/);
      await expectError('gemm', [{ ...g, c: new Float64Array(4) }, opts], TypeError, 'ERR_CK_INVALID_ARG_TYPE', /c is a Float64Array but a is a Float16Array/);
      await expectError('gemm', [{ ...g, c: new H(3) }, opts], RangeError, 'ERR_CK_ARRAY_TOO_SHORT', /c has 3 elements/);
      const shared = new H(new SharedArrayBuffer(8));
      await expectError('gemm', [{ ...g, a: shared, c: new H(shared.buffer) }, opts], RangeError, 'ERR_CK_OUT_OVERLAP', /c shares memory with a/);
      await expectError('countInRange', [new H(4), NaN, 1, opts], RangeError, 'ERR_CK_NAN_BOUND', /lo is NaN/);
      await expectError('countInRange', [new H(4), 0n, 1, opts], TypeError, 'ERR_CK_INVALID_ARG_TYPE', /lo is a bigint/);
      await expectError('histogram', [new H(4), [0, NaN], opts], RangeError, 'ERR_CK_NAN_BOUND', /edges\[1\] is NaN/);
      await expectError('countInRangeByRow', [{ data: new H(5), rows: 2, cols: 3 }, 0, 1, opts], RangeError, 'ERR_CK_ARRAY_TOO_SHORT', /m\.data has 5 elements/);
      await expect(ck.minMax(new H(10), { ...opts, signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
      await expect(ck.matmul(h(2, 2) as never, h(2, 2) as never, { ...opts, signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    });
  });

  describe('Float16Array outside the kernels', () => {
    it('numpy is available (CI installs python3-numpy)', () => expect(python, 'no python3 with numpy on PATH').toBeDefined());

    it('matrix(), fromRows() and shared() make Float16Array operands', async () => {
      const a = ck.matrix(H as never, 2, 3, { shared: true });
      expect(Object.prototype.toString.call(a.data)).toBe('[object Float16Array]');
      expect(a.data.buffer).toBeInstanceOf(SharedArrayBuffer);
      const b = ck.fromRows([[1, 2], [3, 4], [5, 6]], H as never);
      a.data.set([1, 0, 0, 0, 1, 0]);
      expect(ck.toRows(await ck.matmul(a as never, b as never))).toEqual([[1, 2], [3, 4]]);
      expect(ck.shared(H as never, 3)).toBeInstanceOf(H);
    });

    it('the half conversions round to nearest even, saturate to Infinity and keep NaN (every half, through the engines)', async () => {
      // Every half bit pattern, widened by the counts: each finite half is counted exactly in [x, x].
      const all = new H(new Uint16Array(65536).map((_, i) => i).buffer);
      for (const backend of backends()) {
        const mm = ck.minMaxSync(all, { backend });
        expect(mm).toEqual({ min: -Infinity, max: Infinity });
        expect(ck.countInRangeSync(all, -Infinity, Infinity, { backend })).toBe(65536 - 2 * 1023); // NaNs never count
        expect(ck.countInRangeSync(all, 2 ** -24, 65504, { backend })).toBe(0x7bff);
      }
      // Products rounded to halves: ties to even, overflow to Infinity, subnormals kept.
      const cases: [number[], number[], number][] = [
        [[1, 1, 0, 0], [1, 2 ** -11, 0, 0], 1], // a tie: to the even 1
        [[1, 1, 0, 0], [1, 3 * 2 ** -11, 0, 0], 1 + 2 ** -9], // a tie: to the even 1 + 2^-9
        [[1, 1, 0, 0], [65504, 8, 0, 0], 65504],
        [[1, 1, 0, 0], [65504, 16, 0, 0], Infinity], // the tie at 65520 rounds to the even 2^16: Infinity
        [[0.5, 0.5, 0.5, 0], [2 ** -24, 2 ** -24, 2 ** -24, 0], 2 ** -23], // a subnormal tie
        [[1, 0, 0, 0], [NaN, 0, 0, 0], NaN],
      ];
      for (const [row, col, want] of cases)
        for (const backend of backends()) {
          const c = ck.matmulSync({ data: H.from(row), rows: 1, cols: 4 } as never, { data: H.from(col), rows: 4, cols: 1 } as never, { backend });
          expect(c.data[0], `${row}·${col} on ${backend}`).toBe(want);
        }
    });
  });
}
