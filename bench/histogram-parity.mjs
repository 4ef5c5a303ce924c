// Issue 12's histogram targets, measured in one run against the machine's read bandwidth:
//   1. histogram(x, 64) of 1e8 float64 within 10% of histogram(x, edges) with the same
//      explicit uniform edges (the bin-count path must reach the kernel's uniform fast path);
//      histogram(x, 64, { range }) is shown too: the default range costs a minMax pass first.
//   2. histogram(x, 64, { weights }) of 1e8 float64 (float64 weights) at >= 50% of the read
//      bandwidth, both arrays counted as read.
// Runs alternate the contenders; medians reported.
//
//   node --expose-gc bench/histogram-parity.mjs [--n=100000000] [--threads=T] [--peak=GBs] [--rounds=R]
//
// --peak=GBs   read bandwidth at T threads instead of running /tmp/ck-peers/peak (../shared/peers)
// --n=N        elements (a smoke run: --n=100000 --rounds=1 --peak=1)
// Run it alone (flock /tmp/ck-bench.lock ...): two benchmarks at once measure noise.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const ck = createRequire(import.meta.url)('../dist/index.js');
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, v]) => [k, v ?? true]));
const n = Number(args.n ?? 100_000_000);
const threads = Number(args.threads ?? ck.threads());
const rounds = Number(args.rounds ?? 7);
const PEAK = '/tmp/ck-peers/peak';
const BINS = 64;

function peakBandwidth() {
  if (args.peak) return Number(args.peak);
  const text = execFileSync(PEAK, { encoding: 'utf8' });
  const bw = new Map([...text.matchAll(/read bandwidth threads=(\d+) GB\/s=([\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]));
  if (!bw.has(threads)) throw new Error(`no read bandwidth for ${threads} threads from ${PEAK}:\n${text}`);
  return bw.get(threads);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** Alternates the contenders, one call each per round after a warm-up call; median ms of each. */
async function alternate(contenders) {
  const times = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  for (const f of Object.values(contenders)) await f();
  for (let r = 0; r < rounds; r++) {
    for (const [k, f] of Object.entries(contenders)) {
      globalThis.gc?.();
      const t0 = performance.now();
      await f();
      times[k].push(performance.now() - t0);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([k, t]) => [k, median(t)]));
}

const x = ck.shared(Float64Array, n), w = ck.shared(Float64Array, n);
let seed = 12345;
const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
for (let i = 0; i < n; i++) x[i] = rand(), w[i] = rand() * 2 - 0.5;

const peak = peakBandwidth();
const opts = { backend: 'native', threads };
const edges = Array.from(ck.histogramEdgesSync(x, BINS)); // what histogram(x, 64) uses
const range = [edges[0], edges[BINS]];
const ms = await alternate({
  binCount: () => ck.histogram(x, BINS, opts),
  binCountRange: () => ck.histogram(x, BINS, { ...opts, range }),
  edges: () => ck.histogram(x, edges, opts),
  weighted: () => ck.histogram(x, BINS, { ...opts, range, weights: w }),
});

const gbs = (bytes, t) => bytes / (t * 1e6);
const ratio1 = ms.binCount / ms.edges, ratio1r = ms.binCountRange / ms.edges;
const weightedGbs = gbs(16 * n, ms.weighted), share = weightedGbs / peak;
console.log(`n = ${n} float64, ${BINS} bins, ${threads} thread(s), read bandwidth ${peak} GB/s, medians of ${rounds} rounds`);
console.log(`histogram(x, edges)                 ${ms.edges.toFixed(2)} ms  ${gbs(8 * n, ms.edges).toFixed(1)} GB/s`);
console.log(`histogram(x, 64)                    ${ms.binCount.toFixed(2)} ms  x${ratio1.toFixed(3)} of explicit edges (target <= 1.10): ${ratio1 <= 1.1 ? 'met' : 'MISSED'}`);
console.log(`histogram(x, 64, { range })         ${ms.binCountRange.toFixed(2)} ms  x${ratio1r.toFixed(3)} of explicit edges`);
console.log(`histogram(x, 64, { range, weights }) ${ms.weighted.toFixed(2)} ms  ${weightedGbs.toFixed(1)} GB/s = ${(100 * share).toFixed(0)}% of read bandwidth (target >= 50%): ${share >= 0.5 ? 'met' : 'MISSED'}`);
