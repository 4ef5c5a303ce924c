// The libuv threadpool and the event loop stay free while kernels run (issue 5).
//
// Native kernels queue on the addon's own runner thread, never on libuv's pool: with 32
// large native matmuls in flight, fs, dns and crypto (the pool's users) still settle in
// milliseconds. And the event loop keeps turning: its delay, sampled every millisecond by
// perf_hooks.monitorEventLoopDelay, has a p99 under 20 ms while native, workers and js
// async calls run (the js backend slices its work and yields between slices).
//
// Extends runtime.test.ts (8 queued kernels vs one readFile; the longest gap of a 2 ms
// interval during one matmul) with the figures: 32 kernels, three libuv users,
// latency bounds, and the p99 of the loop's delay under a mixed load on each backend.
import { describe, expect, it } from 'vitest';
import * as crypto from 'node:crypto';
import * as dns from 'node:dns';
import { readFile } from 'node:fs/promises';
import { UNDER_SANITIZER } from './helpers/child.js';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as ck from '../dist/index.js';
import { backends, nativeLoaded, type Backend } from './helpers/backends.js';
import { TOL_F64, gemmVectorCheck, randomFill } from './helpers/reference.js';

const root = path.resolve(__dirname, '..');
const smallFile = path.join(root, 'package.json');

/** Issue 5: fs.promises.readFile of a small file settles in under 50 ms. */
const READFILE_LIMIT_MS = 50;
/** dns.lookup('localhost') and a 1000-iteration pbkdf2 take ~1 ms unloaded; a starved pool would make them wait seconds. */
const OTHER_LIBUV_LIMIT_MS = 100;
/**
 * Issue 5: event-loop delay p99 under 20 ms while kernels run, in every release-build run.
 * Under a sanitizer runtime (test/sanitizers/run.sh preloads it) every allocation of V8 goes
 * through its interposed allocator and the same slices run longer (js p99 24 ms seen once
 * under ASan): there the bound still catches a starved loop, not a few ms of latency.
 */
const P99_LIMIT_MS = UNDER_SANITIZER ? 40 : 20;

function squareCheck(a: Float64Array, n: number, c: Float64Array): string[] {
  return gemmVectorCheck(
    { layout: 'row-major', transA: false, transB: false, m: n, n, k: n, alpha: 1, beta: 0, a, lda: n, b: a, ldb: n, c: new Float64Array(n * n), ldc: n },
    c,
    TOL_F64,
  );
}

/** Times a promise-returning operation, in ms from its start to its settlement. */
async function timed<T>(op: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await op();
  return { ms: performance.now() - t0, value };
}

const lookup = (host: string) =>
  new Promise<string>((resolve, reject) => dns.lookup(host, (err, address) => (err ? reject(err) : resolve(address))));
const pbkdf2 = () =>
  new Promise<Buffer>((resolve, reject) =>
    crypto.pbkdf2('secret', 'salt', 1000, 32, 'sha256', (err, key) => (err ? reject(err) : resolve(key))),
  );

