// Issue 14's target table on the machine it runs on, in one run: each case runs corekernels
// and its peers (../shared/peers, built in /tmp/ck-peers by setup.sh) side by side in
// alternating batches (A B A B ...) on the same data, compares medians, and checks that the
// results agree. Progress goes to stderr; the table (markdown) to stdout.
//
//   flock /tmp/ck-bench.lock node bench/limits.mjs [--only=peak,count,row,tutorial,hist,gemm,fresh]
//       [--quick] [--threads=1,2] [--sizes=64,...,2048,skinny] [--peak=BW1,BW2] [--budget=S]
//       [--rounds=N] [--peer-configs=best|auto]
//
// --quick         a smoke run: short batches, 3 rounds (not figures to quote)
// --threads       thread counts for every case (default 1,2; above threads() are skipped)
// --sizes         the gemm shapes: square n, and `skinny` for 10000x64 · 64x64
// --peak          read bandwidth (GB/s) at 1, 2, ... threads instead of running peak.c
// --budget        seconds the slowest contender's batch aims for (default 0.25; --quick 0.05)
// --peer-configs  `best` (default): OpenBLAS and BLIS run also forced to their configuration
//                 for the CPU's widest ISA (AVX-512: SkylakeX, skx; AVX2: Haswell, haswell)
//                 where they detect another (0.3.21 takes Sapphire Rapids for Prescott, BLIS 0.9
//                 for haswell), and the fastest counts; a detected pre-AVX2 configuration is
//                 then left out; `auto`: the detected configurations only
// Run it alone: two benchmarks at once on a small machine measure noise.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { alternate, peerContender, secondsPerCall, sleep } from './lib/alternate.mjs';
import { listFlag, parseFlags } from './lib/flags.mjs';
import { LinePeer } from './lib/line-peer.mjs';
import { cpuDescription, hasCpuFlag, runPeak } from './lib/machine.mjs';
import { formatTable, show, summary, targetLine } from './lib/table.mjs';
import { GEMM_SEED_A, GEMM_SEED_B, gemmOperand, unitDoubles, xorshift32 } from './lib/xorshift.mjs';

const ck = createRequire(import.meta.url)('../dist/index.js');
const here = dirname(fileURLToPath(import.meta.url));

const CASES = ['peak', 'count', 'row', 'tutorial', 'hist', 'gemm', 'fresh'];
const flags = parseFlags();
const only = new Set(listFlag(flags.only, CASES).map(String));
for (const c of only) if (!CASES.includes(c)) throw new Error(`--only: unknown case ${c} (cases: ${CASES.join(', ')})`);
if (!['best', 'auto', undefined].includes(flags['peer-configs'])) throw new Error(`--peer-configs: best or auto (got ${flags['peer-configs']})`);
const quick = Boolean(flags.quick);
const TIMING = { budget: Number(flags.budget ?? (quick ? 0.05 : 0.25)), rounds: Number(flags.rounds ?? (quick ? 3 : 5)) };
const requested = listFlag(flags.threads, [1, 2]);
const THREADS = requested.filter((t) => t <= ck.threads());
const SIZES = listFlag(flags.sizes, [64, 96, 128, 192, 256, 384, 512, 1024, 2048, 'skinny']).map((s) => (s === 'skinny' ? s : Number(s)));
const PEERS_DIR = process.env.PEERS_DIR ?? '/tmp/ck-peers';
const peerFile = (name) => {
  const file = join(PEERS_DIR, name);
  if (!existsSync(file)) throw new Error(`${file} is missing: run bash /work/shared/peers/setup.sh (PEERS_DIR=${PEERS_DIR})`);
  return file;
};

