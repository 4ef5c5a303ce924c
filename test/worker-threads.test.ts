// The addon in worker_threads (issue 5): it loads in 4 workers at once and each runs every
// kernel correctly; workers terminated in the middle of a long native call leave the main
// thread working; the process exits cleanly (code 0, no signal, within a few seconds of its
// last output). Each scenario runs in its own child process.
//
// runtime.test.ts loads the addon in 2 workers for one matmul; concurrency.test.ts
// terminates one worker at a time. Here: 4 at once, every kernel and element type (async and
// Sync), and 4 terminated together while the main thread has a native call in flight.
import { describe, expect, it } from 'vitest';
import { nativeLoaded } from './helpers/backends.js';
import { lastJson, runScript, expectExit } from './helpers/child.js';

/** After its last line of output a child must be gone within this (ms). */
const EXIT_AFTER_WORK_MS = 3000;

// Plain-JS references for the worker script (it cannot import the TS helpers).
const REFERENCE_JS = String.raw`
const mulberry = (seed) => () => { seed = (seed + 0x6d2b79f5) >>> 0; let t = seed; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
function refGemm(layout, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) {
  const at = (ld, r, col) => (layout === 'row-major' ? r * ld + col : r + col * ld);
  const out = Float64Array.from(c);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let p = 0; p < k; p++) s += (transA ? a[at(lda, p, i)] : a[at(lda, i, p)]) * (transB ? b[at(ldb, j, p)] : b[at(ldb, p, j)]);
    out[at(ldc, i, j)] = alpha * s + (beta === 0 ? 0 : beta * c[at(ldc, i, j)]);
  }
  return out;
}
function close(got, want, tol) {
  for (let i = 0; i < want.length; i++) if (!(Math.abs(got[i] - want[i]) <= tol * (1 + Math.abs(want[i])))) return 'element ' + i + ': ' + got[i] + ' vs ' + want[i];
  return got.length === want.length ? null : 'length ' + got.length + ' vs ' + want.length;
}
const KINDS = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array];
`;

// Runs every kernel (async and Sync) on the native and js backends and lists what is wrong.
const EVERY_KERNEL_JS = String.raw`
async function everyKernel(ck, seed) {
  const rnd = mulberry(seed);
  const problems = [];
  let calls = 0;
  const note = (what, err) => { if (err) problems.push(what + ': ' + err); };
  for (const backend of ['native', 'js']) {
    for (const T of [Float32Array, Float64Array]) {
      const tol = T === Float32Array ? 1e-4 : 1e-10;
      const m = 37, k = 23, n = 41;
      const a = { data: T.from({ length: m * k }, () => rnd() * 2 - 1), rows: m, cols: k };
      const b = { data: T.from({ length: k * n }, () => rnd() * 2 - 1), rows: k, cols: n };
      const want = refGemm('row-major', false, false, m, n, k, 1, a.data, k, b.data, n, 0, new Float64Array(m * n), n);
      const r1 = await ck.matmul(a, b, { backend }); calls++;
      note(backend + ' matmul ' + T.name, close(r1.data, want, tol));
      const r2 = ck.matmulSync(a, b, { backend }); calls++;
      note(backend + ' matmulSync ' + T.name, close(r2.data, want, tol));
      // gemm: col-major, both transposed, alpha and beta, padded leading dimensions
      const lda = k + 2, ldb = n + 1, ldc = m + 3;
      const ga = T.from({ length: lda * m }, () => rnd() * 2 - 1);
      const gb = T.from({ length: ldb * k }, () => rnd() * 2 - 1);
      const gc = T.from({ length: ldc * n }, () => rnd() * 2 - 1);
      const wantC = refGemm('col-major', true, true, m, n, k, 0.5, ga, lda, gb, ldb, -1.5, gc, ldc);
      const c1 = T.from(gc), c2 = T.from(gc);
      await ck.gemm({ layout: 'col-major', transA: true, transB: true, m, n, k, alpha: 0.5, beta: -1.5, a: ga, lda, b: gb, ldb, c: c1, ldc }, { backend }); calls++;
      note(backend + ' gemm ' + T.name, close(c1, wantC, tol));
      ck.gemmSync({ layout: 'col-major', transA: true, transB: true, m, n, k, alpha: 0.5, beta: -1.5, a: ga, lda, b: gb, ldb, c: c2, ldc }, { backend }); calls++;
      note(backend + ' gemmSync ' + T.name, close(c2, wantC, tol));
    }
    for (const K of KINDS) {
      const big = K === BigInt64Array || K === BigUint64Array;
      const signed = !/Uint/.test(K.name);
      const len = 30011;
      const vals = Array.from({ length: len }, () => Math.floor(rnd() * 100) - (signed ? 50 : 0));
      const data = big ? K.from(vals.map(BigInt)) : K.from(vals);
      const lo = 3.5, hi = 40; // fractional bound: exact comparison means 4..40 on integer arrays
      const want = vals.filter((x) => x >= lo && x <= hi).length;
      const got = await ck.countInRange(data, lo, hi, { backend }); calls++;
      if (got !== want) problems.push(backend + ' countInRange ' + K.name + ': ' + got + ' vs ' + want);
      const gotS = ck.countInRangeSync(data, lo, hi, { backend, inclusive: 'both' }); calls++;
      if (gotS !== want) problems.push(backend + ' countInRangeSync ' + K.name + ': ' + gotS + ' vs ' + want);
      const rows = 300, cols = 100;
      const perRow = await ck.countInRangeByRow({ data, rows, cols }, lo, hi, { backend }); calls++;
      const perRowS = ck.countInRangeByRowSync({ data, rows, cols }, lo, hi, { backend }); calls++;
      for (let r = 0; r < rows; r++) {
        const w = vals.slice(r * cols, (r + 1) * cols).filter((x) => x >= lo && x <= hi).length;
        if (perRow[r] !== w || perRowS[r] !== w) { problems.push(backend + ' countInRangeByRow ' + K.name + ' row ' + r + ': ' + perRow[r] + '/' + perRowS[r] + ' vs ' + w); break; }
      }
      const edges = [-10, 0.5, 10, 25.5, 49];
      const wantH = [0, 0, 0, 0];
      for (const x of vals) {
        if (x < edges[0] || x > edges[4]) continue;
        let i = 0; while (i < 3 && x >= edges[i + 1]) i++;
        wantH[i]++;
      }
      const h = await ck.histogram(data, edges, { backend }); calls++;
      const hS = ck.histogramSync(data, edges, { backend }); calls++;
      if (String(Array.from(h)) !== String(wantH) || String(Array.from(hS)) !== String(wantH))
        problems.push(backend + ' histogram ' + K.name + ': ' + Array.from(h) + ' / ' + Array.from(hS) + ' vs ' + wantH);
    }
  }
  return { problems, calls };
}
`;

