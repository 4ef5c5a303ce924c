// Inputs referenced only by a pending call survive forced GC (issue 5), and are released
// once the call settles.
//
// Every input here is made inside a factory that keeps nothing of it but a WeakRef and a
// fingerprint of the expected result (a count, a histogram, or C·t for a random vector t),
// so the pending call is the only thing holding the arrays. While ~40 calls run on every
// backend at once, the test forces full GCs in a loop and churns freshly allocated memory
// filled with -7 (so a freed input that is still read shows up as wrong results). Then:
// every result matches its fingerprint, and after settling, a GC clears the WeakRefs (the
// addon released its references: no leak).
//
// gc() comes from V8's --expose-gc flag, set at run time (the flag is read when a context
// is created, so a new vm context hands us the function).
//
// runtime.test.ts covers one matmul, one count and one histogram per backend in sequence.
import { describe, expect, it } from 'vitest';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import * as ck from '../dist/index.js';
import { backends, type Backend } from './helpers/backends.js';
import { mulberry32, refCount, refCountByRow, refHistogram, type Scalar } from './helpers/reference.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

interface Pending {
  label: string;
  promise: Promise<unknown>;
  /** Problems with the resolved value. */
  verify: (value: unknown) => string[];
  /** The inputs, weakly. */
  refs: WeakRef<object>[];
}

type FloatArr = Float32Array | Float64Array;

/** A fingerprint of C = alpha·op(A)·B + beta·C0 (row-major m x n): C·t for a random t, and its error scale. */
function productFingerprint(
  a: FloatArr, b: FloatArr, c0: FloatArr | undefined, m: number, n: number, k: number, transA: boolean, alpha: number, beta: number, seed: number,
) {
  const rnd = mulberry32(seed);
  const t = Float64Array.from({ length: n }, () => rnd() * 2 - 1);
  const u = new Float64Array(k);
  const uAbs = new Float64Array(k);
  for (let p = 0; p < k; p++)
    for (let j = 0; j < n; j++) {
      u[p] += b[p * n + j] * t[j];
      uAbs[p] += Math.abs(b[p * n + j] * t[j]);
    }
  const want = new Float64Array(m);
  const scale = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const aip = transA ? a[p * m + i] : a[i * k + p];
      want[i] += alpha * aip * u[p];
      scale[i] += Math.abs(alpha * aip) * uAbs[p];
    }
    if (c0 && beta !== 0)
      for (let j = 0; j < n; j++) {
        want[i] += beta * c0[i * n + j] * t[j];
        scale[i] += Math.abs(beta * c0[i * n + j] * t[j]);
      }
  }
  const tol = a instanceof Float32Array ? 1e-5 : 1e-12;
  return (c: FloatArr): string[] => {
    const bad: string[] = [];
    if (c.length !== m * n) return [`result has ${c.length} elements, expected ${m * n}`];
    for (let i = 0; i < m && bad.length < 3; i++) {
      let got = 0;
      for (let j = 0; j < n; j++) got += c[i * n + j] * t[j];
      if (!(Math.abs(got - want[i]) <= tol * (k + 2) * scale[i] + 1e-300)) bad.push(`row ${i}: C·t = ${got}, expected ${want[i]}`);
    }
    return bad;
  };
}

function randomFloats(T: typeof Float32Array | typeof Float64Array, n: number, rnd: () => number): FloatArr {
  const x = new T(n);
  for (let i = 0; i < n; i++) x[i] = rnd() * 2 - 1;
  return x;
}

// Each factory builds its inputs, starts the call and returns only what Pending holds.

function matmulCall(backend: Backend, T: typeof Float32Array | typeof Float64Array, n: number, seed: number): Pending {
  const rnd = mulberry32(seed);
  const a = { data: randomFloats(T, n * n, rnd), rows: n, cols: n };
  const b = { data: randomFloats(T, n * n, rnd), rows: n, cols: n };
  const check = productFingerprint(a.data, b.data, undefined, n, n, n, false, 1, 0, seed + 1);
  return {
    label: `matmul ${T.name} ${n}x${n}`,
    promise: ck.matmul(a, b, { backend }),
    verify: (v) => check((v as ck.Matrix).data),
    refs: [new WeakRef(a), new WeakRef(a.data), new WeakRef(b.data)],
  };
}