const lines = [], notes = [];
/** A fact about the sitting (ceilings, peers' configurations): on stderr now, above the table at the end. */
const note = (text) => { notes.push(text); console.error(text); };
/** Adds a line to the table (targetLine's arguments); given the case's alternate() result, shows every contender, and the checks when they differ. */
function report(args, result) {
  const line = targetLine(args);
  lines.push(line);
  console.error(`  ${line.name}: ${line.corekernels} | ${line.peer} | ratio ${line.ratio} | ${line.target} | ${line.met}`);
  if (!result) return;
  console.error(`    each: ${Object.entries(result.seconds).map(([k, s]) => `${k} ${show(args.unit, args.work ?? 0, s)}`).join(', ')}`);
  if (args.agree === false) console.error(`    results differ: ${JSON.stringify(result.checks)}`);
}
// After a multi-threaded batch, OpenBLAS's threads spin ~0.1 s and OpenMP's a little: let
// them sleep before the other side runs (for both sides alike).
// The first case of a kind warms up for a second: the first ~0.25 s of small matmulSync calls
// in a process ran 3x slower than the rest, and one case does not show it to the next.
const timing = (threads, first = false) => ({ ...TIMING, pauseMs: threads > 1 ? 150 : 0, warm: first ? 1 : 0 });
const plural = (t) => `${t} thread${t > 1 ? 's' : ''}`;
const allEqual = (checks) => Object.values(checks).every((c) => c === Object.values(checks)[0]);
const weightedRowSum = (out) => { let s = 0; for (let r = 0; r < out.length; r++) s += out[r] * (r % 13 + 1); return s; };
const sum = (xs) => { let s = 0; for (let i = 0; i < xs.length; i++) s += xs[i]; return s; };

/** A corekernels contender: call() runs one call; checkOf(its last result) the value compared with the peers'. */
function ours(call, checkOf) {
  let last;
  return { run: (reps) => secondsPerCall(() => { last = call(); }, reps), check: () => checkOf(last) };
}

// ---- the machine's read bandwidth: peak.c, and count_peer's read pass in this sitting ----

let countPeer;
let bigData;
/** count_peer and the same 2^27 float64 in JS (count, row and hist use prefixes of it). */
async function countData() {
  if (!countPeer) {
    countPeer = new LinePeer('count_peer', peerFile('count_peer'));
    bigData = unitDoubles(1 << 27);
    await countPeer.ready();
  }
  return { peer: countPeer, data: bigData };
}

let bandwidth;
/** GB/s and where it came from, by threads - 1: --peak, else peak.c (run once; its FMA peak is noted too). */
function readBandwidth() {
  if (bandwidth) return bandwidth;
  let gbs;
  if (flags.peak) gbs = listFlag(flags.peak, []);
  else {
    const peak = runPeak(peerFile('peak'));
    note(`peak f64 FMA (peak.c): ${peak.gflops.map((g, i) => `${g} GFLOP/s at ${plural(i + 1)}`).join(', ')}`);
    gbs = peak.bandwidth;
  }
  note(`read bandwidth (${flags.peak ? '--peak' : 'peak.c'}): ${gbs.map((b, i) => `${b} GB/s at ${plural(i + 1)}`).join(', ')}`);
  return (bandwidth = gbs.map((b, i) => ({ gbs: b, source: `${flags.peak ? '--peak' : 'peak.c'} ${plural(i + 1)}` })));
}

async function peakCase() {
  const bw = readBandwidth();
  // count_peer's read pass over the same 1 GiB, in this sitting: the faster of peak.c and it
  // is the ceiling, so that no fraction of it is flattered by a slow probe.
  const { peer, data } = await countData();
  for (const t of THREADS) {
    const r = await alternate({
      bw256: peerContender(peer, (reps) => `bw256 ${t} ${reps} ${data.length}`),
      bw512: peerContender(peer, (reps) => `bw512 ${t} ${reps} ${data.length}`),
    }, timing(t, t === THREADS[0]));
    const gbs = Object.entries(r.seconds).map(([k, s]) => [k, data.byteLength / s / 1e9]);
    note(`read pass (count_peer) at ${plural(t)}: ${gbs.map(([k, g]) => `${k} ${g.toFixed(1)} GB/s`).join(', ')}`);
    const best = gbs.reduce((a, b) => (b[1] > a[1] ? b : a));
    if (!bw[t - 1] || best[1] > bw[t - 1].gbs) bw[t - 1] = { gbs: best[1], source: `count_peer ${best[0]} ${plural(t)}` };
  }
  note(`read bandwidth taken as the ceiling: ${bw.map((b, i) => `${b.gbs.toFixed(1)} GB/s at ${plural(i + 1)} (${b.source})`).join(', ')}`);
}

