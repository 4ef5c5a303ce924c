// Our native GEMM against OpenBLAS (through numpy) on this machine, for the targets of the
// "matmul at the speed of the best BLAS" issue: each case runs ours and OpenBLAS in
// alternating batches (A B A B ...) and compares medians, so both see the same machine.
//
//   flock /tmp/ck-bench.lock node bench/gemm-vs-openblas.mjs [--only square,peak,small,skinny,variants]
//                                 [--threads 1,2] [--rounds 5] [--batch 0.25] [--peak GFLOPS]
//
// --batch is the seconds each timed batch aims for; --peak skips running peak.c (f64 GFLOP/s,
// 1 thread). Needs /usr/bin/python3 with numpy, and /tmp/ck-peers/peak (shared/peers/setup.sh).
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

const ck = createRequire(import.meta.url)('../dist/index.js');

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const ONLY = new Set(opt('only', 'square,peak,small,skinny,variants').split(','));
const ROUNDS = Number(opt('rounds', 5));
const THREADS = opt('threads', '1,2').split(',').map(Number);
const BATCH_SECONDS = Number(opt('batch', 0.25));
const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';
const PEAK = process.env.CK_PEAK ?? '/tmp/ck-peers/peak';

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

// One long-lived numpy process per OpenBLAS thread count (OPENBLAS_NUM_THREADS is read at
// start-up), driven one JSON line at a time, so only one side ever runs.
const PEER_SOURCE = String.raw`
import json, os, sys, time
import numpy as np
case_key, fn = None, None
for line in sys.stdin:
    q = json.loads(line)
    key = json.dumps({k: v for k, v in q.items() if k != 'reps'}, sort_keys=True)
    if key != case_key:
        dt = np.float64 if q['dtype'] == 'f64' else np.float32
        rng = np.random.default_rng(1)
        order = 'F' if q.get('colMajor') else 'C'
        def op(rows, cols, trans):
            stored = np.array(rng.random((cols, rows) if trans else (rows, cols)), dtype=dt, order=order)
            return stored.T if trans else stored
        a = op(q['m'], q['k'], q.get('transA', False))
        b = op(q['k'], q['n'], q.get('transB', False))
        c = np.empty((q['m'], q['n']), dtype=dt, order=order)
        fn = (lambda: np.matmul(a, b)) if q.get('alloc') else (lambda: np.matmul(a, b, out=c))
        fn()
        case_key = key
    t0 = time.perf_counter()
    for _ in range(q['reps']):
        fn()
    print(json.dumps({'sec': (time.perf_counter() - t0) / q['reps']}), flush=True)
`;

class Peer {
  constructor(threads) {
    this.threads = threads;
    this.proc = spawn(PYTHON, ['-c', PEER_SOURCE], {
      env: { ...process.env, OPENBLAS_NUM_THREADS: String(threads) },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.lines = createInterface({ input: this.proc.stdout })[Symbol.asyncIterator]();
  }
  async seconds(q) {
    this.proc.stdin.write(`${JSON.stringify(q)}\n`);
    const { value, done } = await this.lines.next();
    if (done) throw new Error('the numpy process exited');
    // OpenBLAS worker threads spin for a while after a call; let them go to sleep before
    // our side runs, so they do not take its cores.
    if (this.threads > 1) await new Promise((r) => setTimeout(r, 150));
    return JSON.parse(value).sec;
  }
  close() {
    this.proc.stdin.end();
  }
}
const peers = new Map();
const peer = (threads) => {
  if (!peers.has(threads)) peers.set(threads, new Peer(threads));
  return peers.get(threads);
};

function filled(Ctor, length) {
  const x = new Ctor(length);
  for (let i = 0; i < length; i++) x[i] = Math.random();
  return x;
}

// Ours: a closure that runs one call of the case, built once per case.
function oursFor(q) {
  const Ctor = q.dtype === 'f64' ? Float64Array : Float32Array;
  const opts = { threads: q.threads };
  if (q.matmul) {
    const a = { data: filled(Ctor, q.m * q.k), rows: q.m, cols: q.k };
    const b = { data: filled(Ctor, q.k * q.n), rows: q.k, cols: q.n };
    const withOut = q.alloc ? opts : { ...opts, out: new Ctor(q.m * q.n) };
    return () => ck.matmulSync(a, b, withOut);
  }
  const args = {
    layout: q.colMajor ? 'col-major' : 'row-major',
    transA: !!q.transA, transB: !!q.transB, m: q.m, n: q.n, k: q.k,
    a: filled(Ctor, q.m * q.k), b: filled(Ctor, q.k * q.n), c: new Ctor(q.m * q.n),
  };
  return () => ck.gemmSync(args, opts);
}

function oursSeconds(fn, reps) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < reps; i++) fn();
  return Number(process.hrtime.bigint() - t0) / 1e9 / reps;
}

