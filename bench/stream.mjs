// Streams (issue 13): counts, histograms and minMax over sources, against the time it takes
// merely to read the same source and against the in-memory call, in one run with the
// contenders alternating (A B A B), medians reported.
//
//   node --expose-gc bench/stream.mjs [--gib=1] [--big-gib=10] [--rounds=5] [--only=file,rss,chunks]
//
// file    countInRange / histogram (64 bins) / minMax over fs.createReadStream of a float64
//         file (page cache warm) vs draining the same stream: target >= 0.8x
// rss     a generator of --big-gib GiB of chunks: peak RSS growth, target < 256 MiB
// chunks  an async iterable of 1..100,000-element Float64Array chunks vs the in-memory call
//         on the concatenated array: target >= 0.5x the throughput
// Run it alone (flock /tmp/ck-bench.lock ...): two benchmarks at once measure noise.
import { createReadStream, openSync, writeSync, closeSync, rmSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ck = createRequire(import.meta.url)('../dist/index.js');
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, v]) => [k, v ?? true]));
const GIB = Number(args.gib ?? 1), BIG_GIB = Number(args['big-gib'] ?? 10), ROUNDS = Number(args.rounds ?? 5);
const only = args.only ? new Set(String(args.only).split(',')) : undefined;
const want = (c) => !only || only.has(c);

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };
const cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? 'unknown CPU';
const info = ck.info();
console.log(`corekernels ${info.version} · Node ${process.version} · ${cpu} · threads ${ck.threads()} · ${info.native.loaded ? `native ${info.native.isa}` : 'no addon'}`);

/** Runs each contender once per round, in turn; returns { name: median ms }. */
async function alternate(contenders, rounds) {
  const t = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  for (let r = 0; r < rounds; r++)
    for (const [k, f] of Object.entries(contenders)) {
      globalThis.gc?.();
      const t0 = performance.now();
      await f();
      t[k].push(performance.now() - t0);
    }
  return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, median(v)]));
}

const EDGES = Array.from({ length: 65 }, (_, i) => i / 64);
const fmt = (ms, bytes) => `${ms.toFixed(0)} ms (${(bytes / ms / 1e6).toFixed(2)} GB/s)`;

if (want('file')) {
  const file = join(tmpdir(), `ck-stream-${process.pid}.f64`), bytes = GIB * 2 ** 30;
  try {
    const block = new Float64Array(1 << 20);
    const fd = openSync(file, 'w');
    for (let done = 0; done < bytes; done += block.byteLength) {
      for (let i = 0; i < block.length; i++) block[i] = Math.random();
      writeSync(fd, block);
    }
    closeSync(fd);
    const stream = () => createReadStream(file); // Node's default 64 KiB chunks
    const drain = async () => { for await (const chunk of stream()) void chunk; };
    await drain(); // page cache warm
    const m = await alternate({
      drain,
      countInRange: () => ck.countInRange(stream(), 0.25, 0.75, { dtype: 'float64' }),
      histogram: () => ck.histogram(stream(), EDGES, { dtype: 'float64' }),
      minMax: () => ck.minMax(stream(), { dtype: 'float64' }),
    }, ROUNDS);
    console.log(`\n## fs.createReadStream of ${GIB} GiB of float64 (warm), median of ${ROUNDS}`);
    console.log(`| call | time | vs draining the stream (target >= 0.8x) |\n| --- | --- | --- |`);
    for (const [k, ms] of Object.entries(m)) console.log(`| ${k} | ${fmt(ms, bytes)} | ${(m.drain / ms).toFixed(2)}x |`);
  } finally {
    rmSync(file, { force: true });
  }
}

if (want('rss')) {
  // 32 KiB chunks, below the in-place size: every byte goes through the gathered blocks.
  const chunk = Float64Array.from({ length: 1 << 12 }, () => Math.random());
  const chunks = (BIG_GIB * 2 ** 30) / chunk.byteLength;
  // One buffer yielded again and again: a reader's own garbage (a fresh chunk per
  // step) would measure V8's collector, not what the call keeps.
  async function* source() {
    for (let i = 0; i < chunks; i++) yield chunk;
  }
  globalThis.gc?.();
  const before = process.resourceUsage().maxRSS * 1024; // the peak so far: growth past it is this call's
  const t0 = performance.now();
  const n = await ck.countInRange(source(), 0.25, 0.75);
  const ms = performance.now() - t0;
  const peak = process.resourceUsage().maxRSS * 1024;
  console.log(`\n## a generator of ${BIG_GIB} GiB (32 KiB chunks): ${fmt(ms, BIG_GIB * 2 ** 30)}, count ${n}`);
  console.log(`peak RSS before ${(before / 2 ** 20).toFixed(0)} MiB, after ${(peak / 2 ** 20).toFixed(0)} MiB: grew ${((peak - before) / 2 ** 20).toFixed(0)} MiB (target < 256 MiB)`);
}

if (want('chunks')) {
  const n = 64 * 2 ** 20, all = Float64Array.from({ length: n }, () => Math.random());
  const pieces = [];
  for (let at = 0; at < n;) {
    const len = 1 + Math.floor(Math.random() * 100_000);
    pieces.push(all.slice(at, at + len));
    at += len;
  }
  async function* source() { yield* pieces; }
  const m = await alternate({
    inMemory: () => ck.countInRange(all, 0.25, 0.75),
    source: () => ck.countInRange(source(), 0.25, 0.75),
    histogramInMemory: () => ck.histogram(all, EDGES),
    histogramSource: () => ck.histogram(source(), EDGES),
  }, ROUNDS);
  console.log(`\n## ${pieces.length} chunks of 1..100,000 float64 (${n * 8 / 2 ** 20} MiB), median of ${ROUNDS}`);
  console.log(`| call | in memory | over the source | ratio (target >= 0.5x) |\n| --- | --- | --- | --- |`);
  console.log(`| countInRange | ${fmt(m.inMemory, n * 8)} | ${fmt(m.source, n * 8)} | ${(m.inMemory / m.source).toFixed(2)}x |`);
  console.log(`| histogram 64 | ${fmt(m.histogramInMemory, n * 8)} | ${fmt(m.histogramSource, n * 8)} | ${(m.histogramInMemory / m.histogramSource).toFixed(2)}x |`);
}
await ck.close();