/** A table line setting ours against the read bandwidth at t threads, for `bytes` read a call. */
function bandwidthLine(name, t, bytes, oursSeconds, target) {
  const bw = readBandwidth()[t - 1];
  if (!bw) return console.error(`  ${name}: no read bandwidth at ${plural(t)}`);
  report({ name, unit: 'GB/s', work: bytes, ours: oursSeconds, peers: { [`read bandwidth, ${bw.source}`]: bytes / (bw.gbs * 1e9) }, target });
}

// ---- range counts and the histogram: count_peer's data and requests ----

async function countCase() {
  const { peer, data } = await countData();
  for (const t of THREADS) {
    const r = await alternate({
      corekernels: ours(() => ck.countInRangeSync(data, 0.25, 0.75, { threads: t }), (c) => c),
      count256: peerContender(peer, (reps) => `count256 ${t} ${reps}`),
      count512: peerContender(peer, (reps) => `count512 ${t} ${reps}`),
    }, timing(t, t === THREADS[0]));
    const { corekernels, ...peers } = r.seconds;
    report({ name: `countInRange 1 GiB f64 (2^27), ${plural(t)}`, unit: 'GB/s', work: data.byteLength, ours: corekernels, peers,
      target: 0.95, agree: allEqual(r.checks) }, r);
  }
}

async function rowCase() {
  const { peer, data } = await countData();
  const rows = 8_000_000, cols = 16, m = { data: data.subarray(0, rows * cols), rows, cols }, out = new Uint32Array(rows);
  for (const t of THREADS) {
    const r = await alternate({
      corekernels: ours(() => ck.countInRangeByRowSync(m, 0.25, 0.75, { threads: t, out }), weightedRowSum),
      row256: peerContender(peer, (reps) => `row256 ${t} ${reps}`),
      row512: peerContender(peer, (reps) => `row512 ${t} ${reps}`),
    }, timing(t, t === THREADS[0]));
    const { corekernels, ...peers } = r.seconds;
    const name = `countInRangeByRow 8e6x16 f64, ${plural(t)}`;
    report({ name, unit: 'GB/s', work: m.data.byteLength, ours: corekernels, peers, target: 0.95, agree: allEqual(r.checks) }, r);
    bandwidthLine(`${name}, of read bandwidth`, t, m.data.byteLength, corekernels, 0.85);
  }
}

async function histCase() {
  const { peer, data } = await countData();
  const x = data.subarray(0, 100_000_000), edges = Array.from({ length: 65 }, (_, i) => i / 64);
  const checkOf = (bins) => bins.reduce((s, c, b) => s + c * (b + 1), 0);
  for (const t of THREADS) {
    const peers = Object.fromEntries(['hist256', 'hist512', 'histd256', 'histd512'].map((op) => [op, peerContender(peer, (reps) => `${op} ${t} ${reps}`)]));
    const r = await alternate({
      edges: ours(() => ck.histogramSync(x, edges, { threads: t }), checkOf),
      binCount: ours(() => ck.histogramSync(x, 64, { range: [0, 1], threads: t }), checkOf),
      ...peers,
    }, timing(t, t === THREADS[0]));
    const { edges: e, binCount, ...peerSeconds } = r.seconds;
    const agree = allEqual(r.checks);
    // The issue's target is the 2-thread fraction of read bandwidth; the rest is shown for information.
    const target = t >= 2 ? 0.8 : undefined;
    report({ name: `histogram 1e8 f64, 64 uniform edges, ${plural(t)}, vs plain C`, unit: 'GB/s', work: x.byteLength, ours: e, peers: peerSeconds, agree }, r);
    bandwidthLine(`histogram 1e8 f64, 64 uniform edges, ${plural(t)}, of read bandwidth`, t, x.byteLength, e, target);
    bandwidthLine(`histogram 1e8 f64, bins=64 range [0,1], ${plural(t)}, of read bandwidth`, t, x.byteLength, binCount, target);
  }
}

// ---- the tutorial: 200000 x 5 int32, against a plain C per-row loop (bench/native) ----

