// The WebAssembly engine as a fallback and on its own: 'auto' picks it when the addon is off
// and the JS kernels when it is off too; which SIMD build loads; the refusal of work wasm32's
// 4 GiB cannot hold; work larger than one staging slice. Child processes where the
// environment decides what loads.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as ck from '../dist/index.js';
import { backends } from './helpers/backends.js';
import { mulberry32 } from './helpers/reference.js';

const dist = join(__dirname, '..', 'dist');
const hasWasm = backends().includes('wasm');
const MAJOR = Number(process.versions.node.split('.')[0]);
// Relaxed SIMD is on by default from Node 22 (V8 11.4+), whose later lines reject the flag;
// Node 20 needs it.
const RELAXED_FLAGS = MAJOR >= 22 ? [] : ['--experimental-wasm-relaxed-simd'];

/** Runs `body` in a child (ck and pool in scope) and returns what it printed as JSON. */
function child(body: string, env: Record<string, string>, flags: string[] = []) {
  const script = `
    const ck = require(${JSON.stringify(join(dist, 'index.js'))});
    const pool = require(${JSON.stringify(join(dist, 'backends', 'workers.js'))});
    (async () => { ${body} })().then(async (r) => { console.log(JSON.stringify(r)); await ck.close(); })
      .catch((e) => { console.log(JSON.stringify({ error: { name: e.name, code: e.code, message: e.message } })); });`;
  const r = spawnSync(process.execPath, [...flags, '-e', script], {
    env: { ...process.env, COREKERNELS_THREADS: '2', ...env }, encoding: 'utf8',
  });
  expect(r.status, r.stderr).toBe(0);
  return { out: JSON.parse(r.stdout.trim().split('\n').pop()!), stderr: r.stderr };
}

// A matmul large enough that the JS fallback would hand it to the workers, and its check.
const largeMatmul = `
  const a = ck.matrix(Float64Array, 200, 200); a.data.fill(1);
  const r = await ck.matmul(a, a);
  const s = ck.matmulSync(a, a);
  const right = r.data.every((x) => x === 200) && s.data.every((x) => x === 200);`;

describe.runIf(hasWasm)('the WebAssembly engine', () => {
  it("is what 'auto' runs without the addon: info().engine is 'wasm', a Sync call starts no worker, one notice says so", () => {
    const { out, stderr } = child(`
      const a = ck.matrix(Float64Array, 200, 200); a.data.fill(1);
      const right = ck.matmulSync(a, a).data.every((x) => x === 200) && ck.countInRangeSync(a.data, 1, 1) === 40000;
      return { right, workers: pool.workerCount(), info: ck.info() };`, { COREKERNELS_NATIVE: 'off' });
    expect(out.right).toBe(true);
    expect(out.workers).toBe(0);
    expect(out.info.engine).toBe('wasm');
    expect(out.info.backend).toBe('wasm');
    expect(out.info.wasm.loaded).toBe(true);
    expect(stderr.match(/corekernels: kernels run in WebAssembly, not in the native addon/g)).toHaveLength(1);
  });

  it("leaves 'auto' on the JS kernels when COREKERNELS_WASM=off too, and refuses backend 'wasm' with a coded Error", () => {
    const { out, stderr } = child(`${largeMatmul}
      let refused;
      try { ck.countInRangeSync(new Float64Array(4), 0, 1, { backend: 'wasm' }); } catch (e) { refused = { name: e.name, code: e.code, message: e.message }; }
      return { right, workers: pool.workerCount(), info: ck.info(), refused };`, { COREKERNELS_NATIVE: 'off', COREKERNELS_WASM: 'off' });
    expect(out.right).toBe(true);
    expect(out.workers).toBeGreaterThan(0);
    expect(out.info.engine).toBe('js');
    expect(out.info.wasm).toMatchObject({ loaded: false, error: 'disabled by COREKERNELS_WASM=off' });
    expect(out.refused).toEqual({
      name: 'Error', code: ck.codes.BACKEND_UNAVAILABLE,
      message: "countInRangeSync: backend 'wasm' is not available: disabled by COREKERNELS_WASM=off",
    });
    expect(stderr).toMatch(/corekernels: kernels run in JavaScript, not in the native addon/);
  });

  it('loads the relaxed-SIMD build where the runtime validates relaxed SIMD, else baseline SIMD128', () => {
    const probe = `return ck.info().wasm;`;
    const relaxed = child(probe, {}, RELAXED_FLAGS).out;
    expect(relaxed).toEqual({ loaded: true, simd: 'relaxed' });
    expect(child(probe, {}).out).toEqual({ loaded: true, simd: MAJOR >= 22 ? 'relaxed' : 'simd128' });
    expect(child(probe, { COREKERNELS_WASM: 'simd128' }, RELAXED_FLAGS).out).toEqual({ loaded: true, simd: 'simd128' });
  });

  it('gives the same products on both builds (within the GEMM bound) and the same counts', () => {
    const body = `
      const a = ck.matrix(Float32Array, 67, 131), b = ck.matrix(Float32Array, 131, 45);
      let s = 7; const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32) - 0.5;
      a.data.forEach((_, i) => (a.data[i] = rnd())); b.data.forEach((_, i) => (b.data[i] = rnd()));
      const c = ck.matmulSync(a, b, { backend: 'wasm' });
      const d = new Float64Array(1e5).map(rnd);
      return { c: Array.from(c.data), n: ck.countInRangeSync(d, -0.25, 0.1, { backend: 'wasm' }), simd: ck.info().wasm.simd };`;
    const relaxed = child(body, {}, RELAXED_FLAGS).out;
    // The baseline build, also where relaxed SIMD is on by default (COREKERNELS_WASM=simd128).
    const base = child(body, { COREKERNELS_WASM: 'simd128' }).out;
    expect([relaxed.simd, base.simd]).toEqual(['relaxed', 'simd128']);
    expect(relaxed.n).toBe(base.n);
    const worst = Math.max(...relaxed.c.map((x: number, i: number) => Math.abs(x - base.c[i])));
    expect(worst).toBeLessThan(131 * 0.25 * 2 ** -22);
  });
});

