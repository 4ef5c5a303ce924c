// The js backend's matmul kernel against ml-matrix's mmul, one thread, side by side
// (A B A B), medians. Needs the peers (../shared/peers/setup.sh installs ml-matrix into
// $PEERS_DIR, default /tmp/ck-peers). Usage: node bench/js-matmul-vs-ml-matrix.mjs [512,1024]
import { createRequire } from 'node:module';
import { join } from 'node:path';
const require = createRequire(import.meta.url);
const ck = require('../dist/index.js');
const { Matrix } = require(join(process.env.PEERS_DIR ?? '/tmp/ck-peers', 'node_modules', 'ml-matrix'));

const ROUNDS = 5;
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const seconds = (fn) => { const t0 = process.hrtime.bigint(); fn(); return Number(process.hrtime.bigint() - t0) / 1e9; };

for (const n of (process.argv[2] ?? '512,1024').split(',').map(Number)) {
  const a = ck.matrix(Float64Array, n, n), b = ck.matrix(Float64Array, n, n);
  a.data.forEach((_, i) => { a.data[i] = Math.random(); b.data[i] = Math.random(); });
  const A = new Matrix(ck.toRows(a)), B = new Matrix(ck.toRows(b));
  const ours = [], peer = [];
  for (let r = 0; r < ROUNDS; r++) {
    ours.push(seconds(() => ck.matmulSync(a, b, { backend: 'js' })));
    peer.push(seconds(() => A.mmul(B)));
  }
  const gflops = (t) => (2 * n ** 3 / t / 1e9).toFixed(2);
  console.log(`n=${n} f64 1 thread: corekernels js ${gflops(median(ours))} GFLOP/s, ml-matrix ${gflops(median(peer))} GFLOP/s, ratio ${(median(peer) / median(ours)).toFixed(2)}x (target >= 2x)`);
}