function workerSource(body: string): string {
  // A CommonJS worker script (eval: true) with the references; P is the package entry.
  return `const ck = require(P);\nconst { parentPort, workerData } = require('node:worker_threads');\n${REFERENCE_JS}\n${EVERY_KERNEL_JS}\n${body}`;
}

describe.skipIf(!nativeLoaded())('the addon in worker_threads', () => {
  it('loads in 4 worker_threads at once; each runs every kernel correctly (async and Sync, every element type) alongside the main thread; the process exits with code 0', async () => {
    const worker = workerSource(`
      (async () => {
        const r = await everyKernel(ck, workerData.seed);
        parentPort.postMessage({ loaded: ck.info().native.loaded, error: ck.info().native.error, ...r });
      })().catch((e) => parentPort.postMessage({ loaded: false, problems: ['threw: ' + (e && e.stack || e)], calls: 0 }));`);
    const code = `
      ${REFERENCE_JS}
      ${EVERY_KERNEL_JS}
      const ck = require(P);
      const { Worker } = require('node:worker_threads');
      const workerCode = 'const P = ' + JSON.stringify(P) + ';\\n' + ${JSON.stringify(worker)};
      (async () => {
        const t0 = performance.now();
        const workers = [1, 2, 3, 4].map((seed) => new Worker(workerCode, { eval: true, workerData: { seed } }));
        const exits = workers.map((w) => new Promise((resolve) => w.once('exit', resolve)));
        const replies = workers.map((w) => new Promise((resolve, reject) => { w.once('message', resolve); w.once('error', reject); }));
        const main = await everyKernel(ck, 99); // the main thread at the same time
        const results = await Promise.all(replies);
        const exitCodes = await Promise.all(exits);
        console.log(JSON.stringify({ main, results, exitCodes, ms: performance.now() - t0 }));
      })().catch((e) => { console.error(e); process.exitCode = 3; });`;
    const r = await runScript(code, { timeoutMs: 60000 });
    expectExit(r);
    const j = lastJson(r);
    expect(j.main.problems).toEqual([]);
    expect(j.results).toHaveLength(4);
    for (const w of j.results) {
      expect(w.loaded, `native.error in a worker: ${w.error}`).toBe(true);
      expect(w.problems).toEqual([]);
      expect(w.calls).toBe(j.main.calls);
    }
    expect(j.exitCodes).toEqual([0, 0, 0, 0]);
    const lastLine = r.lines[r.lines.length - 1];
    console.log(`[figure] 4 workers x ${j.main.calls} calls in ${j.ms.toFixed(0)} ms; process gone ${(r.wallMs - lastLine.at).toFixed(0)} ms after its report`);
    expect(r.wallMs - lastLine.at, 'ms from the report to process exit').toBeLessThan(EXIT_AFTER_WORK_MS);
  });

  it('4 workers terminated together in the middle of long native calls leave the main thread working (its in-flight and later calls are correct); the process exits with code 0', async () => {
    const worker = `
      const ck = require(P);
      const { parentPort } = require('node:worker_threads');
      // 3000³ (54 GFLOP) outlasts the terminations below even for AVX-512 on both cores.
      const n = 3000;
      const a = ck.matrix(Float64Array, n, n);
      a.data.fill(1);
      // Two long calls: one running, one queued behind it on the addon's runner.
      ck.matmul(a, a, { backend: 'native' }).then(() => parentPort.postMessage('done'));
      ck.countInRange(new Float64Array(1 << 24), 0, 1, { backend: 'native' });
      setTimeout(() => parentPort.postMessage('started'), 30);`;
    const code = `
      ${REFERENCE_JS}
      const ck = require(P);
      const { Worker } = require('node:worker_threads');
      const workerCode = 'const P = ' + JSON.stringify(P) + ';\\n' + ${JSON.stringify(worker)};
      (async () => {
        const rnd = mulberry(7);
        const m = 300, x = { data: Float64Array.from({ length: m * m }, () => rnd() * 2 - 1), rows: m, cols: m };
        const want = refGemm('row-major', false, false, m, m, m, 1, x.data, m, x.data, m, 0, new Float64Array(m * m), m);
        const rounds = [];
        for (let round = 0; round < 3; round++) {
          const workers = [0, 1, 2, 3].map(() => new Worker(workerCode, { eval: true }));
          const messages = workers.map((w) => new Promise((resolve) => w.once('message', resolve)));
          const first = await Promise.all(messages);
          // The main thread's own call is in flight (queued behind the workers' kernels) as they go.
          const inflight = ck.matmul(x, x, { backend: 'native' });
          await new Promise((r) => setTimeout(r, 10 + 20 * round));
          const t0 = performance.now();
          const codes = await Promise.all(workers.map((w) => w.terminate()));
          const terminateMs = performance.now() - t0;
          const r1 = await inflight;
          const r2 = await ck.matmul(x, x, { backend: 'native' });
          const r3 = ck.matmulSync(x, x, { backend: 'native' });
          const count = await ck.countInRange(new Float64Array([1, 2, 3, 4]), 1.5, 3, { backend: 'native' });
          rounds.push({ first, codes, terminateMs, inflight: close(r1.data, want, 1e-10), after: close(r2.data, want, 1e-10), sync: close(r3.data, want, 1e-10), count });
        }
        console.log(JSON.stringify({ rounds }));
      })().catch((e) => { console.error(e); process.exitCode = 3; });`;
    const r = await runScript(code, { timeoutMs: 60000 });
    expectExit(r);
    const j = lastJson(r);
    expect(j.rounds).toHaveLength(3);
    for (const round of j.rounds) {
      expect(round.first, 'workers were terminated mid-call, not after their calls ended').toEqual(['started', 'started', 'started', 'started']);
      expect(round.inflight, 'the main thread call in flight during the terminations').toBeNull();
      expect(round.after, 'a main thread call after the terminations').toBeNull();
      expect(round.sync).toBeNull();
      expect(round.count).toBe(2);
      for (const c of round.codes) expect(typeof c).toBe('number');
    }
    const lastLine = r.lines[r.lines.length - 1];
    const terminateMs = j.rounds.map((x: any) => Math.round(x.terminateMs));
    console.log(`[figure] terminating 4 workers mid-call took ${terminateMs.join(', ')} ms; process gone ${(r.wallMs - lastLine.at).toFixed(0)} ms after its report`);
    expect(r.wallMs - lastLine.at, 'ms from the report to process exit').toBeLessThan(EXIT_AFTER_WORK_MS);
  });
});