function gemmCall(backend: Backend, n: number, seed: number): Pending {
  const rnd = mulberry32(seed);
  // a and c are views into larger buffers whose other views are dropped at once.
  const aWhole = randomFloats(Float64Array, n * n + 16, rnd);
  const a = aWhole.subarray(8, 8 + n * n);
  const b = randomFloats(Float64Array, n * n, rnd);
  const c = randomFloats(Float64Array, n * n + 4, rnd).subarray(4);
  const check = productFingerprint(a, b, c, n, n, n, true, 0.5, -2, seed + 1);
  return {
    label: `gemm f64 transA ${n}x${n} beta=-2`,
    promise: ck.gemm({ m: n, n, k: n, transA: true, alpha: 0.5, beta: -2, a, b, c }, { backend }),
    verify: (v) => check(v as FloatArr),
    refs: [new WeakRef(a), new WeakRef(b), new WeakRef(a.buffer)],
  };
}

function countCall(backend: Backend, kind: 'f32' | 'i16' | 'u8' | 'big', len: number, seed: number): Pending {
  const rnd = mulberry32(seed);
  let data: Float32Array | Int16Array | Uint8Array | BigInt64Array;
  if (kind === 'f32') data = Float32Array.from({ length: len }, () => rnd() * 20 - 10);
  else if (kind === 'i16') data = Int16Array.from({ length: len }, () => Math.floor(rnd() * 200) - 100);
  else if (kind === 'u8') data = Uint8Array.from({ length: len }, () => Math.floor(rnd() * 256));
  else data = BigInt64Array.from({ length: len }, () => BigInt(Math.floor(rnd() * 200) - 100));
  const [lo, hi]: [Scalar, Scalar] = kind === 'big' ? [-20n, 35n] : kind === 'u8' ? [10.5, 200] : [-2.5, 7];
  const want = kind === 'big' ? refCount(data as BigInt64Array, lo, hi) : countNumbers(data as ArrayLike<number>, lo as number, hi as number);
  return {
    label: `countInRange ${data.constructor.name}[${len}]`,
    promise: ck.countInRange(data, lo, hi, { backend }),
    verify: (v) => (v === want ? [] : [`count ${String(v)}, expected ${want}`]),
    refs: [new WeakRef(data), new WeakRef(data.buffer)],
  };
}

/** refCount for plain numbers, fast enough for a million elements. */
function countNumbers(data: ArrayLike<number>, lo: number, hi: number): number {
  let n = 0;
  for (let i = 0; i < data.length; i++) if (data[i] >= lo && data[i] <= hi) n++;
  return n;
}

function byRowCall(backend: Backend, rows: number, cols: number, seed: number): Pending {
  const rnd = mulberry32(seed);
  const data = Float64Array.from({ length: rows * cols }, () => rnd() * 10);
  const want = refCountByRow(data, rows, cols, 2, 8);
  const out = new Uint32Array(rows).fill(7);
  return {
    label: `countInRangeByRow f64 ${rows}x${cols} with out`,
    promise: ck.countInRangeByRow({ data, rows, cols }, 2, 8, { backend, out }),
    verify: (v) => {
      const got = v as Uint32Array;
      const r = want.findIndex((w, i) => got[i] !== w);
      return got.length === rows && r < 0 ? [] : [`row ${r}: ${got[r]}, expected ${want[r]}`];
    },
    refs: [new WeakRef(data), new WeakRef(out)],
  };
}

