// Float16Array against float32 on the addon: the issue's target "matmul Float16Array n = 1024,
// 1 thread >= 0.8x the float32 GFLOP/s" (half operands are widened as the GEMM packs them,
// and C is rounded as each chunk of it is final), plus what reading halves costs a count and a histogram
// next to float32 data. Each ratio from one run, contenders alternated (A B A B ...), medians.
// Needs Node 24+ (Float16Array). Run it alone on an idle machine.
//   node bench/float16.mjs [--rounds N] [--quick]
// --quick: one round at small sizes, to check the script runs (its figures mean nothing).
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
const ck = createRequire(import.meta.url)('../dist/index.js');

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '7' }, quick: { type: 'boolean', default: false } } });
const quick = values.quick;
const ROUNDS = quick ? 1 : Number(values.rounds);
if (typeof globalThis.Float16Array !== 'function') throw new Error(`Float16Array needs Node 24 or later (this is ${process.version})`);
const info = ck.info();
if (!info.native.loaded) throw new Error(`the native addon did not load: ${info.native.error}`);
console.log(`native ${info.native.isa} · node ${process.version}`);

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
function seconds(fn) { const t0 = process.hrtime.bigint(); fn(); return Number(process.hrtime.bigint() - t0) / 1e9; }
/** Every contender once per round after one warm-up each; medians in seconds. */
function race(contenders) {
  for (const fn of Object.values(contenders)) fn();
  const times = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  for (let r = 0; r < ROUNDS; r++) for (const [k, fn] of Object.entries(contenders)) times[k].push(seconds(fn));
  return Object.fromEntries(Object.entries(times).map(([k, t]) => [k, median(t)]));
}
function filled(Ctor, n, seed) {
  const x = new Ctor(n);
  let s = seed;
  for (let i = 0; i < n; i++) { s = (s * 1103515245 + 12345) >>> 0; x[i] = s / 2 ** 32 - 0.5; }
  return x;
}

const rows = [];
{
  const n = quick ? 64 : 1024, flops = 2 * n ** 3;
  const [a32, b32] = [filled(Float32Array, n * n, 1), filled(Float32Array, n * n, 2)];
  const [a16, b16] = [Float16Array.from(a32), Float16Array.from(b32)];
  const m = (data) => ({ data, rows: n, cols: n });
  const out32 = new Float32Array(n * n), out16 = new Float16Array(n * n);
  const t = race({
    f32: () => ck.matmulSync(m(a32), m(b32), { backend: 'native', threads: 1, out: out32 }),
    f16: () => ck.matmulSync(m(a16), m(b16), { backend: 'native', threads: 1, out: out16 }),
    'f16 into f32': () => ck.matmulSync(m(a16), m(b16), { backend: 'native', threads: 1, out: out32 }),
  });
  const gf = (s) => (flops / s / 1e9).toFixed(1);
  const ratio = t.f32 / t.f16;
  rows.push({ case: `matmul n=${n}, 1 thread`, ratio: `${ratio.toFixed(2)}x`, target: '>= 0.8x', met: ratio >= 0.8 ? 'yes' : 'NO',
    detail: `f32 ${gf(t.f32)}, f16 ${gf(t.f16)}, f16 into f32 ${gf(t['f16 into f32'])} GFLOP/s` });
}
{
  const n = quick ? 1 << 16 : 1 << 25;
  const d32 = filled(Float32Array, n, 3), d16 = Float16Array.from(d32);
  const edges = Array.from({ length: 65 }, (_, i) => i / 64 - 0.5);
  for (const [name, call] of [['countInRange', (d) => ck.countInRangeSync(d, -0.25, 0.25)], ['histogram, 64 bins', (d) => ck.histogramSync(d, edges)]]) {
    const t = race({ f32: () => call(d32), f16: () => call(d16) });
    rows.push({ case: `${name}, ${n} elements`, ratio: `${(t.f32 / t.f16).toFixed(2)}x`, target: '(info)', met: '',
      detail: `f32 ${(n / t.f32 / 1e9).toFixed(2)}, f16 ${(n / t.f16 / 1e9).toFixed(2)} G elements/s` });
  }
}
console.table(rows);