/** Compiles bench/native/row-count-peer.c into PEERS_DIR when the binary is missing or older. */
function rowCountPeerFile() {
  const src = join(here, 'native', 'row-count-peer.c'), out = join(PEERS_DIR, 'row_count_peer');
  if (existsSync(out) && statSync(out).mtimeMs >= statSync(src).mtimeMs) return out;
  mkdirSync(PEERS_DIR, { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`; // renamed into place: two runs never see half a binary
  execFileSync('gcc', ['-O3', '-march=native', '-fopenmp', '-Wall', src, '-o', tmp], { stdio: 'inherit' });
  renameSync(tmp, out);
  return out;
}

async function tutorialCase() {
  const peer = new LinePeer('row_count_peer', rowCountPeerFile());
  const rows = 200_000, cols = 5, next = xorshift32(0x12345678), data = new Int32Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = next() % 10;
  await peer.ready();
  const m = { data, rows, cols }, out = new Uint32Array(rows);
  for (const t of THREADS) {
    const r = await alternate({
      corekernels: ours(() => ck.countInRangeByRowSync(m, 4, 8, { threads: t, out }), weightedRowSum),
      'plain C': peerContender(peer, (reps) => `row ${t} ${reps}`),
      'plain C, no vectorizer': peerContender(peer, (reps) => `rowscalar ${t} ${reps}`),
    }, timing(t, t === THREADS[0]));
    const { corekernels, ...peers } = r.seconds;
    report({ name: `countInRangeByRow tutorial 200000x5 int32, ${plural(t)}`, unit: 'us', ours: corekernels, peers, target: 0.95,
      agree: allEqual(r.checks) }, r);
  }
  await peer.close();
}

// ---- GEMM: OpenBLAS and BLIS (gemm_peer.c) in their detected and, by default, best configurations ----

const PRE_AVX2 = /^(Prescott|Core2|Penryn|Dunnington|Nehalem|Sandybridge|Atom|Katmai|Coppermine|Northwood|Banias|generic)$/i;

async function gemmPeers() {
  const libs = [
    { lib: 'OpenBLAS', file: 'gemm_openblas', config: /core=(\S+)/ },
    { lib: 'BLIS', file: 'gemm_blis', config: /arch=(\S+)/ },
  ];
  // Each library also forced to its configuration for the CPU's widest ISA (skx is index 0 of
  // BLIS 0.9's arch_t, haswell 3): a library that misreads a CPU it does not know is not the
  // reference; the best it can do is.
  const avx2 = hasCpuFlag('avx2'), widest = hasCpuFlag('avx512f') ? ['SkylakeX', 'skx', '0'] : avx2 ? ['Haswell', 'haswell', '3'] : undefined;
  const forced = (flags['peer-configs'] ?? 'best') === 'best' && widest
    ? [{ OPENBLAS_CORETYPE: widest[0] }, { BLIS_ARCH_TYPE: widest[2] }] : [];
  const wanted = [widest?.[0], widest?.[1]];
  const peers = [];
  for (const [i, l] of libs.entries()) {
    const start = async (env) => {
      const peer = new LinePeer(l.lib, peerFile(l.file), { env });
      const info = await peer.ask('info');
      return { peer, info, config: l.config.exec(info)?.[1] ?? '?' };
    };
    const detected = await start({});
    let force = forced[i] && detected.config !== wanted[i] ? await start(forced[i]) : undefined;
    if (force && force.config !== wanted[i]) { await force.peer.close(); force = undefined; } // not taken
    // A detected configuration without AVX2 (OpenBLAS 0.3.21 falls back to Prescott on CPUs it
    // does not know) cannot be the best beside a forced AVX2 or AVX-512 one: it would only
    // stretch the run (~5x slower, and every batch waits for the slowest contender).
    const keepDetected = !(force && avx2 && PRE_AVX2.test(detected.config));
    if (keepDetected) note(`gemm peer ${l.lib} ${detected.config}: ${detected.info}`);
    else note(`gemm peer ${l.lib} ${detected.config} (detected) left out: pre-AVX2 kernels; forced to ${force.config} instead`), await detected.peer.close();
    if (force) note(`gemm peer ${l.lib} ${force.config}: ${force.info} (forced by ${JSON.stringify(forced[i])})`);
    for (const c of [keepDetected && detected, force]) if (c) peers.push({ label: `${l.lib} ${c.config}`, peer: c.peer });
  }
  return peers;
}

async function gemmCase() {
  const peers = await gemmPeers();
  const shapes = SIZES.map((n) => (n === 'skinny' ? { name: '10000x64 · 64x64', m: 10000, n: 64, k: 64, target: 1 } :
    { name: `n=${n}`, m: n, n, k: n, target: n <= 128 ? 0.95 : 1 }));
  for (const dtype of ['f64', 'f32']) {
    const Ctor = dtype === 'f64' ? Float64Array : Float32Array, tolerance = dtype === 'f64' ? 1e-9 : 1e-4;
    for (const s of shapes) {
      const a = { data: gemmOperand(Ctor, s.m * s.k, GEMM_SEED_A), rows: s.m, cols: s.k };
      const b = { data: gemmOperand(Ctor, s.k * s.n, GEMM_SEED_B), rows: s.k, cols: s.n };
      const out = new Ctor(s.m * s.n);
      for (const t of THREADS) {
        const r = await alternate({
          corekernels: ours(() => ck.matmulSync(a, b, { out, threads: t }), () => sum(out)),
          ...Object.fromEntries(peers.map(({ label, peer }) => [label, peerContender(peer, (reps) => `cblas ${dtype} ${s.m} ${s.n} ${s.k} ${t} ${reps}`)])),
        }, timing(t, s === shapes[0] && t === THREADS[0]));
        const { corekernels, ...peerSeconds } = r.seconds;
        const agree = Object.values(r.checks).every((c) => Math.abs(c - r.checks.corekernels) <= tolerance * Math.abs(r.checks.corekernels));
        report({ name: `matmul ${dtype} ${s.name}, ${plural(t)}`, unit: 'GFLOP/s', work: 2 * s.m * s.n * s.k, ours: corekernels,
          peers: peerSeconds, target: s.target, agree }, r);
      }
    }
  }
  for (const { peer } of peers) await peer.close();
}

// ---- a fresh result against a reused out, ours both ----

async function freshCase() {
  for (const n of [64, 128, 256, 512]) {
    const a = { data: gemmOperand(Float64Array, n * n, GEMM_SEED_A), rows: n, cols: n };
    const b = { data: gemmOperand(Float64Array, n * n, GEMM_SEED_B), rows: n, cols: n };
    const out = new Float64Array(n * n);
    for (const t of THREADS) {
      const r = await alternate({
        fresh: ours(() => ck.matmulSync(a, b, { threads: t }), (c) => sum(c.data)),
        'reused out': ours(() => ck.matmulSync(a, b, { out, threads: t }), () => sum(out)),
      }, timing(t, n === 64 && t === THREADS[0]));
      report({ name: `matmulSync f64 n=${n}, fresh result vs reused out, ${plural(t)}`, unit: 'us', ours: r.seconds.fresh,
        peers: { 'reused out': r.seconds['reused out'] }, target: 0.95, agree: allEqual(r.checks) });
    }
  }
}

// ---------------------------------------------------------------------------------------

const info = ck.info();
const head = [
  `CPU: ${cpuDescription()}`,
  `Node ${process.version}; corekernels ${info.version}, native ${info.native.loaded ? `${info.native.isa} (${info.native.build})` : 'not loaded'}, threads() = ${ck.threads()}`,
  `command: node bench/limits.mjs ${process.argv.slice(2).join(' ')}`.trimEnd(),
  `${new Date().toISOString()}; ${TIMING.rounds} alternating rounds per case, batches of ~${TIMING.budget} s, medians; ratio = our speed / the best peer's`,
];
for (const l of head) console.error(l);
if (THREADS.length < requested.length) note(`skipped thread counts above threads() = ${ck.threads()}: ${requested.filter((t) => !THREADS.includes(t)).join(', ')}`);

const run = { peak: peakCase, count: countCase, row: rowCase, tutorial: tutorialCase, hist: histCase, gemm: gemmCase, fresh: freshCase };
for (const c of CASES) {
  if (!only.has(c)) continue;
  console.error(`\n== ${c}`);
  await run[c]();
  await sleep(200);
}
await countPeer?.close();
await ck.close();

console.log([...head, ...notes].map((l) => `${l}  `).join('\n'));
console.log(`\n${formatTable(lines)}\n\n${summary(lines)}`);
