// Issue 14's "fresh results as fast as reused ones": matmulSync with a fresh result (A)
// against the same call into a reused `out` (B), for square n x n products, f64 and f32,
// one thread and the default threads. Rounds alternate A B A B in one process; medians
// are compared (target: out/fresh >= 0.95). Each side also reports its minor page faults
// per call, since fresh memory that glibc handed back to the kernel (trimmed heap top,
// munmap'd chunks) faults in again page by page: that, not the allocation call, is most of
// what a large fresh result costs. V8 frees dead results in batches after a GC, and
// glibc then trims the heap top (or unmaps the chunk), so the next result faults in fresh
// pages; running with
//   GLIBC_TUNABLES=glibc.malloc.trim_threshold=268435456:glibc.malloc.mmap_threshold=33554432
// (process-wide: this process keeps up to 256 MiB of freed heap) shows the figures without them.
//
//   flock /tmp/ck-bench.lock node bench/fresh-results.mjs [--sizes 64,128,256,512] [--dtypes f64,f32]
//        [--threads 1,N] [--rounds 7] [--ms 60] [--turn]
//
// --turn yields to the event loop between calls (a server's request loop, not a tight
// loop): what GC finalizers and setImmediate callbacks need to run.
import { createRequire } from 'node:module';
import { cpus } from 'node:os';

const ck = createRequire(import.meta.url)('../dist/index.js');

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const list = (s) => s.split(',').filter(Boolean);
const SIZES = list(opt('sizes', '64,128,256,512')).map(Number);
const DTYPES = list(opt('dtypes', 'f64,f32'));
const THREADS = [...new Set(list(opt('threads', `1,${ck.threads()}`)).map(Number))];
const ROUNDS = Number(opt('rounds', 7));
const ROUND_MS = Number(opt('ms', 60));
const TURN = args.includes('--turn');

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const yieldToLoop = () => new Promise((resolve) => setImmediate(resolve));

/** Microseconds and minor page faults per call, over `reps` calls. */
async function round(fn, reps) {
  const r0 = process.resourceUsage();
  let ns = 0n;
  for (let r = 0; r < reps; r++) {
    const t0 = process.hrtime.bigint();
    fn();
    ns += process.hrtime.bigint() - t0;
    if (TURN) await yieldToLoop();
  }
  const r1 = process.resourceUsage();
  return { us: Number(ns) / 1e3 / reps, faults: (r1.minorPageFault - r0.minorPageFault) / reps };
}

console.log(`# matmulSync fresh result (A) vs reused out (B), ${ROUNDS} rounds A B A B, medians${TURN ? ', event loop turned between calls' : ''}`);
console.log(`# ${cpus()[0]?.model ?? 'unknown CPU'}, node ${process.version}, ${ck.info().native.loaded ? 'native addon' : 'no addon'}, threads() = ${ck.threads()}`);
console.log('dtype threads     n   fresh_us     out_us  out/fresh  faults/call fresh  out');
for (const threads of THREADS) {
  for (const dtype of DTYPES) {
    const T = dtype === 'f32' ? Float32Array : Float64Array;
    for (const n of SIZES) {
      const a = { data: T.from({ length: n * n }, (_, i) => ((i * 7) % 13) - 6), rows: n, cols: n };
      const b = { data: T.from({ length: n * n }, (_, i) => ((i * 5) % 11) - 5), rows: n, cols: n };
      const out = new T(n * n);
      const opts = { threads, backend: ck.info().native.loaded ? 'native' : 'auto' };
      const fresh = () => ck.matmulSync(a, b, opts);
      const reused = () => ck.matmulSync(a, b, { ...opts, out });
      // Calibrate reps so a round lasts about ROUND_MS.
      const probe = await round(reused, 3);
      const reps = Math.max(3, Math.round((ROUND_MS * 1000) / Math.max(probe.us, 1)));
      await round(fresh, reps); // warm both sides
      await round(reused, reps);
      const A = [], B = [];
      for (let r = 0; r < ROUNDS; r++) {
        A.push(await round(fresh, reps));
        B.push(await round(reused, reps));
      }
      const fa = median(A.map((x) => x.us)), fb = median(B.map((x) => x.us));
      const pa = median(A.map((x) => x.faults)), pb = median(B.map((x) => x.faults));
      console.log(`${dtype.padEnd(5)} ${String(threads).padStart(7)} ${String(n).padStart(5)} ${fa.toFixed(1).padStart(10)} ${fb.toFixed(1).padStart(10)} ${(fb / fa).toFixed(3).padStart(10)} ${pa.toFixed(1).padStart(18)} ${pb.toFixed(1).padStart(4)}`);
    }
  }
}
