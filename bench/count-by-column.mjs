// countInRangeByColumn against issue 12's target: a float64 table of 8e6 rows x 16 columns,
// counted per column on 2 threads, at >= 85% of the machine's read bandwidth (peak.c, same
// sitting). Also times countInRange over the same bytes (the same pass without the per-column
// split), the same call with an all-set validity bitmap, and numpy's
// count_nonzero(..., axis=0) for reference. Medians of alternating rounds.
//
//   node --expose-gc bench/count-by-column.mjs [--rows=8000000] [--cols=16] [--rounds=7] [--peak=R1,R2] [--no-numpy]
//
// --peak=R1,R2  read bandwidth (GB/s) at 1 and 2 threads instead of running /tmp/ck-peers/peak
// --rows, --cols  a smaller table for a smoke run (--rows=1000 --rounds=1 --peak=1,1 --no-numpy)
// Run it alone (flock /tmp/ck-bench.lock ...): two benchmarks at once measure noise.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const ck = createRequire(import.meta.url)('../dist/index.js');
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, v]) => [k, v ?? true]));
const ROWS = Number(args.rows ?? 8_000_000), COLS = Number(args.cols ?? 16), ROUNDS = Number(args.rounds ?? 7);
const PEAK = '/tmp/ck-peers/peak';
const PYTHON = '/usr/bin/python3';

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };

function peakBandwidth() {
  if (args.peak) return String(args.peak).split(',').map(Number);
  const text = execFileSync(PEAK, { encoding: 'utf8' });
  const bw = [...text.matchAll(/read bandwidth threads=(\d+) GB\/s=([\d.]+)/g)].map((m) => Number(m[2]));
  if (bw.length < 2) throw new Error(`could not read the bandwidth from ${PEAK}:\n${text}`);
  return bw;
}

/** numpy's per-column count on the same shape (its own random table), ms per call, median of `rounds`. */
function numpyMs() {
  const py = `import numpy as np, time
m = np.random.default_rng(1).random((${ROWS}, ${COLS}))
t = []
for _ in range(${ROUNDS}):
    t0 = time.perf_counter(); np.count_nonzero((m >= 0.25) & (m <= 0.75), axis=0); t.append(time.perf_counter() - t0)
t.sort(); print(t[len(t) // 2] * 1e3)`;
  return Number(execFileSync(PYTHON, ['-c', py], { encoding: 'utf8' }));
}

const n = ROWS * COLS, bytes = n * 8;
const data = ck.shared(Float64Array, n);
let s = 1;
for (let i = 0; i < n; i++) { s = (s * 1103515245 + 12345) >>> 0; data[i] = s / 2 ** 32; }
const valid = new Uint8Array(Math.ceil(n / 8)).fill(0xff);
const out = ck.shared(Uint32Array, COLS);
const m = { data, rows: ROWS, cols: COLS };
const peak = peakBandwidth();
console.error(`${ROWS}x${COLS} float64 (${(bytes / 2 ** 20).toFixed(0)} MiB), ${ck.info().native.isa ?? 'no addon'}; read bandwidth ${peak.join(' / ')} GB/s at 1 / 2 threads`);

const contenders = {
  byColumn: (threads) => ck.countInRangeByColumn(m, 0.25, 0.75, { threads, out }),
  byColumnValid: (threads) => ck.countInRangeByColumn(m, 0.25, 0.75, { threads, out, valid }),
  total: (threads) => ck.countInRange(data, 0.25, 0.75, { threads }),
};
for (const threads of [1, 2].filter((t) => t <= ck.threads())) {
  const times = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const [k, f] of Object.entries(contenders)) {
      globalThis.gc?.();
      const t0 = performance.now();
      await f(threads);
      times[k].push(performance.now() - t0);
    }
  }
  for (const [k, t] of Object.entries(times)) {
    const ms = median(t), gbs = bytes / ms / 1e6, ratio = gbs / peak[threads - 1];
    const verdict = k === 'byColumn' && threads === 2 ? (ratio >= 0.85 ? '  target >= 0.85: met' : '  target >= 0.85: MISSED') : '';
    console.log(`${k.padEnd(14)} threads=${threads}  ${ms.toFixed(2)} ms  ${gbs.toFixed(2)} GB/s  ${ratio.toFixed(2)} of peak${verdict}`);
  }
}
if (!args['no-numpy']) {
  const ms = numpyMs();
  console.log(`numpy          threads=1  ${ms.toFixed(2)} ms  ${(bytes / ms / 1e6).toFixed(2)} GB/s  (count_nonzero(..., axis=0))`);
}
