// Range counts side by side with their peers, in one run: corekernels vs a plain JS loop
// (the logic of ../shared/peers/count_js.mjs, inline) vs vectorized numpy (one python
// process driven over stdin), runs alternating, medians reported. Reproduces the table of
// issue 4, with the memory read bandwidth from /tmp/ck-peers/peak as the ceiling.
//
//   node --expose-gc bench/count-vs-peers.mjs [--peak=R1,R2] [--quick] [--only=case,...]
//
// --peak=R1,R2  read bandwidth (GB/s) at 1 and 2 threads instead of running the peak binary
// --quick       fewer repetitions (a smoke run, not figures to quote)
// --only=...    some of: big, int8, f32, tutorial, hist
// Run it alone (flock /tmp/ck-bench.lock ...): two benchmarks at once measure noise.
import { spawn, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

const ck = createRequire(import.meta.url)('../dist/index.js');
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, v]) => [k, v ?? true]));
const quick = Boolean(args.quick);
const only = args.only ? new Set(String(args.only).split(',')) : undefined;
const want = (c) => !only || only.has(c);
const PYTHON = '/usr/bin/python3';
const PEAK = '/tmp/ck-peers/peak';

// ---------------------------------------------------------------------------------------
// Timing helpers: median of per-call times; rounds alternate the contenders.

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[s.length >> 1] : NaN; };
function timeSync(f, n) { const t = []; for (let i = 0; i < n; i++) { const t0 = performance.now(); f(); t.push(performance.now() - t0); } return t; }
async function timeAsync(f, n) { const t = []; for (let i = 0; i < n; i++) { const t0 = performance.now(); await f(); t.push(performance.now() - t0); } return t; }
const free = () => globalThis.gc?.();

/** rounds x (each contender's batch in turn): { name: median ms }. Contenders return ms[] for a batch of `per` calls. */
async function alternate(contenders, rounds, per) {
  const times = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) for (const [k, f] of Object.entries(contenders)) times[k].push(...(await f(per)));
  return Object.fromEntries(Object.entries(times).map(([k, t]) => [k, median(t)]));
}

// ---------------------------------------------------------------------------------------
// numpy, in one python process: {op: 'setup'|'run'|'free', ...} per line, a JSON reply per line.

const PY = String.raw`
import sys, json, time, gc
import numpy as np
S = {}
def setup(case, edges=None):
    S.clear(); gc.collect()
    if case == 'tutorial':
        np.random.seed(100)
        arr = np.random.randint(0, 10, size=[200000, 5]).astype(np.int32)
        S['rows'] = lambda: ((arr >= 4) & (arr <= 8)).sum(axis=1)
    elif case == 'big':
        big = np.random.default_rng(1).random((8_000_000, 16))
        S['rows'] = lambda: ((big >= 0.25) & (big <= 0.75)).sum(axis=1)
        S['total'] = lambda: np.count_nonzero((big >= 0.25) & (big <= 0.75))
    elif case == 'int8':
        a = np.random.default_rng(2).integers(-128, 128, size=1 << 30, dtype=np.int8)
        S['total'] = lambda: np.count_nonzero((a >= -50) & (a <= 50))
    elif case == 'f32':
        a = np.random.default_rng(3).random(1 << 28, dtype=np.float32)
        S['total'] = lambda: np.count_nonzero((a >= 0.25) & (a <= 0.75))
    elif case == 'hist':
        x = np.random.default_rng(4).random(100_000_000)
        e = np.array(edges)
        S['uniform'] = lambda: np.histogram(x, bins=64, range=(0.0, 1.0))
        S['arbitrary'] = lambda: np.histogram(x, bins=e)
def run(what, n):
    f = S[what]; ts = []
    for _ in range(n):
        t0 = time.perf_counter(); f(); ts.append((time.perf_counter() - t0) * 1e3)
    return ts
for line in sys.stdin:
    c = json.loads(line)
    if c['op'] == 'setup': setup(c['case'], c.get('edges')); out = {'ok': True}
    elif c['op'] == 'run': out = {'ms': run(c['what'], c['n'])}
    else: S.clear(); gc.collect(); out = {'ok': True}
    print(json.dumps(out), flush=True)
`;