function histogramCall(backend: Backend, len: number, seed: number): Pending {
  const rnd = mulberry32(seed);
  const data = Int32Array.from({ length: len }, () => Math.floor(rnd() * 1000) - 500);
  const edges = new Float64Array([-400, -100.5, 0, 0.5, 250, 499]);
  const want = refHistogram(Array.from(data.subarray(0, 50_000)), edges);
  const head = data.subarray(0, 50_000); // a view: the rest of the buffer is referenced through it only
  return {
    label: `histogram Int32Array view[50000]`,
    promise: ck.histogram(head, edges, { backend }),
    verify: (v) => {
      const got = Array.from(v as Float64Array);
      return got.every((x, i) => x === want[i]) ? [] : [`histogram ${got}, expected ${want}`];
    },
    refs: [new WeakRef(head), new WeakRef(data.buffer), new WeakRef(edges)],
  };
}

function startAll(backend: Backend, round: number): Pending[] {
  const big = backend === 'native' ? 260 : 140;
  const s = 1000 * round + (backend === 'native' ? 0 : backend === 'workers' ? 100 : 200);
  const calls: Pending[] = [];
  for (let i = 0; i < 3; i++) {
    calls.push(matmulCall(backend, Float64Array, big, s + i));
    calls.push(matmulCall(backend, Float32Array, big - 30 + i, s + 10 + i));
    calls.push(gemmCall(backend, big - 50 + i, s + 20 + i));
    calls.push(countCall(backend, 'f32', 1 << 20, s + 30 + i));
    calls.push(countCall(backend, 'i16', 1 << 20, s + 40 + i));
    calls.push(countCall(backend, 'u8', 1 << 20, s + 50 + i));
    calls.push(countCall(backend, 'big', 1 << 17, s + 60 + i));
    calls.push(byRowCall(backend, 3000, 90 + i, s + 70 + i));
    calls.push(histogramCall(backend, 1 << 18, s + 80 + i));
  }
  return calls;
}

describe('inputs referenced only by a pending call', () => {
  it('survive forced GC in a loop on every backend at once, give correct results, and are released after the calls settle', async () => {
    const problems: string[] = [];
    let gcs = 0;
    let released = 0;
    let tracked = 0;
    // Two rounds, and more while too few GCs fell inside pending calls (a run on the native
    // backend alone settles a round in a few turns of the loop).
    for (let round = 0; round < 2 || (gcs <= 10 && round < 40); round++) {
      let pending = backends().flatMap((b) => startAll(b, round).map((p) => ({ ...p, label: `${b}: ${p.label}` })));
      let settled = 0;
      const outcomes = pending.map((p) =>
        p.promise.then(
          (value) => p.verify(value).map((bad) => `${p.label}: ${bad}`),
          (err: unknown) => [`${p.label}: rejected with ${String(err)}`],
        ).finally(() => settled++),
      );
      const refs = pending.flatMap((p) => p.refs);
      pending = []; // nothing but the calls themselves holds the inputs now
      const deadline = performance.now() + 45_000;
      while (settled < outcomes.length && performance.now() < deadline) {
        gc();
        gcs++;
        new Float64Array(1 << 18).fill(-7); // reuse whatever was freed
        new Int32Array(1 << 16).fill(-7);
        await new Promise((r) => setImmediate(r));
      }
      expect(settled, 'calls settled within 45 s').toBe(outcomes.length);
      for (const list of await Promise.all(outcomes)) problems.push(...list);

      // Settled: the addon and the pool must have let go of the inputs.
      for (let i = 0; i < 3; i++) {
        await new Promise((r) => setTimeout(r, 10));
        gc();
      }
      tracked += refs.length;
      released += refs.filter((r) => r.deref() === undefined).length;
    }
    console.log(`[figure] gc: ${gcs} forced GCs during the calls; ${released}/${tracked} inputs collected after settling`);
    expect(problems.slice(0, 20), `${problems.length} problems`).toEqual([]);
    expect(gcs, 'forced GCs while calls were pending').toBeGreaterThan(10);
    expect(released, 'inputs collected by GC after their calls settled').toBe(tracked);
  });
});
