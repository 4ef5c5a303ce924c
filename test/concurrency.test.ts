// Concurrency: many calls in flight at once, on one backend and across backends, racing
// aborts, thread-count changes between calls, Sync twins while async work runs, and the
// addon in worker_threads that are terminated mid-call. Sizes stay modest so the suite
// also runs under ThreadSanitizer (npm run test:tsan).
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import * as ck from '../dist/index.js';
import { backends, nativeLoaded, type Backend } from './helpers/backends.js';
import { TOL_F32, TOL_F64, gemmVectorCheck, mulberry32, randomFill, refCount, refHistogram } from './helpers/reference.js';

const entry = path.join(path.resolve(__dirname, '..'), 'dist', 'index.js');

function checkProduct(a: { data: Float32Array | Float64Array; rows: number; cols: number }, b: typeof a, c: Float32Array | Float64Array): string[] {
  const tol = c instanceof Float32Array ? TOL_F32 : TOL_F64;
  return gemmVectorCheck(
    {
      layout: 'row-major',
      transA: false,
      transB: false,
      m: a.rows,
      n: b.cols,
      k: a.cols,
      alpha: 1,
      beta: 0,
      a: a.data,
      lda: Math.max(1, a.cols),
      b: b.data,
      ldb: Math.max(1, b.cols),
      c: new Float64Array(a.rows * b.cols),
      ldc: Math.max(1, b.cols),
    },
    c,
    tol,
  );
}

function randomMatrix(T: typeof Float32Array | typeof Float64Array, rows: number, cols: number, seed: number) {
  return { data: randomFill(new T(rows * cols), seed), rows, cols };
}

/** A mix of calls of every kind; each resolves to a list of problems (empty when correct). */
function mixedCalls(backend: Backend, count: number, seed: number, signal?: (i: number) => AbortSignal | undefined): Promise<string[]>[] {
  const rnd = mulberry32(seed);
  const calls: Promise<string[]>[] = [];
  for (let i = 0; i < count; i++) {
    const sig = signal?.(i);
    const kind = i % 4;
    if (kind === 0) {
      const T = rnd() < 0.5 ? Float32Array : Float64Array;
      const m = 1 + Math.floor(rnd() * 90);
      const k = Math.floor(rnd() * 90);
      const n = 1 + Math.floor(rnd() * 90);
      const a = randomMatrix(T, m, k, seed + i);
      const b = randomMatrix(T, k, n, seed + i + 1000);
      calls.push(ck.matmul(a, b, { backend, signal: sig }).then((r) => checkProduct(a, b, r.data)));
    } else if (kind === 1) {
      const data = new Float64Array(50_000 + Math.floor(rnd() * 50_000));
      for (let j = 0; j < data.length; j++) data[j] = rnd() * 2 - 1;
      const lo = rnd() - 1;
      const hi = rnd();
      const want = refCount(Array.from(data), lo, hi);
      calls.push(ck.countInRange(data, lo, hi, { backend, signal: sig }).then((got) => (got === want ? [] : [`count ${got} != ${want}`])));
    } else if (kind === 2) {
      const data = new Int16Array(30_000);
      for (let j = 0; j < data.length; j++) data[j] = Math.floor(rnd() * 2000) - 1000;
      const edges = [-1000, -250.5, 0, 0.5, 400, 1000];
      const want = refHistogram(Array.from(data), edges);
      calls.push(
        ck.histogram(data, edges, { backend, signal: sig }).then((got) => {
          const g = Array.from(got);
          return g.every((v, j) => v === want[j]) ? [] : [`histogram ${g} != ${want}`];
        }),
      );
    } else {
      const rows = 1 + Math.floor(rnd() * 300);
      const cols = 1 + Math.floor(rnd() * 300);
      const data = new Uint8Array(rows * cols);
      for (let j = 0; j < data.length; j++) data[j] = Math.floor(rnd() * 256);
      const want: number[] = [];
      for (let r = 0; r < rows; r++) want.push(refCount(Array.from(data.subarray(r * cols, (r + 1) * cols)), 10.5, 200));
      calls.push(
        ck.countInRangeByRow({ data, rows, cols }, 10.5, 200, { backend, signal: sig }).then((got) =>
          Array.from(got).every((v, j) => v === want[j]) ? [] : ['countInRangeByRow differs'],
        ),
      );
    }
  }
  return calls;
}

