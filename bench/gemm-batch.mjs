// Many small products in one call, for issue 12's targets: gemmBatch of 100,000 8x8 f64
// products against numpy's np.matmul on a (100000, 8, 8) stack (>= 1.5x) and against
// 100,000 matmulSync calls (>= 10x). Rounds alternate numpy, gemmBatch and the loop, so
// all three see the same machine; medians are compared.
//
//   flock /tmp/ck-bench.lock node bench/gemm-batch.mjs [--batch 100000] [--size 8] [--dtype f64]
//                                                      [--threads N] [--rounds 5] [--reps 5]
//
// Needs a python3 with numpy (PYTHON=... to choose one). --threads caps ours (default:
// threads()); numpy runs as it is configured (OPENBLAS_NUM_THREADS and the like).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const ck = createRequire(import.meta.url)('../dist/index.js');

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const BATCH = Number(opt('batch', 100_000));
const SIZE = Number(opt('size', 8));
const DTYPE = opt('dtype', 'f64');
const THREADS = Number(opt('threads', ck.threads()));
const ROUNDS = Number(opt('rounds', 5));
const REPS = Number(opt('reps', 5));
const PYTHON = process.env.PYTHON ?? 'python3';
const T = DTYPE === 'f32' ? Float32Array : Float64Array;

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** Seconds per call, the mean of `reps` calls after one warm-up. */
function time(fn, reps) {
  fn();
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < reps; r++) fn();
  return Number(process.hrtime.bigint() - t0) / 1e9 / reps;
}

const NUMPY = String.raw`
import sys, time
import numpy as np
batch, size, reps = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
dt = np.float32 if sys.argv[4] == 'f32' else np.float64
rng = np.random.default_rng(1)
a = rng.random((batch, size, size)).astype(dt)
b = rng.random((batch, size, size)).astype(dt)
c = np.empty((batch, size, size), dtype=dt)
np.matmul(a, b, out=c)
t0 = time.perf_counter()
for _ in range(reps):
    np.matmul(a, b, out=c)
print((time.perf_counter() - t0) / reps)
`;

function numpyRound() {
  const r = spawnSync(PYTHON, ['-c', NUMPY, String(BATCH), String(SIZE), String(REPS), DTYPE], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`numpy failed: ${r.stderr || r.error}`);
  return Number(r.stdout.trim());
}

const per = SIZE * SIZE;
const a = T.from({ length: BATCH * per }, (_, i) => Math.sin(i)), b = T.from({ length: BATCH * per }, (_, i) => Math.cos(i));
const c = new T(BATCH * per);
const batchArgs = { batch: BATCH, m: SIZE, n: SIZE, k: SIZE, a, b, c };
const opts = { threads: THREADS };
// What a user writes without gemmBatch: one matmulSync per product, into its slice of c.
const loop = () => {
  for (let i = 0; i < BATCH; i++) {
    const at = i * per;
    ck.matmulSync({ data: a.subarray(at, at + per), rows: SIZE, cols: SIZE }, { data: b.subarray(at, at + per), rows: SIZE, cols: SIZE },
      { ...opts, out: c.subarray(at, at + per) });
  }
};

const times = { numpy: [], sync: [], async: [], loop: [] };
for (let r = 0; r < ROUNDS; r++) {
  times.numpy.push(numpyRound());
  times.sync.push(time(() => ck.gemmBatchSync(batchArgs, opts), REPS));
  const t0 = process.hrtime.bigint();
  for (let k = 0; k < REPS; k++) await ck.gemmBatch(batchArgs, opts);
  times.async.push(Number(process.hrtime.bigint() - t0) / 1e9 / REPS);
  times.loop.push(time(loop, 1));
}

const ms = (s) => `${(s * 1e3).toFixed(2)} ms`;
const med = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
const gflops = (s) => ((2 * BATCH * SIZE ** 3) / s / 1e9).toFixed(2);
const { engine, native } = ck.info();
console.log(`gemmBatch of ${BATCH} ${SIZE}x${SIZE} ${DTYPE} products, ${THREADS} thread(s), engine ${engine}${native.isa ? ` (${native.isa})` : ''}, median of ${ROUNDS} rounds`);
console.log(`  numpy np.matmul on the stack  ${ms(med.numpy)}  ${gflops(med.numpy)} GFLOP/s`);
console.log(`  gemmBatchSync                 ${ms(med.sync)}  ${gflops(med.sync)} GFLOP/s`);
console.log(`  gemmBatch (async)             ${ms(med.async)}  ${gflops(med.async)} GFLOP/s`);
console.log(`  ${BATCH} matmulSync calls    ${ms(med.loop)}  ${gflops(med.loop)} GFLOP/s`);
const vsNumpy = med.numpy / med.sync, vsLoop = med.loop / med.sync;
console.log(`  gemmBatchSync vs numpy: ${vsNumpy.toFixed(2)}x (target >= 1.5x) ${vsNumpy >= 1.5 ? 'met' : 'NOT met'}`);
console.log(`  gemmBatchSync vs the loop: ${vsLoop.toFixed(1)}x (target >= 10x) ${vsLoop >= 10 ? 'met' : 'NOT met'}`);
