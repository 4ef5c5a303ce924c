// 1000 concurrent mixed calls all settle with correct results (issue 5).
//
// Every kernel (matmul, gemm, countInRange, countInRangeByRow, histogram), f32 and f64,
// every element type of the range kernels, all backends at once, random sizes from empty to
// medium, inputs on ordinary and shared memory, some `out` arrays, and about one call in
// eight carrying a signal that is aborted before or during the call. Every call must settle;
// every one that resolves is checked against the independent references in
// helpers/reference.ts; every one that rejects must be an AbortError of an aborted signal.
//
// concurrency.test.ts runs 40 calls per backend (32 with racing aborts); this is the load
// test: 1000 at once, all kinds and types mixed across backends.
import { describe, expect, it } from 'vitest';
import * as ck from '../dist/index.js';
import { backends, type Backend } from './helpers/backends.js';
import { buildGemmCase, type Dtype, type GemmParams } from './helpers/gemm-case.js';
import { KINDS, type Kind, type NumericArray } from './helpers/kinds.js';
import {
  TOL_F32,
  TOL_F64,
  gemmMismatches,
  gemmVectorCheck,
  mulberry32,
  refCount,
  refCountByRow,
  refGemm,
  refHistogram,
  type Inclusive,
  type Scalar,
} from './helpers/reference.js';

const TOTAL = 1000;
const SETTLE_DEADLINE_MS = 50_000;

