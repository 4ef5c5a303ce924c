// Issue 12's minMax target: minMax of 1 GiB of float64 at >= 85% of the machine's read
// bandwidth (peak.c from ../shared/peers, measured in the same run before the calls), on
// 1 and 2 threads; medians of rounds that alternate the thread counts.
//
//   node --expose-gc bench/minmax.mjs [--n=134217728] [--rounds=R] [--peak=GBs1,GBs2]
//
// Run it alone (flock /tmp/ck-bench.lock ...): two benchmarks at once measure noise.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const ck = createRequire(import.meta.url)('../dist/index.js');
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, v]) => [k, v ?? true]));
const n = Number(args.n ?? 2 ** 27);
const rounds = Number(args.rounds ?? 9);
const counts = [...new Set([1, ck.threads()])];

function bandwidth() {
  if (args.peak) return new Map(String(args.peak).split(',').map((g, i) => [i + 1, Number(g)]));
  const text = execFileSync('/tmp/ck-peers/peak', { encoding: 'utf8' });
  return new Map([...text.matchAll(/read bandwidth threads=(\d+) GB\/s=([\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]));
}

const x = ck.shared(Float64Array, n);
let seed = 99;
for (let i = 0; i < n; i++) x[i] = ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
const bw = bandwidth();
const times = new Map(counts.map((t) => [t, []]));
for (const t of counts) ck.minMaxSync(x, { backend: 'native', threads: t });
for (let r = 0; r < rounds; r++)
  for (const t of counts) {
    globalThis.gc?.();
    const t0 = performance.now();
    await ck.minMax(x, { backend: 'native', threads: t });
    times.get(t).push(performance.now() - t0);
  }
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(`minMax of ${(8 * n / 2 ** 30).toFixed(2)} GiB float64, medians of ${rounds} rounds (${ck.info().native.isa})`);
for (const t of counts) {
  const ms = median(times.get(t)), gbs = (8 * n) / (ms * 1e6), share = gbs / bw.get(t);
  console.log(`threads=${t}: ${ms.toFixed(1)} ms, ${gbs.toFixed(1)} GB/s = ${(100 * share).toFixed(0)}% of read bandwidth ${bw.get(t)} GB/s (target >= 85%): ${share >= 0.85 ? 'met' : 'MISSED'}`);
}
