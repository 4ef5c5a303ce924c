// The workers backend on every core against the single-thread js backend (its Sync twin,
// straight through on one thread), side by side (A B A B), medians: matmul at n = 512 and
// 1024, and a 1 GiB float64 count on shared memory. Usage: node bench/workers-vs-js.mjs
import { createRequire } from 'node:module';
const ck = createRequire(import.meta.url)('../dist/index.js');

const ROUNDS = 5, threads = ck.threads();
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
async function seconds(fn) { const t0 = process.hrtime.bigint(); await fn(); return Number(process.hrtime.bigint() - t0) / 1e9; }

async function compare(label, single, parallel) {
  await single(); await parallel(); // warm-up: JIT, worker start
  const s = [], p = [];
  for (let r = 0; r < ROUNDS; r++) { s.push(await seconds(single)); p.push(await seconds(parallel)); }
  console.log(`${label}: js 1 thread ${(median(s) * 1e3).toFixed(1)} ms, workers ${threads} threads ${(median(p) * 1e3).toFixed(1)} ms, speedup ${(median(s) / median(p)).toFixed(2)}x (target >= 1.7x)`);
}

for (const n of [512, 1024]) {
  const a = ck.matrix(Float64Array, n, n, { shared: true }), b = ck.matrix(Float64Array, n, n, { shared: true });
  a.data.forEach((_, i) => { a.data[i] = Math.random(); b.data[i] = Math.random(); });
  const out = ck.shared(Float64Array, n * n);
  await compare(`matmul f64 n=${n}`, () => ck.matmulSync(a, b, { backend: 'js', out }), () => ck.matmul(a, b, { backend: 'workers', out }));
}
const data = ck.shared(Float64Array, 1 << 27); // 1 GiB
for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) % 1000;
await compare('countInRange f64 1 GiB (shared)', () => ck.countInRangeSync(data, 100, 500, { backend: 'js' }),
  () => ck.countInRange(data, 100, 500, { backend: 'workers' }));
await ck.close();