// Median seconds per call for ours and OpenBLAS, measured in alternating batches.
async function measure(q) {
  const ours = oursFor(q), p = peer(q.threads);
  ours();
  const once = Math.max(oursSeconds(ours, 1), await p.seconds({ ...q, reps: 1 }));
  const reps = Math.max(1, Math.min(200000, Math.round(BATCH_SECONDS / once)));
  const a = [], b = [];
  for (let r = 0; r < ROUNDS; r++) {
    a.push(oursSeconds(ours, reps));
    b.push(await p.seconds({ ...q, reps }));
  }
  return { ours: median(a), peer: median(b) };
}

const rows = [];
const gflops = (q, s) => (2 * q.m * q.n * q.k) / s / 1e9;
function row(label, target, values) {
  rows.push({ label, target, ...values });
  const { ours, peer, ratio, ok, unit } = values;
  console.log(`${label.padEnd(44)} ours ${ours.toFixed(unit === 'us' ? 2 : 1).padStart(7)} ${unit}  ` +
    `${values.peerName ?? 'OpenBLAS'} ${peer.toFixed(unit === 'us' ? 2 : 1).padStart(7)} ${unit}  ` +
    `ratio ${ratio.toFixed(2)}  target ${target}  ${ok ? 'ok' : 'MISSED'}`);
}

async function speedCase(label, q, minRatio) {
  const { ours, peer: theirs } = await measure(q);
  const ratio = theirs / ours;
  row(label, `>= ${minRatio.toFixed(1)}x`, { ours: gflops(q, ours), peer: gflops(q, theirs), ratio, ok: ratio >= minRatio, unit: 'GF/s' });
  return ours;
}

const info = ck.info();
console.log(`corekernels ${info.version}, native ${info.native.loaded ? `${info.native.isa} (${info.native.build})` : 'not loaded'}, ` +
  `threads ${info.threads}; ${ROUNDS} alternating rounds per case, ~${BATCH_SECONDS}s batches; GF/s = GFLOP/s, ratio = ours / OpenBLAS speed\n`);

// Warm both sides up before the first timed case (pool threads, page faults, the peer's
// start-up): without it the first case of a run came out up to 40% low.
{
  const q = { dtype: 'f64', threads: Math.max(...THREADS), m: 256, n: 256, k: 256 };
  const ours = oursFor(q), p = peer(q.threads);
  for (let r = 0; r < 3; r++) { oursSeconds(ours, 200); await p.seconds({ ...q, reps: 200 }); }
}

const n2048 = {};
if (ONLY.has('square') || ONLY.has('peak')) {
  for (const threads of THREADS) {
    for (const dtype of ['f64', 'f32']) {
      for (const n of ONLY.has('square') ? [256, 512, 1024, 2048] : [2048]) {
        if (!ONLY.has('square') && threads !== 1) continue;
        const q = { dtype, threads, m: n, n, k: n };
        const s = await speedCase(`square ${dtype} n=${n} threads=${threads}`, q, n === 256 ? 0.9 : 1.0);
        if (n === 2048 && threads === 1) n2048[dtype] = gflops(q, s);
      }
    }
  }
}