describe.runIf(hasWasm)('the WebAssembly engine on the worker pool', () => {
  it('counts data on shared memory on the workers, each slice in its own staging buffer, exactly for every element type and thread count', async () => {
    const { workerCount } = require('../dist/backends/workers.js') as { workerCount(): number };
    const rnd = mulberry32(33);
    // Filled in place: map() would return arrays on a plain ArrayBuffer.
    const filled = <T extends { [i: number]: number | bigint; length: number }>(a: T, f: () => number | bigint): T => {
      for (let i = 0; i < a.length; i++) a[i] = f();
      return a;
    };
    const cases = [
      [filled(ck.shared(Float64Array, (1 << 19) + 3), () => rnd() * 100), 10.5, 60],
      [filled(ck.shared(Int8Array, (5 << 20) + 1), () => Math.floor(rnd() * 256) - 128), -20, 70],
      [filled(ck.shared(BigInt64Array, (1 << 19) + 5), () => BigInt(Math.floor(rnd() * 1e6)) - 500000n), -1000n, 250000n],
    ] as const;
    const before = workerCount();
    for (const [data, lo, hi] of cases) {
      const want = ck.countInRangeSync(data, lo, hi, { backend: 'js' });
      for (const threads of [1, 2, 3].filter((t) => t <= ck.threads()))
        expect(await ck.countInRange(data, lo, hi, { backend: 'wasm', threads }), `${data.constructor.name} threads ${threads}`).toBe(want);
    }
    expect(before).toBe(0); // this file's GEMM test (which starts workers) runs after this one
    if (ck.threads() > 1) expect(workerCount()).toBeGreaterThan(0);
  });

  it('runs a large async GEMM on workers, each with its own instance on the shared memory, bit-identical for 1..4 threads and to Sync', async () => {
    const { workerCount } = require('../dist/backends/workers.js') as { workerCount(): number };
    const rnd = mulberry32(21);
    for (const [Ctor, transA] of [[Float32Array, false], [Float64Array, true]] as const) {
      const m = 203, k = 171, n = 250; // 2mnk = 17 MFLOP: over the hand-off threshold, several tiles
      const a = new Ctor(m * k).map(() => rnd() - 0.5), b = new Ctor(k * n).map(() => rnd() - 0.5);
      const c0 = new Ctor(m * n).map(() => rnd());
      const args = (c: Float32Array | Float64Array) => ({ m, n, k, a, b, c, transA, lda: transA ? m : k, alpha: 1.5, beta: -0.5 });
      const want = ck.gemmSync(args(c0.slice()) as any, { backend: 'wasm' });
      for (const threads of [1, 2, 3, 4].filter((t) => t <= ck.threads())) {
        const got = await ck.gemm(args(c0.slice()) as any, { backend: 'wasm', threads });
        expect(Array.from(got), `${Ctor.name} threads ${threads}`).toEqual(Array.from(want));
      }
    }
    expect(workerCount()).toBeGreaterThan(0);
  });
});