describe.each(backends())('concurrent calls on the %s backend', (backend) => {
  it('40 mixed calls in flight at once all give correct results', async () => {
    const results = await Promise.all(mixedCalls(backend, 40, 1));
    expect(results.flat()).toEqual([]);
  });

  it('racing aborts: every call either resolves correctly or rejects with AbortError', async () => {
    const rnd = mulberry32(2);
    const controllers: AbortController[] = [];
    const calls = mixedCalls(backend, 32, 3, (i) => {
      const ac = new AbortController();
      controllers[i] = ac;
      const delay = Math.floor(rnd() * 12);
      if (delay === 0) ac.abort();
      else setTimeout(() => ac.abort(), delay);
      return ac.signal;
    });
    const settled = await Promise.allSettled(calls);
    let aborted = 0;
    for (const s of settled) {
      if (s.status === 'fulfilled') expect(s.value).toEqual([]);
      else {
        expect(s.reason).toBeInstanceOf(DOMException);
        expect((s.reason as DOMException).name).toBe('AbortError');
        aborted++;
      }
    }
    expect(aborted).toBeGreaterThan(0); // at least the ones aborted before the call
    // and the backend is healthy afterwards
    expect((await Promise.all(mixedCalls(backend, 8, 4))).flat()).toEqual([]);
  });

  it('Sync twins run correctly while async work is in flight', async () => {
    const inflight = mixedCalls(backend, 12, 5);
    const a = randomMatrix(Float64Array, 120, 80, 6);
    const b = randomMatrix(Float64Array, 80, 70, 7);
    for (let i = 0; i < 3; i++) expect(checkProduct(a, b, ck.matmulSync(a, b, { backend }).data)).toEqual([]);
    const d = new Float32Array(10_000).map((_, i) => i);
    expect(ck.countInRangeSync(d, 100, 199.5, { backend })).toBe(100);
    expect((await Promise.all(inflight)).flat()).toEqual([]);
  });

  it('thread-count changes between calls do not disturb calls in flight', async () => {
    const base = ck.threads();
    try {
      ck.configure({ threads: 1 });
      const first = mixedCalls(backend, 8, 8);
      ck.configure({ threads: 3 });
      const second = mixedCalls(backend, 8, 9).concat(
        (() => {
          const a = randomMatrix(Float64Array, 150, 150, 10);
          return [ck.matmul(a, a, { backend, threads: 3 }).then((r) => checkProduct(a, a, r.data))];
        })(),
      );
      ck.configure({ threads: 2 });
      const third = mixedCalls(backend, 8, 11);
      expect((await Promise.all([...first, ...second, ...third])).flat()).toEqual([]);
    } finally {
      ck.configure({ threads: base });
    }
  });
});

describe('concurrent calls across backends', () => {
  it('all backends at once give correct results', async () => {
    const all = backends().flatMap((b, i) => mixedCalls(b, 16, 20 + i));
    expect((await Promise.all(all)).flat()).toEqual([]);
  });
});

describe('worker_threads terminated mid-call', () => {
  it('terminating a worker thread during a long call neither crashes nor hangs the process', async () => {
    // The addon is context-aware and joins its work at environment cleanup; the workers
    // backend runs inside a worker thread too. Each worker starts a long call and is terminated.
    const list = backends();
    const code = `const ck = require(${JSON.stringify(entry)});
      const { Worker } = require('node:worker_threads');
      const src = \`
        const ck = require(${JSON.stringify(entry)});
        const { parentPort, workerData } = require('node:worker_threads');
        const n = workerData.backend === 'native' ? 900 : 400;
        const a = ck.matrix(Float64Array, n, n);
        a.data.fill(1);
        parentPort.postMessage('started');
        ck.matmul(a, a, { backend: workerData.backend }).then(() => parentPort.postMessage('done'));
      \`;
      (async () => {
        const results = [];
        for (const backend of ${JSON.stringify(list)}) {
          for (let round = 0; round < 2; round++) {
            const w = new Worker(src, { eval: true, workerData: { backend } });
            await new Promise((resolve) => w.once('message', resolve));
            await new Promise((r) => setTimeout(r, 5 + round * 10));
            const exitCode = await w.terminate();
            results.push([backend, typeof exitCode]);
          }
        }
        // the main thread's own use of the package still works afterwards
        const m = ck.fromRows([[1, 2], [3, 4]]);
        const rows = [];
        for (const backend of ${JSON.stringify(list)}) rows.push(ck.toRows(await ck.matmul(m, m, { backend })));
        console.log(JSON.stringify({ results, rows }));
      })();`;
    const out = await new Promise<{ code: number | null; stdout: string; stderr: string; killed: boolean }>((resolve) => {
      execFile(process.execPath, ['-e', code], { timeout: 60000 }, (err, stdout, stderr) => {
        const e = err as (Error & { code?: number | string; killed?: boolean }) | null;
        resolve({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, stdout: String(stdout), stderr: String(stderr), killed: Boolean(e?.killed) });
      });
    });
    expect(out.killed, `timed out; stderr: ${out.stderr}`).toBe(false);
    expect(out.code, out.stderr).toBe(0);
    const j = JSON.parse(out.stdout.trim().split('\n').pop()!);
    expect(j.results).toHaveLength(list.length * 2);
    for (const r of j.rows) expect(r).toEqual([[7, 10], [15, 22]]);
  });
});