type Rnd = () => number;
const int = (rnd: Rnd, lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
const pick = <T>(rnd: Rnd, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];

/** Sizes from empty to medium: mostly small, sometimes up to `max`. */
function dim(rnd: Rnd, max: number): number {
  const r = rnd();
  if (r < 0.05) return 0;
  if (r < 0.15) return 1;
  if (r < 0.8) return int(rnd, 2, Math.min(40, max));
  return int(rnd, 2, max);
}

function floatArray(dtype: Dtype, n: number, rnd: Rnd, shared: boolean): Float32Array | Float64Array {
  const T = dtype === 'f32' ? Float32Array : Float64Array;
  const x = shared ? new T(new SharedArrayBuffer(n * T.BYTES_PER_ELEMENT)) : new T(n);
  for (let i = 0; i < n; i++) x[i] = rnd() * 2 - 1;
  return x;
}

/** Elements for a kind: values around a small range (so bounds cut through them), extremes, NaN for floats. */
function element(kind: Kind, rnd: Rnd): Scalar {
  const r = rnd();
  if (kind.bigint) {
    if (r < 0.05) return kind.min as bigint;
    if (r < 0.1) return kind.max as bigint;
    return BigInt(int(rnd, kind.min === 0n ? 0 : -50, 50));
  }
  if (kind.float) {
    if (r < 0.03) return NaN;
    if (r < 0.05) return pick(rnd, [Infinity, -Infinity, -0]);
    return (rnd() * 100 - 50) / (rnd() < 0.5 ? 1 : 7);
  }
  if (r < 0.05) return kind.min as number;
  if (r < 0.1) return kind.max as number;
  return int(rnd, Math.max(kind.min as number, -50), Math.min(kind.max as number, 50));
}

function numericArray(kind: Kind, n: number, rnd: Rnd, shared: boolean): NumericArray {
  const x = shared ? new kind.ctor(new SharedArrayBuffer(n * kind.ctor.BYTES_PER_ELEMENT)) : new kind.ctor(n);
  for (let i = 0; i < n; i++) (x as any)[i] = element(kind, rnd);
  return x;
}

function bound(kind: Kind, rnd: Rnd): Scalar {
  const r = rnd();
  if (kind.bigint && r < 0.4) return BigInt(int(rnd, -60, 60));
  if (r < 0.05) return pick(rnd, [Infinity, -Infinity]);
  return int(rnd, -120, 120) / 4; // fractional bounds on integer arrays probe exactness
}

function sortedBounds(kind: Kind, rnd: Rnd): [Scalar, Scalar] {
  const lo = bound(kind, rnd);
  const hi = bound(kind, rnd);
  // Mostly in order (ranges usually non-empty); sometimes lo > hi, which counts nothing.
  return rnd() < 0.85 && (lo as any) > (hi as any) ? [hi, lo] : [lo, hi];
}

interface Planned {
  label: string;
  backend: Backend;
  start: (signal: AbortSignal | undefined) => Promise<unknown>;
  /** Problems with a resolved value (empty when it matches the reference). */
  check: (value: unknown) => string[];
}

function plan(i: number, backend: Backend, rnd: Rnd): Planned {
  const what = i % 5;
  const shared = rnd() < 0.2;
  if (what === 0) {
    const dtype: Dtype = rnd() < 0.5 ? 'f32' : 'f64';
    const m = dim(rnd, 260), k = dim(rnd, 260), n = dim(rnd, 260);
    const a = { data: floatArray(dtype, m * k, rnd, shared), rows: m, cols: k };
    const b = { data: floatArray(dtype, k * n, rnd, shared), rows: k, cols: n };
    const out = rnd() < 0.3 ? floatArray(dtype, m * n, rnd, false).fill(NaN) : undefined;
    const tol = dtype === 'f32' ? TOL_F32 : TOL_F64;
    return {
      label: `matmul ${dtype} ${m}x${k}·${k}x${n}${out ? ' out' : ''}${shared ? ' shared' : ''}`,
      backend,
      start: (signal) => ck.matmul(a, b, { backend, signal, out: out as any }),
      check: (value) => {
        const r = value as ck.Matrix;
        const bad: string[] = [];
        if (r.rows !== m || r.cols !== n) bad.push(`shape ${r.rows}x${r.cols}`);
        if (out && r.data !== out) bad.push('result is not options.out');
        if (r.data.constructor !== a.data.constructor) bad.push(`result type ${r.data.constructor.name}`);
        const g = {
          layout: 'row-major' as const, transA: false, transB: false, m, n, k, alpha: 1, beta: 0,
          a: a.data, lda: Math.max(1, k), b: b.data, ldb: Math.max(1, n), c: new Float64Array(m * n), ldc: Math.max(1, n),
        };
        if (m * n * k <= 300_000) bad.push(...gemmMismatches(r.data, new Float64Array(m * n), refGemm(g), k, tol));
        else bad.push(...gemmVectorCheck(g, r.data, tol));
        return bad;
      },
    };
  }
  if (what === 1) {
    const d = () => pick(rnd, [0, 1, 2, 3, 5, 8, 13, 17, 31, 33, 47, 64, 67]);
    const p: GemmParams = {
      dtype: rnd() < 0.5 ? 'f32' : 'f64',
      layout: rnd() < 0.5 ? 'row-major' : 'col-major',
      transA: rnd() < 0.5,
      transB: rnd() < 0.5,
      m: d(), n: d(), k: d(),
      alpha: pick(rnd, [1, -1, 0.5, 2, 0, rnd() * 4 - 2]),
      beta: pick(rnd, [0, 1, -0.75, rnd() * 2 - 1]),
      padA: int(rnd, 0, 3), padB: int(rnd, 0, 3), padC: int(rnd, 0, 3),
      extraA: int(rnd, 0, 2), extraB: int(rnd, 0, 2), extraC: int(rnd, 0, 2),
      offA: int(rnd, 0, 2), offB: int(rnd, 0, 2), offC: int(rnd, 0, 2),
      seed: int(rnd, 0, 2 ** 31 - 1),
      explicitLd: rnd() < 0.5,
      omitDefaults: rnd() < 0.5,
      shared: int(rnd, 0, 7),
    };
    const cs = buildGemmCase(p);
    return {
      label: `gemm ${p.dtype} ${p.layout} tA=${p.transA} tB=${p.transB} m=${p.m} n=${p.n} k=${p.k} alpha=${p.alpha} beta=${p.beta}`,
      backend,
      start: (signal) => ck.gemm(cs.args, { backend, signal }),
      check: (value) => {
        const bad: string[] = value === cs.args.c ? [] : ['did not return args.c'];
        return bad.concat(gemmMismatches(cs.args.c, cs.c0, refGemm(cs.ref), p.k, p.dtype === 'f32' ? TOL_F32 : TOL_F64));
      },
    };
  }
  const kind = pick(rnd, KINDS);
  const maxLen = kind.bigint ? 3000 : rnd() < 0.1 ? 400_000 : 40_000;
  const inclusive = pick(rnd, ['both', 'neither', 'left', 'right'] as Inclusive[]);
  if (what === 2) {
    const data = numericArray(kind, dim(rnd, maxLen), rnd, shared);
    const [lo, hi] = sortedBounds(kind, rnd);
    return {
      label: `countInRange ${kind.name}[${data.length}] ${String(lo)}..${String(hi)} ${inclusive}`,
      backend,
      start: (signal) => ck.countInRange(data, lo, hi, { backend, signal, inclusive }),
      check: (value) => {
        const want = refCount(data as ArrayLike<Scalar>, lo, hi, inclusive);
        return value === want ? [] : [`count ${String(value)}, expected ${want}`];
      },
    };
  }
  if (what === 3) {
    const cols = dim(rnd, 300);
    const rows = dim(rnd, Math.max(1, Math.floor(maxLen / Math.max(1, cols))));
    const data = numericArray(kind, rows * cols, rnd, shared);
    const [lo, hi] = sortedBounds(kind, rnd);
    const out = rnd() < 0.3 ? new Uint32Array(rows).fill(0xdeadbeef) : undefined;
    return {
      label: `countInRangeByRow ${kind.name} ${rows}x${cols} ${String(lo)}..${String(hi)} ${inclusive}${out ? ' out' : ''}`,
      backend,
      start: (signal) => ck.countInRangeByRow({ data, rows, cols }, lo, hi, { backend, signal, inclusive, out }),
      check: (value) => {
        const got = value as Uint32Array;
        const bad: string[] = [];
        if (!(got instanceof Uint32Array) || got.length !== rows) return [`not a Uint32Array(${rows})`];
        if (out && got !== out) bad.push('result is not options.out');
        const want = refCountByRow(data as ArrayLike<Scalar>, rows, cols, lo, hi, inclusive);
        const row = want.findIndex((w, r) => got[r] !== w);
        if (row >= 0) bad.push(`row ${row}: ${got[row]}, expected ${want[row]}`);
        return bad;
      },
    };
  }
  const data = numericArray(kind, dim(rnd, maxLen), rnd, shared);
  const edgeCount = int(rnd, 2, 9);
  const edges: number[] = [];
  let e = int(rnd, -80, 0) / 2;
  for (let j = 0; j < edgeCount; j++) edges.push((e += int(rnd, 1, 40) / 2));
  return {
    label: `histogram ${kind.name}[${data.length}] edges ${edges.join(',')}`,
    backend,
    start: (signal) => ck.histogram(data, edges, { backend, signal }),
    check: (value) => {
      const got = Array.from(value as Float64Array);
      const want = refHistogram(data as ArrayLike<Scalar>, edges);
      return got.length === want.length && got.every((v, j) => v === want[j]) ? [] : [`histogram ${got}, expected ${want}`];
    },
  };
}

describe('1000 concurrent mixed calls', () => {
  it('all settle; every resolved call matches the reference; every rejection is an AbortError of an aborted signal', async () => {
    const bs = backends();
    const rnd = mulberry32(20260505);
    const planned: Planned[] = [];
    for (let i = 0; i < TOTAL; i++) planned.push(plan(i, bs[Math.floor(i / 5) % bs.length], rnd));

    const t0 = performance.now();
    let settledCount = 0;
    const settled = new Array<boolean>(TOTAL).fill(false);
    const signals: (AbortSignal | undefined)[] = [];
    const promises = planned.map((p, i) => {
      let signal: AbortSignal | undefined;
      const r = rnd();
      if (r < 0.06) {
        const ac = new AbortController();
        ac.abort(); // aborted before the call
        signal = ac.signal;
      } else if (r < 0.13) {
        const ac = new AbortController();
        setTimeout(() => ac.abort(), int(rnd, 0, 40)); // aborted while queued or running
        signal = ac.signal;
      } else if (r < 0.16) {
        signal = new AbortController().signal; // a signal that never fires
      }
      signals.push(signal);
      let promise: Promise<unknown>;
      try {
        promise = p.start(signal);
      } catch (e) {
        promise = Promise.reject(new Error(`threw synchronously: ${String(e)}`));
      }
      return promise.then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      ).finally(() => {
        settled[i] = true;
        settledCount++;
      });
    });

    let deadline: ReturnType<typeof setTimeout> | undefined;
    const all = await Promise.race([
      Promise.all(promises),
      new Promise<undefined>((resolve) => (deadline = setTimeout(() => resolve(undefined), SETTLE_DEADLINE_MS))),
    ]);
    clearTimeout(deadline);
    const wall = performance.now() - t0;
    if (all === undefined) {
      const stuck = planned.filter((_, i) => !settled[i]).map((p) => `${p.backend}: ${p.label}`);
      expect.fail(`${TOTAL - settledCount} of ${TOTAL} calls had not settled after ${SETTLE_DEADLINE_MS} ms:\n${stuck.slice(0, 20).join('\n')}`);
    }

    const problems: string[] = [];
    const tally: Record<string, { resolved: number; aborted: number }> = {};
    all!.forEach((s, i) => {
      const p = planned[i];
      const t = (tally[p.backend] ??= { resolved: 0, aborted: 0 });
      if (s.ok) {
        t.resolved++;
        for (const bad of p.check(s.value)) problems.push(`#${i} ${p.backend} ${p.label}: ${bad}`);
      } else {
        const err = s.error as { name?: string };
        const isAbort = err instanceof DOMException && err.name === 'AbortError';
        if (!isAbort) problems.push(`#${i} ${p.backend} ${p.label}: rejected with ${String(s.error)} (code ${(s.error as any)?.code})`);
        else if (!signals[i]?.aborted) problems.push(`#${i} ${p.backend} ${p.label}: AbortError without an aborted signal`);
        else t.aborted++;
      }
    });
    console.log(`[figure] 1000 mixed calls settled in ${wall.toFixed(0)} ms: ${JSON.stringify(tally)}`);
    expect(problems.slice(0, 20), `${problems.length} wrong results`).toEqual([]);
    // The aborts really happened (and resolutions outnumber them by far).
    const aborted = Object.values(tally).reduce((s, t) => s + t.aborted, 0);
    expect(aborted).toBeGreaterThan(30);
    expect(TOTAL - aborted).toBeGreaterThan(800);
  });
});