describe.runIf(hasWasm)('the WebAssembly engine and its 4 GiB memory', () => {
  it('refuses a product whose operands cannot fit, before allocating, with a coded RangeError', () => {
    const { checkGemmFits } = require('../dist/backends/wasm-kernels.js') as {
      checkGemmFits(fn: string, job: { m: number; n: number; k: number; a: { BYTES_PER_ELEMENT: number } }): void;
    };
    const fake = (n: number, bytes: number) => ({ m: n, n, k: n, a: { BYTES_PER_ELEMENT: bytes } });
    expect(() => checkGemmFits('matmul', fake(16384, 4))).not.toThrow(); // 3 GiB of f32
    let err: any;
    try {
      checkGemmFits('matmul', fake(16384, 8)); // 6 GiB of f64
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RangeError);
    expect(err.code).toBe(ck.codes.TOO_LARGE_FOR_WASM);
    expect(err.message).toMatch(/^matmul: the WebAssembly engine cannot hold a 16384x16384 by 16384x16384 product/);
  });

  it('counts, counts by row and bins data larger than one staging slice exactly, Sync and async alike', async () => {
    const rnd = mulberry32(11);
    const data = new Int16Array((5 << 20) + 7).map(() => Math.floor(rnd() * 2000) - 1000); // 10 MiB + 14 bytes
    const cols = 333, rows = Math.floor(data.length / cols);
    const edges = [-1000, -400, -3, 0, 1, 250, 999];
    const want = {
      count: ck.countInRangeSync(data, -10, 500, { backend: 'js' }),
      rows: ck.countInRangeByRowSync({ data, rows, cols }, -10, 500, { backend: 'js' }),
      hist: ck.histogramSync(data, edges, { backend: 'js' }),
    };
    expect(ck.countInRangeSync(data, -10, 500, { backend: 'wasm' })).toBe(want.count);
    expect(await ck.countInRange(data, -10, 500, { backend: 'wasm' })).toBe(want.count);
    expect(ck.countInRangeByRowSync({ data, rows, cols }, -10, 500, { backend: 'wasm' })).toEqual(want.rows);
    expect(await ck.countInRangeByRow({ data, rows, cols }, -10, 500, { backend: 'wasm' })).toEqual(want.rows);
    expect(ck.histogramSync(data, edges, { backend: 'wasm' })).toEqual(want.hist);
    expect(await ck.histogram(data, edges, { backend: 'wasm' })).toEqual(want.hist);
  });

  it('multiplies in row slices whose rows equal those rows multiplied alone, bit for bit; async equals Sync', async () => {
    const rnd = mulberry32(5);
    const n = 300; // async: slices of 32 rows; Sync: one slice
    const a = ck.matrix(Float64Array, n, n), b = ck.matrix(Float64Array, n, n);
    a.data.forEach((_, i) => (a.data[i] = rnd() - 0.5));
    b.data.forEach((_, i) => (b.data[i] = rnd() - 0.5));
    const whole = ck.matmulSync(a, b, { backend: 'wasm' });
    expect(Array.from((await ck.matmul(a, b, { backend: 'wasm' })).data)).toEqual(Array.from(whole.data));
    // Rows 100..139 straddle async slices; alone they are one call of 40 rows. The depth
    // blocking depends on k, never on m, so the sums round the same way.
    const part = ck.matmulSync({ data: a.data.subarray(100 * n, 140 * n), rows: 40, cols: n }, b, { backend: 'wasm' });
    expect(Array.from(part.data)).toEqual(Array.from(whole.data.subarray(100 * n, 140 * n)));
  });
});