function startPython() {
  const py = spawn(PYTHON, ['-c', PY], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: py.stdout })[Symbol.asyncIterator]();
  const ask = async (msg) => { py.stdin.write(JSON.stringify(msg) + '\n'); const { value, done } = await lines.next(); if (done) throw new Error('python exited'); return JSON.parse(value); };
  return {
    setup: (c, edges) => ask({ op: 'setup', case: c, edges }),
    run: async (what, n) => (await ask({ op: 'run', what, n })).ms,
    free: () => ask({ op: 'free' }),
    close: () => py.stdin.end(),
  };
}

// ---------------------------------------------------------------------------------------
// The plain JS loop (count_js.mjs's logic) and its data generator.

function perRow(data, rows, cols, lo, hi, out) {
  for (let r = 0, i = 0; r < rows; r++) {
    let c = 0;
    for (let j = 0; j < cols; j++, i++) { const x = data[i]; if (x >= lo && x <= hi) c++; }
    out[r] = c;
  }
  return out;
}
function total(data, lo, hi) { let c = 0; for (let i = 0; i < data.length; i++) { const x = data[i]; if (x >= lo && x <= hi) c++; } return c; }
let seed = 100;
const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);

// ---------------------------------------------------------------------------------------

function peakBandwidth() {
  if (args.peak) return String(args.peak).split(',').map(Number);
  const text = execFileSync(PEAK, { encoding: 'utf8' });
  const bw = [...text.matchAll(/read bandwidth threads=(\d+) GB\/s=([\d.]+)/g)].map((m) => Number(m[2]));
  if (bw.length < 2) throw new Error(`could not read the bandwidth from ${PEAK}:\n${text}`);
  return bw;
}

const rowsOut = [];
const fmt = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '-');
function row(cse, ours, peer, ratio, target, ok) { rowsOut.push({ cse, ours, peer, ratio, target, ok }); console.error(`  ${cse}: ${ours} | ${peer} | ${ratio} | ${ok ? 'met' : 'MISSED'}`); }