describe.skipIf(!nativeLoaded())('the libuv threadpool stays free while 32 large native matmuls are in flight', () => {
  it('fs.promises.readFile settles in < 50 ms, dns.lookup and crypto.pbkdf2 in < 100 ms, while 32 1000x1000 f64 matmuls are in flight', async () => {
    // 1000x1000 rather than 600x600: long enough per kernel that, were kernels parked on
    // libuv's 4 threads, fs would wait behind them even with a fast (BLIS-class) GEMM.
    const n = 1000;
    const kernels = 32;
    const a = randomFill(new Float64Array(n * n), 501);
    const m = { data: a, rows: n, cols: n };
    // Warm the libuv users once (first dns.lookup / pbkdf2 / readFile load code and caches).
    await Promise.all([readFile(smallFile), lookup('localhost'), pbkdf2()]);

    let settled = 0;
    const controllers = Array.from({ length: kernels }, () => new AbortController());
    const calls = controllers.map((ac) =>
      ck.matmul(m, m, { backend: 'native', signal: ac.signal }).then(
        (r) => {
          settled++;
          return r;
        },
        (e: unknown) => {
          settled++;
          throw e;
        },
      ),
    );
    // Give the runner time to start the first kernel: the pool is now busy.
    await new Promise((r) => setTimeout(r, 50));

    // Rounds of every libuv user at once (more requests than libuv's 4 threads). Round 0 is
    // a warm-up, reported but not judged: it absorbs the main thread's own pause for the GC
    // that 32 fresh 8 MB results provoke. Starvation would slow every round (each would wait
    // for a kernel to free a libuv thread, hundreds of ms), so the median of the judged
    // rounds must be under 50 ms and none may take 250 ms.
    const rounds: { readFile: number; dns: number; pbkdf2: number; pendingKernels: number }[] = [];
    for (let round = 0; round < 6; round++) {
      const [f1, f2, f3, d, c1, c2] = await Promise.all([
        timed(() => readFile(smallFile)),
        timed(() => readFile(smallFile, 'utf8')),
        timed(() => readFile(smallFile)),
        timed(() => lookup('localhost')),
        timed(() => pbkdf2()),
        timed(() => pbkdf2()),
      ]);
      expect(f1.value.length).toBeGreaterThan(0);
      expect(typeof d.value).toBe('string');
      expect(c1.value.equals(c2.value)).toBe(true);
      rounds.push({
        readFile: Math.max(f1.ms, f2.ms, f3.ms),
        dns: d.ms,
        pbkdf2: Math.max(c1.ms, c2.ms),
        pendingKernels: kernels - settled,
      });
    }
    const judged = rounds.slice(1);
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
    const stat = (key: 'readFile' | 'dns' | 'pbkdf2') => ({
      median: median(judged.map((r) => r[key])),
      worst: Math.max(...judged.map((r) => r[key])),
    });
    const fsMs = stat('readFile'), dnsMs = stat('dns'), cryptoMs = stat('pbkdf2');
    const pendingAtEnd = kernels - settled;
    const all = JSON.stringify(rounds.map((r) => ({ ...r, readFile: +r.readFile.toFixed(1), dns: +r.dns.toFixed(1), pbkdf2: +r.pbkdf2.toFixed(1) })));
    console.log(
      `[figure] libuv latency with ${kernels} native ${n}x${n} matmuls in flight (median / worst of ${judged.length} rounds): ` +
        `readFile ${fsMs.median.toFixed(1)} / ${fsMs.worst.toFixed(1)} ms, dns.lookup ${dnsMs.median.toFixed(1)} / ${dnsMs.worst.toFixed(1)} ms, ` +
        `pbkdf2 ${cryptoMs.median.toFixed(1)} / ${cryptoMs.worst.toFixed(1)} ms; warm-up round readFile ${rounds[0].readFile.toFixed(1)} ms ` +
        `(kernels still pending: ${pendingAtEnd}/${kernels})`,
    );

    // The measurement means something only if the kernels were still in flight throughout.
    expect(pendingAtEnd, `kernels still pending after the measurements: ${all}`).toBeGreaterThanOrEqual(kernels / 2);
    expect(fsMs.median, `readFile ms per round: ${all}`).toBeLessThan(READFILE_LIMIT_MS);
    expect(dnsMs.median, `dns.lookup ms per round: ${all}`).toBeLessThan(OTHER_LIBUV_LIMIT_MS);
    expect(cryptoMs.median, `pbkdf2 ms per round: ${all}`).toBeLessThan(OTHER_LIBUV_LIMIT_MS);
    for (const s of [fsMs, dnsMs, cryptoMs]) expect(s.worst, `no round may wait for a kernel: ${all}`).toBeLessThan(250);

    // The rest are not needed: abort them (and check every call settles: correct or AbortError).
    for (const ac of controllers) ac.abort();
    const results = await Promise.allSettled(calls);
    let done = 0;
    for (const r of results) {
      if (r.status === 'fulfilled') {
        done++;
        if (done <= 3) expect(squareCheck(a, n, r.value.data as Float64Array)).toEqual([]);
      } else {
        expect(r.reason).toBeInstanceOf(DOMException);
        expect((r.reason as DOMException).name).toBe('AbortError');
      }
    }
  });
});

