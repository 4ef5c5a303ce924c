// The WebAssembly engine against the addon and the JS kernels: the targets of the issue "runs
// fast everywhere", each ratio from one run, side by side (A B A B ...), medians. Run it
// alone on an idle machine. On Node 20 add --experimental-wasm-relaxed-simd for the relaxed
// SIMD build (Node 22+ has it on); the line "wasm build" says which one ran.
//   node [--experimental-wasm-relaxed-simd] bench/wasm-vs-native.mjs [--rounds N] [--quick]
// --quick: one round at small sizes, to check the script runs (its figures mean nothing).
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
const ck = createRequire(import.meta.url)('../dist/index.js');

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, quick: { type: 'boolean', default: false } } });
const quick = values.quick;
const ROUNDS = quick ? 1 : Number(values.rounds);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
async function seconds(fn) { const t0 = process.hrtime.bigint(); await fn(); return Number(process.hrtime.bigint() - t0) / 1e9; }

const info = ck.info();
if (!info.wasm.loaded) throw new Error(`the WebAssembly engine did not load: ${info.wasm.error}`);
console.log(`wasm build ${info.wasm.simd} · native ${info.native.loaded ? info.native.isa : 'not loaded'} · node ${process.version}`);

/** Runs every contender once per round, in the same order each round, after one warm-up each; returns medians in seconds. */
async function race(contenders) {
  for (const fn of Object.values(contenders)) await fn();
  const times = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  for (let r = 0; r < ROUNDS; r++) for (const [k, fn] of Object.entries(contenders)) times[k].push(await seconds(fn));
  return Object.fromEntries(Object.entries(times).map(([k, t]) => [k, median(t)]));
}

const rows = [];
function row(name, ratio, target, detail) {
  rows.push({ case: name, ratio: `${ratio.toFixed(2)}x`, target, met: ratio >= Number(target.replace(/[^0-9.]/g, '')) ? 'yes' : 'NO', detail });
}
const ms = (s) => `${(s * 1e3).toFixed(1)} ms`;

function randomMatrix(Ctor, n) {
  const m = ck.matrix(Ctor, n, n);
  for (let i = 0; i < m.data.length; i++) m.data[i] = Math.random() - 0.5;
  return m;
}

for (const [Ctor, dtype, nativeTarget] of [[Float32Array, 'f32', '>= 0.25'], [Float64Array, 'f64', '>= 0.20']]) {
  const n = quick ? 128 : 512;
  const a = randomMatrix(Ctor, n), b = randomMatrix(Ctor, n), out = new Ctor(n * n);
  const contenders = {
    wasm: () => ck.matmulSync(a, b, { backend: 'wasm', out }),
    js: () => ck.matmulSync(a, b, { backend: 'js', out }),
  };
  if (info.native.loaded) contenders.native = () => ck.matmulSync(a, b, { backend: 'native', threads: 1, out });
  const t = await race(contenders);
  const detail = Object.entries(t).map(([k, s]) => `${k} ${ms(s)}`).join(', ');
  if (t.native) row(`matmulSync ${dtype} n=${n}, 1 thread: wasm / native`, t.native / t.wasm, nativeTarget, detail);
  row(`matmulSync ${dtype} n=${n}, 1 thread: wasm / js`, t.js / t.wasm, '>= 4', detail);
}

{
  const bytes = quick ? 8 << 20 : 256 << 20;
  const data = new Float64Array(bytes / 8);
  for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) % 1000;
  const contenders = {
    wasm: () => ck.countInRangeSync(data, 100, 500, { backend: 'wasm' }),
    js: () => ck.countInRangeSync(data, 100, 500, { backend: 'js' }),
  };
  if (info.native.loaded) contenders.native = () => ck.countInRangeSync(data, 100, 500, { backend: 'native', threads: 1 });
  const t = await race(contenders);
  const detail = Object.entries(t).map(([k, s]) => `${k} ${ms(s)}`).join(', ');
  const name = `countInRangeSync ${bytes >> 20} MiB f64, 1 thread`;
  if (t.native) row(`${name}: wasm / native`, t.native / t.wasm, '>= 0.35', detail);
  row(`${name}: wasm / js`, t.js / t.wasm, '>= 3', detail);
}

if (ck.threads() >= 2) {
  const n = quick ? 128 : 768;
  const a = randomMatrix(Float32Array, n), b = randomMatrix(Float32Array, n), out = new Float32Array(n * n);
  const t = await race({
    one: () => ck.matmul(a, b, { backend: 'wasm', threads: 1, out }),
    two: () => ck.matmul(a, b, { backend: 'wasm', threads: 2, out }),
  });
  row(`async wasm matmul f32 n=${n}: 2 threads / 1 thread`, t.one / t.two, '>= 1.7', `1 thread ${ms(t.one)}, 2 threads ${ms(t.two)}`);
}

console.log(`\n| case | ratio | target | met | times (median of ${ROUNDS}) |\n| --- | --- | --- | --- | --- |`);
for (const r of rows) console.log(`| ${r.case} | ${r.ratio} | ${r.target} | ${r.met} | ${r.detail} |`);
await ck.close();