async function main() {
  const threads = ck.threads();
  console.error(`corekernels ${ck.info().version}, native ${ck.info().native.loaded ? ck.info().native.isa : 'not loaded'}, ${threads} threads`);
  const peak = peakBandwidth();
  console.error(`read bandwidth (peak.c): ${peak.map((b, i) => `${i + 1} thread${i ? 's' : ''} ${b} GB/s`).join(', ')}`);
  const py = startPython();
  const R = quick ? 2 : 5;

  if (want('big')) {
    const rows = 8_000_000, cols = 16, d = new Float64Array(rows * cols); // per-row counts go to a reused out
    for (let i = 0; i < d.length; i++) d[i] = rand();
    const out = new Uint32Array(rows), jsOut = new Uint32Array(rows), gb = d.byteLength / 1e9;
    await py.setup('big');
    const m = { data: d, rows, cols };
    const r = await alternate({
      ours1: (n) => timeSync(() => ck.countInRangeByRowSync(m, 0.25, 0.75, { threads: 1, out }), n),
      ours2: (n) => timeSync(() => ck.countInRangeByRowSync(m, 0.25, 0.75, { threads: 2, out }), n),
      tot1: (n) => timeSync(() => ck.countInRangeSync(d, 0.25, 0.75, { threads: 1 }), n),
      tot2: (n) => timeSync(() => ck.countInRangeSync(d, 0.25, 0.75, { threads: 2 }), n),
      js: (n) => timeSync(() => perRow(d, rows, cols, 0.25, 0.75, jsOut), n),
      jsTotal: (n) => timeSync(() => total(d, 0.25, 0.75), n),
      np: (n) => py.run('rows', n),
      npTotal: (n) => py.run('total', n),
    }, quick ? 1 : 3, 1);
    for (const [t, o, tt] of [[1, r.ours1, r.tot1], [2, r.ours2, r.tot2]]) {
      if (t > threads) continue;
      const ceil = peak[t - 1];
      row(`8e6x16 f64 (1.02 GB) per-row, ${t} thread${t > 1 ? 's' : ''}`, `${fmt(o, 1)} ms = ${fmt(gb / o * 1e3, 1)} GB/s (${fmt(100 * gb / o * 1e3 / ceil, 0)}% of ${ceil})`,
        `numpy ${fmt(gb / r.np * 1e3)} GB/s, JS loop ${fmt(gb / r.js * 1e3)} GB/s`, `x${fmt(r.np / o, 1)} numpy, x${fmt(r.js / o, 1)} JS`,
        '>= 85% of read bw', gb / o * 1e3 >= 0.85 * ceil);
      row(`8e6x16 f64 (1.02 GB) total, ${t} thread${t > 1 ? 's' : ''}`, `${fmt(tt, 1)} ms = ${fmt(gb / tt * 1e3, 1)} GB/s (${fmt(100 * gb / tt * 1e3 / ceil, 0)}% of ${ceil})`,
        `numpy ${fmt(gb / r.npTotal * 1e3)} GB/s, JS loop ${fmt(gb / r.jsTotal * 1e3)} GB/s`, `x${fmt(r.npTotal / tt, 1)} numpy, x${fmt(r.jsTotal / tt, 1)} JS`,
        '>= 85% of read bw', gb / tt * 1e3 >= 0.85 * ceil);
    }
    await py.free();
  }
  free();

  for (const c of ['int8', 'f32']) {
    if (!want(c)) continue;
    const d = c === 'int8' ? new Int8Array(1 << 30) : new Float32Array(1 << 28);
    if (c === 'int8') for (let i = 0; i < d.length; i++) d[i] = (rand() * 256) - 128;
    else for (let i = 0; i < d.length; i++) d[i] = rand();
    const [lo, hi] = c === 'int8' ? [-50, 50] : [0.25, 0.75], gb = d.byteLength / 1e9;
    await py.setup(c);
    const r = await alternate({
      ours1: (n) => timeSync(() => ck.countInRangeSync(d, lo, hi, { threads: 1 }), n),
      ours2: (n) => timeSync(() => ck.countInRangeSync(d, lo, hi, { threads: 2 }), n),
      js: (n) => timeSync(() => total(d, lo, hi), n),
      np: (n) => py.run('total', n),
    }, quick ? 1 : 3, 1);
    for (const [t, o] of [[1, r.ours1], [2, r.ours2]]) {
      if (t > threads) continue;
      const ceil = peak[t - 1];
      row(`${c} 1 GiB total, ${t} thread${t > 1 ? 's' : ''}`, `${fmt(o, 1)} ms = ${fmt(gb / o * 1e3, 1)} GB/s (${fmt(100 * gb / o * 1e3 / ceil, 0)}% of ${ceil})`,
        `numpy ${fmt(gb / r.np * 1e3)} GB/s, JS loop ${fmt(gb / r.js * 1e3)} GB/s`, `x${fmt(r.np / o, 1)} numpy, x${fmt(r.js / o, 1)} JS`,
        '>= 80% of read bw', gb / o * 1e3 >= 0.8 * ceil);
    }
    await py.free();
    free();
  }

  if (want('tutorial')) {
    seed = 100;
    const rows = 200000, cols = 5, d = new Int32Array(rows * cols).map(() => Math.floor(rand() * 10));
    const m = { data: d, rows, cols }, out = new Uint32Array(rows), jsOut = new Uint32Array(rows);
    await py.setup('tutorial');
    for (let i = 0; i < 200; i++) ck.countInRangeByRowSync(m, 4, 8), perRow(d, rows, cols, 4, 8, jsOut); // warm up the JITs
    await timeAsync(() => ck.countInRangeByRow(m, 4, 8), 50);
    const r = await alternate({
      sync: (n) => timeSync(() => ck.countInRangeByRowSync(m, 4, 8), n),
      syncOut: (n) => timeSync(() => ck.countInRangeByRowSync(m, 4, 8, { out }), n),
      async: (n) => timeAsync(() => ck.countInRangeByRow(m, 4, 8), n),
      asyncOut: (n) => timeAsync(() => ck.countInRangeByRow(m, 4, 8, { out }), n),
      js: (n) => timeSync(() => perRow(d, rows, cols, 4, 8, jsOut), n),
      np: (n) => py.run('rows', n),
    }, quick ? 3 : 15, 20);
    row('tutorial 200000x5 int32, Sync (new result array)', `${fmt(r.sync, 3)} ms`, `JS loop ${fmt(r.js, 3)} ms, numpy ${fmt(r.np, 3)} ms`,
      `x${fmt(r.js / r.sync, 1)} JS, x${fmt(r.np / r.sync, 1)} numpy`, '>= 10x JS loop, >= 15x numpy', r.js / r.sync >= 10 && r.np / r.sync >= 15);
    row('tutorial 200000x5 int32, Sync (out reused, as the JS loop)', `${fmt(r.syncOut, 3)} ms`, `JS loop ${fmt(r.js, 3)} ms, numpy ${fmt(r.np, 3)} ms`,
      `x${fmt(r.js / r.syncOut, 1)} JS, x${fmt(r.np / r.syncOut, 1)} numpy`, '>= 10x JS loop, >= 15x numpy', r.js / r.syncOut >= 10 && r.np / r.syncOut >= 15);
    row('tutorial 200000x5 int32, async, promise settled (new result array)', `${fmt(r.async, 3)} ms`, `JS loop ${fmt(r.js, 3)} ms`,
      `x${fmt(r.js / r.async, 1)} JS`, '>= 6x JS loop', r.js / r.async >= 6);
    row('tutorial 200000x5 int32, async, promise settled (out reused)', `${fmt(r.asyncOut, 3)} ms`, `JS loop ${fmt(r.js, 3)} ms`,
      `x${fmt(r.js / r.asyncOut, 1)} JS`, '>= 6x JS loop', r.js / r.asyncOut >= 6);
    await py.free();
  }
  free();

  if (want('hist')) {
    const n = 100_000_000, d = new Float64Array(n);
    for (let i = 0; i < n; i++) d[i] = rand();
    const uniform = Array.from({ length: 65 }, (_, i) => i / 64);
    const arbitrary = [0, ...Array.from({ length: 63 }, () => rand()).sort((a, b) => a - b), 1];
    await py.setup('hist', arbitrary);
    const r = await alternate({
      uni: (k) => timeSync(() => ck.histogramSync(d, uniform), k),
      arb: (k) => timeSync(() => ck.histogramSync(d, arbitrary), k),
      npUni: (k) => py.run('uniform', k),
      npArb: (k) => py.run('arbitrary', k),
    }, quick ? 1 : 3, 1);
    row(`histogram 1e8 f64, 64 uniform bins, ${threads} threads`, `${fmt(r.uni, 1)} ms`, `numpy.histogram(bins=64, range) ${fmt(r.npUni, 0)} ms`,
      `x${fmt(r.npUni / r.uni, 1)} numpy`, '>= 10x numpy', r.npUni / r.uni >= 10);
    row(`histogram 1e8 f64, 64 arbitrary edges, ${threads} threads`, `${fmt(r.arb, 1)} ms`, `numpy.histogram(bins=edges) ${fmt(r.npArb, 0)} ms`,
      `x${fmt(r.npArb / r.arb, 1)} numpy`, '>= 10x numpy', r.npArb / r.arb >= 10);
    await py.free();
  }
  py.close();

  console.log(`\n| case | corekernels | peers | ratio | target | |\n| --- | --- | --- | --- | --- | --- |`);
  for (const r of rowsOut) console.log(`| ${r.cse} | ${r.ours} | ${r.peer} | ${r.ratio} | ${r.target} | ${r.ok ? 'met' : '**missed**'} |`);
  console.log(`\nmedians of ${quick ? 'a few' : 'alternating'} runs; read bandwidth from peak.c (best of 5): ${peak.join(' / ')} GB/s at 1 / 2 threads.`);
}

main().catch((err) => { console.error(err); process.exit(1); });