/** Sizes that keep each backend busy for a second or so on a 2-core machine. */
function loadFor(backend: Backend): { matmulN: number; matmuls: number; countLen: number } {
  // native: 8 x 1500³ is ~54 GFLOP, a third of a second even for AVX-512 on both cores.
  if (backend === 'native') return { matmulN: 1500, matmuls: 8, countLen: 1 << 23 };
  if (backend === 'workers') return { matmulN: 480, matmuls: 6, countLen: 1 << 22 };
  // wasm: ~12 GFLOP/s of f64 a thread; 6 x 800³ (6 GFLOP) is a quarter second even on both cores.
  if (backend === 'wasm') return { matmulN: 800, matmuls: 6, countLen: 1 << 23 };
  return { matmulN: 500, matmuls: 4, countLen: 1 << 23 };
}

describe.each(backends())('event-loop delay while %s kernels run', (backend: Backend) => {
  it('monitorEventLoopDelay p99 stays under 20 ms while matmuls, counts and histograms run', async () => {
    const { matmulN: n, matmuls, countLen } = loadFor(backend);
    const a = randomFill(new Float64Array(n * n), 502);
    const m = { data: a, rows: n, cols: n };
    const data = randomFill(new Float64Array(countLen), 503);
    const ints = new Int32Array(countLen).map((_, i) => (i * 7919) % 1000);
    // Warm up: workers spawn, code is compiled, before the measurement starts.
    await ck.matmul(ck.fromRows([[1]]), ck.fromRows([[1]]), { backend });
    await ck.countInRange(new Float64Array(1 << 17), 0, 1, { backend });

    const h = monitorEventLoopDelay({ resolution: 1 });
    h.enable();
    const t0 = performance.now();
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < matmuls; i++) calls.push(ck.matmul(m, m, { backend }));
    calls.push(ck.countInRange(data, -0.5, 0.5, { backend }));
    calls.push(ck.histogram(ints, [0, 100, 500, 999], { backend }));
    calls.push(ck.countInRangeByRow({ data: ints, rows: countLen / 64, cols: 64 }, 10, 900, { backend }));
    const results = await Promise.all(calls);
    const wall = performance.now() - t0;
    h.disable();
    const p99 = h.percentile(99) / 1e6;
    const max = h.max / 1e6;
    console.log(
      `[figure] event-loop delay on ${backend}: p99 ${p99.toFixed(1)} ms, max ${max.toFixed(1)} ms, ` +
        `mean ${(h.mean / 1e6).toFixed(2)} ms over ${wall.toFixed(0)} ms of kernels (${h.count} samples)`,
    );
    // The load must really have run for a while, or the percentile says nothing.
    expect(wall, 'time the kernels ran (ms)').toBeGreaterThan(200);
    expect(h.count, 'delay samples taken while the kernels ran').toBeGreaterThan(4);
    expect(p99, `p99 of the event-loop delay (ms); max ${max.toFixed(1)} ms over ${wall.toFixed(0)} ms`).toBeLessThan(P99_LIMIT_MS);
    // and the work was right
    for (let i = 0; i < matmuls; i += Math.max(1, matmuls - 1)) {
      expect(squareCheck(a, n, (results[i] as ck.Matrix<Float64Array>).data)).toEqual([]);
    }
    let want = 0;
    for (let i = 0; i < data.length; i++) if (data[i] >= -0.5 && data[i] <= 0.5) want++;
    expect(results[matmuls]).toBe(want);
  });
});
