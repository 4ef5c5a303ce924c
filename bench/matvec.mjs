// matvec's read bandwidth against the machine's, in one run: y = A·x and y = Aᵀ·x on an n×n
// matrix (issue 12's target: f64 8192 x 8192, 512 MiB, 2 threads >= 85% of peak.c's read
// bandwidth at 2 threads). A is read once per call, so GB/s = n²·elementSize / time. peak.c
// runs before and after the calls and the higher of its two figures is the ceiling.
//
//   node --expose-gc bench/matvec.mjs [--n=8192] [--dtype=f64,f32,f16] [--backends=native] [--reps=9] [--peak=R1,R2]
//
// f16: Float16Array (Node 24+), read as halves and widened in registers: 2 bytes an element.
// --peak=R1,R2  read bandwidth (GB/s) at 1, 2, ... threads instead of running /tmp/ck-peers/peak
//               (built by ../shared/peers/setup.sh)
// Run it alone (flock /tmp/ck-bench.lock ...): two benchmarks at once measure noise.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const ck = createRequire(import.meta.url)('../dist/index.js');
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, v]) => [k, v ?? true]));
const n = Number(args.n ?? 8192);
const reps = Number(args.reps ?? 9);
const dtypes = String(args.dtype ?? 'f64').split(',');
const backends = String(args.backends ?? 'native').split(',');
const PEAK = '/tmp/ck-peers/peak';
const TARGET = 0.85;

function peakBandwidth() {
  if (args.peak) return String(args.peak).split(',').map(Number);
  const text = execFileSync(PEAK, { encoding: 'utf8' });
  const bw = [...text.matchAll(/read bandwidth threads=(\d+) GB\/s=([\d.]+)/g)].map((m) => Number(m[2]));
  if (bw.length === 0) throw new Error(`could not read the bandwidth from ${PEAK}:\n${text}`);
  return bw;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** Deterministic values in [-1, 1) (mulberry32), so every run times the same data. */
function fill(x, seed) {
  let s = seed >>> 0;
  for (let i = 0; i < x.length; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    x[i] = 2 * (((t ^ (t >>> 14)) >>> 0) / 4294967296) - 1;
  }
}

async function main() {
  const threads = ck.threads();
  console.error(`corekernels ${ck.info().version}, native ${ck.info().native.loaded ? ck.info().native.isa : 'not loaded'}, ${threads} threads`);
  const before = peakBandwidth();
  const rows = [];
  for (const dtype of dtypes) {
    const T = { f64: Float64Array, f32: Float32Array, f16: globalThis.Float16Array }[dtype];
    if (T === undefined) throw new Error(`--dtype: ${dtype} is not f64, f32 or f16 (f16 needs Node 24 or later, this is ${process.version})`);
    const a = ck.matrix(T, n, n, { shared: true }), x = ck.shared(T, n), out = ck.shared(T, n);
    fill(a.data, 1);
    fill(x, 2);
    const bytes = n * n * T.BYTES_PER_ELEMENT;
    for (const backend of backends)
      for (const transpose of [false, true])
        for (let t = 1; t <= threads; t++) {
          const opts = { backend, threads: t, transpose, out };
          await ck.matvec(a, x, opts); // warm: pages touched, pool started
          const ms = [];
          for (let r = 0; r < reps; r++) {
            globalThis.gc?.();
            const t0 = performance.now();
            await ck.matvec(a, x, opts);
            ms.push(performance.now() - t0);
          }
          const gbs = bytes / (median(ms) * 1e6);
          rows.push({ dtype, backend, op: transpose ? 'Aᵀ·x' : 'A·x', threads: t, ms: median(ms), gbs });
          console.error(`  ${dtype} ${n}x${n} ${backend} ${transpose ? 'Aᵀ·x' : 'A·x'} threads=${t}: ${median(ms).toFixed(2)} ms, ${gbs.toFixed(1)} GB/s`);
        }
  }
  const after = args.peak ? before : peakBandwidth();
  const peak = before.map((b, i) => Math.max(b, after[i] ?? 0));
  console.log(`read bandwidth (peak.c, best of before/after): ${peak.map((b, i) => `${i + 1} thread${i ? 's' : ''} ${b} GB/s`).join(', ')}`);
  console.log(`\n| dtype | n | backend | op | threads | ms | GB/s | of peak |\n| --- | --- | --- | --- | --- | --- | --- | --- |`);
  for (const r of rows) {
    const ceil = peak[r.threads - 1] ?? peak.at(-1);
    console.log(`| ${r.dtype} | ${n} | ${r.backend} | ${r.op} | ${r.threads} | ${r.ms.toFixed(2)} | ${r.gbs.toFixed(1)} | ${((100 * r.gbs) / ceil).toFixed(0)}% |`);
  }
  const target = rows.filter((r) => r.dtype === 'f64' && r.backend === 'native' && r.threads === 2);
  if (n === 8192 && target.length > 0)
    for (const r of target) {
      const ratio = r.gbs / peak[1];
      console.log(`target f64 8192x8192 ${r.op}, 2 threads >= ${TARGET * 100}% of read bandwidth: ${(ratio * 100).toFixed(0)}% ${ratio >= TARGET ? 'met' : 'MISSED'}`);
    }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