if (ONLY.has('peak')) {
  let peak = Number(opt('peak', NaN));
  if (Number.isNaN(peak)) {
    const out = spawnSync(PEAK, { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } }).stdout ?? '';
    peak = Number(/peak f64 threads=1 gflops=([\d.]+)/.exec(out)?.[1]);
  }
  for (const dtype of ['f64', 'f32']) {
    const p = dtype === 'f64' ? peak : 2 * peak;
    const ours = n2048[dtype];
    if (ours === undefined || !(p > 0)) continue;
    row(`n=2048 ${dtype} 1 thread vs peak.c (AVX2 FMA)`, '>= 0.85 of peak', {
      ours, peer: p, peerName: 'peak.c  ', ratio: ours / p, ok: ours / p >= 0.85, unit: 'GF/s',
    });
  }
}

if (ONLY.has('small')) {
  for (const dtype of ['f64', 'f32']) {
    for (const n of [8, 16, 32, 64]) {
      // Default threads, as a user calls it; numpy's matmul allocates its output too.
      const { ours, peer: theirs } = await measure({ dtype, threads: info.threads, m: n, n, k: n, matmul: true, alloc: true });
      const ratio = theirs / ours;
      row(`matmulSync ${dtype} n=${n} (call included)`, '>= 0.7x', {
        ours: ours * 1e6, peer: theirs * 1e6, peerName: 'numpy   ', ratio, ok: ratio >= 0.7, unit: 'us',
      });
      // Not a target: the same call writing into a result it is given (options.out, numpy's
      // out=), which shows how much of the above is the allocation of a fresh result.
      const given = await measure({ dtype, threads: info.threads, m: n, n, k: n, matmul: true });
      console.log(`${`  same, into a given out (info)`.padEnd(44)} ours ${(given.ours * 1e6).toFixed(2).padStart(7)} us  ` +
        `numpy    ${(given.peer * 1e6).toFixed(2).padStart(7)} us  ratio ${(given.peer / given.ours).toFixed(2)}`);
    }
  }
}

if (ONLY.has('skinny')) {
  const shapes = [['10000x64 * 64x64', 10000, 64, 64], ['64x10000 * 10000x64', 64, 64, 10000], ['2000x2000 * 2000x16', 2000, 16, 2000]];
  for (const threads of THREADS) {
    for (const dtype of ['f64', 'f32']) {
      for (const [name, m, n, k] of shapes) {
        await speedCase(`${name} ${dtype} threads=${threads}`, { dtype, threads, m, n, k }, 0.8);
      }
    }
  }
}

if (ONLY.has('variants')) {
  const variants = [['transA', { transA: true }], ['transB', { transB: true }], ['transA+transB', { transA: true, transB: true }],
    ['col-major', { colMajor: true }]];
  for (const threads of THREADS) {
    for (const dtype of ['f64', 'f32']) {
      const n = 1024;
      const base = { dtype, threads, m: n, n, k: n };
      const plain = await measure(base);
      for (const [name, extra] of variants) {
        const v = await measure({ ...base, ...extra });
        // Within 10% of our own plain case, measured in the same sitting.
        const ratio = plain.ours / v.ours;
        row(`${name} ${dtype} n=${n} threads=${threads} vs plain`, '>= 0.9x plain', {
          ours: gflops(base, v.ours), peer: gflops(base, v.peer), ratio, ok: ratio >= 0.9, unit: 'GF/s',
        });
      }
    }
  }
}

for (const p of peers.values()) p.close();
const missed = rows.filter((r) => !r.ok);
console.log(`\n${rows.length - missed.length} of ${rows.length} targets met${missed.length ? `; missed: ${missed.map((r) => r.label).join(', ')}` : ''}`);
await ck.close();
