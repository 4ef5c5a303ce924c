// Where the workers backend starts to beat running the JS kernel inline: both measured side
// by side (A B A B) over growing sizes; the first size where workers win is the crossover
// that dispatch.ts's cost model (WORKERS_MIN_SAVING_NS) is fitted to. Usage: node bench/workers-crossover.mjs
import { createRequire } from 'node:module';
const ck = createRequire(import.meta.url)('../dist/index.js');

const ROUNDS = 7;
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
async function usPerCall(fn, calls) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) await fn();
  return Number(process.hrtime.bigint() - t0) / 1e3 / calls;
}
async function sweep(label, sizes, make) {
  for (const size of sizes) {
    const { work, inline, workers } = make(size);
    const calls = Math.max(3, Math.min(300, Math.round(3e6 / work)));
    await usPerCall(inline, calls); await usPerCall(workers, calls);
    const a = [], b = [];
    for (let r = 0; r < ROUNDS; r++) { a.push(await usPerCall(inline, calls)); b.push(await usPerCall(workers, calls)); }
    const ratio = median(a) / median(b);
    console.log(`${label} ${String(size).padStart(8)} work=${work.toExponential(1)}: inline ${median(a).toFixed(0)} us, workers ${median(b).toFixed(0)} us, workers ${ratio >= 1 ? 'win' : 'lose'} ${ratio.toFixed(2)}x`);
  }
}

await sweep('count f64 n=', [1 << 14, 1 << 16, 1 << 18, 1 << 20, 1 << 22], (n) => {
  const data = ck.shared(Float64Array, n); // filled in place: .map() would return an unshared copy
  for (let i = 0; i < n; i++) data[i] = Math.random();
  return { work: n, inline: () => ck.countInRange(data, 0.2, 0.6, { backend: 'js' }), workers: () => ck.countInRange(data, 0.2, 0.6, { backend: 'workers' }) };
});
await sweep('matmul f64 n=', [16, 32, 64, 96, 128, 192], (n) => {
  const a = ck.matrix(Float64Array, n, n, { shared: true }), out = ck.shared(Float64Array, n * n);
  a.data.forEach((_, i) => { a.data[i] = Math.random(); });
  return { work: n ** 3, inline: () => ck.matmul(a, a, { backend: 'js', out }), workers: () => ck.matmul(a, a, { backend: 'workers', out }) };
});
await ck.close();
