// The installed package on any runtime (Node 20+, Bun, Deno, an arm64 Node under qemu): every
// public function on every backend this process has, against references computed here with
// naive loops, plus aborts and one error path. Run it from the folder where corekernels is
// installed:  node smoke.mjs | bun smoke.mjs | deno run -A smoke.mjs
// One line per check, then "N passed, M failed"; exits 1 on any failure.
// REQUIRE_NATIVE=1 (or --require-native) fails the run when the addon did not load.
// SEED=n repeats a run's random data (the seed is printed).
import ckDefault, * as ckNamespace from 'corekernels';
import { createRequire } from 'node:module';
import process from 'node:process';

const ck = ckDefault ?? ckNamespace;
const requireNative = process.env.REQUIRE_NATIVE === '1' || process.argv.includes('--require-native');
const seed = Number(process.env.SEED ?? (Date.now() % 1e9));

let passed = 0, failed = 0;
const pass = (name, note = '') => (passed++, console.log(`ok   ${name}${note ? ` (${note})` : ''}`));
const fail = (name, why) => (failed++, console.log(`FAIL ${name}: ${why}`));

/** Runs one check: `fn` returns nothing (pass), a note (pass), or throws (fail). */
async function check(name, fn) {
  try {
    const note = await fn();
    pass(name, typeof note === 'string' ? note : '');
  } catch (err) {
    fail(name, err?.stack ?? String(err));
  }
}

function assert(cond, what) {
  if (!cond) throw new Error(what);
}

// --- data ----------------------------------------------------------------------------------

// mulberry32: small, seedable, the same stream on every runtime.
let state = seed >>> 0;
function rand() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const randIn = (lo, hi) => lo + (hi - lo) * rand();
function randomFloats(Ctor, n) {
  const a = new Ctor(n);
  for (let i = 0; i < n; i++) a[i] = randIn(-1, 1);
  return a;
}
/** Values of the element type around [lo, hi], with NaN sprinkled into float arrays. */
function randomNumeric(Ctor, n, lo, hi, into = new Ctor(n)) {
  const big = Ctor === BigInt64Array || Ctor === BigUint64Array;
  const float = Ctor === Float32Array || Ctor === Float64Array || Ctor === globalThis.Float16Array;
  for (let i = 0; i < n; i++) {
    const x = randIn(lo, hi);
    into[i] = big ? BigInt(Math.floor(x)) : float ? (rand() < 0.01 ? NaN : x) : Math.floor(x);
  }
  return into;
}

// --- references ----------------------------------------------------------------------------

const EPS = { Float32Array: 2 ** -24, Float64Array: 2 ** -53 };

/** C = alpha·op(A)·op(B) + beta·C0 in float64, with each element's rounding-error bound. */
function referenceGemm({ layout = 'row-major', transA = false, transB = false, m, n, k, alpha = 1, beta = 0, a, lda, b, ldb, c, ldc }) {
  const col = layout === 'col-major';
  // Element (i, j) of a stored matrix with leading dimension ld.
  const at = (arr, ld, i, j) => (col ? arr[j * ld + i] : arr[i * ld + j]);
  const A = (i, p) => (transA ? at(a, lda, p, i) : at(a, lda, i, p));
  const B = (p, j) => (transB ? at(b, ldb, j, p) : at(b, ldb, p, j));
  const value = new Float64Array(m * n), bound = new Float64Array(m * n);
  const eps = EPS[a.constructor.name];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0, abs = 0;
      for (let p = 0; p < k; p++) (s += A(i, p) * B(p, j)), (abs += Math.abs(A(i, p) * B(p, j)));
      const c0 = beta === 0 ? 0 : at(c, ldc, i, j);
      value[i * n + j] = alpha * s + beta * c0;
      // Any summation order and FMA: |error| <= (k + 3)·eps·(|alpha|·Σ|a·b| + |beta·c0|).
      bound[i * n + j] = (k + 3) * eps * (Math.abs(alpha) * abs + Math.abs(beta * c0)) + Number.MIN_VALUE;
    }
  }
  return { value, bound, get: (arr, i, j) => at(arr, ldc, i, j) };
}

function compareGemm(ref, m, n, read) {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const got = read(i, j), want = ref.value[i * n + j];
      if (!(Math.abs(got - want) <= ref.bound[i * n + j]))
        throw new Error(`C[${i}][${j}] = ${got}, expected ${want} +- ${ref.bound[i * n + j]}`);
    }
  }
}

function matmulReference(A, B) {
  return referenceGemm({ m: A.rows, n: B.cols, k: A.cols, a: A.data, lda: A.cols, b: B.data, ldb: B.cols, ldc: B.cols });
}

function checkMatmul({ A, B, ref }, C) {
  assert(C.rows === A.rows && C.cols === B.cols, `result is ${C.rows}x${C.cols}, expected ${A.rows}x${B.cols}`);
  assert(C.data.constructor === A.data.constructor, `result is a ${C.data.constructor.name}`);
  compareGemm(ref, A.rows, B.cols, (i, j) => C.data[i * B.cols + j]);
}

const INCLUSIVE = {
  both: (x, lo, hi) => x >= lo && x <= hi,
  neither: (x, lo, hi) => x > lo && x < hi,
  left: (x, lo, hi) => x >= lo && x < hi,
  right: (x, lo, hi) => x > lo && x <= hi,
};

/** Count of data[from..to) in range; JS compares bigint with number exactly, and NaN never. */
function referenceCount(data, lo, hi, inclusive = 'both', from = 0, to = data.length) {
  const inRange = INCLUSIVE[inclusive];
  let n = 0;
  for (let i = from; i < to; i++) if (inRange(data[i], lo, hi)) n++;
  return n;
}

/** numpy.histogram: bin i holds edges[i] <= x < edges[i+1], the last bin also its right edge. */
function referenceHistogram(data, edges) {
  const out = new Float64Array(edges.length - 1);
  const last = edges.length - 1;
  for (let i = 0; i < data.length; i++) {
    const x = data[i];
    if (!(x >= edges[0] && x <= edges[last])) continue;
    let l = 0, h = last; // edges[l] <= x < edges[h], or x == edges[last]
    while (h - l > 1) {
      const mid = (l + h) >> 1;
      if (x >= edges[mid]) l = mid;
      else h = mid;
    }
    out[Math.min(l, last - 1)]++;
  }
  return out;
}

/** numpy's nanmin and nanmax; NaN, NaN when nothing is left. */
function referenceMinMax(data) {
  let min, max;
  for (const x of data) {
    if (x !== x) continue;
    if (min === undefined || x < min) min = x;
    if (max === undefined || x > max) max = x;
  }
  return min === undefined ? { min: NaN, max: NaN } : { min, max };
}

/** A source of consecutive pieces of data (copies), as a stream of records would arrive. */
function* piecesOf(data, size) {
  for (let i = 0; i < data.length; i += size) yield data.slice(i, i + size);
}

const sameArray = (got, want) => {
  assert(got.length === want.length, `length ${got.length}, expected ${want.length}`);
  for (let i = 0; i < want.length; i++) if (got[i] !== want[i]) throw new Error(`[${i}] = ${got[i]}, expected ${want[i]}`);
};

function expectAbortError(err, what) {
  assert(err !== undefined, `${what} resolved instead of rejecting`);
  assert(err instanceof DOMException && err.name === 'AbortError', `${what} rejected with ${err?.name}: ${err?.message}`);
}

async function timed(fn) {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function rejection(promise) {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  return undefined;
}

// --- the checks ----------------------------------------------------------------------------

const PUBLIC = [
  'matmul', 'matmulSync', 'gemm', 'gemmSync', 'gemmBatch', 'gemmBatchSync', 'countInRange', 'countInRangeSync', 'countInRangeByRow',
  'countInRangeByRowSync', 'countInRangeByColumn', 'countInRangeByColumnSync', 'histogram', 'histogramSync', 'histogramEdges', 'histogramEdgesSync',
  'minMax', 'minMaxSync', 'matvec', 'matvecSync', 'matrix', 'fromRows', 'toRows', 'shared', 'configure',
  'threads', 'info', 'close', 'codes',
];
const runtime = typeof Bun !== 'undefined' ? `Bun ${Bun.version}` : typeof Deno !== 'undefined' ? `Deno ${Deno.version.deno}`
  : `Node ${process.version}`;
const pkg = createRequire(`${process.cwd()}/`)('corekernels/package.json');
console.log(`corekernels ${pkg.version} on ${runtime} (${process.platform}-${process.arch}), seed ${seed}`);

await check('exports: every public name, named and default alike, nothing untested', () => {
  for (const name of PUBLIC) {
    assert(name in ckNamespace && ckNamespace[name] === ck[name], `${name} missing or not the same as the named export`);
    assert(name === 'codes' ? typeof ck[name] === 'object' : typeof ck[name] === 'function', `${name} is a ${typeof ck[name]}`);
  }
  const extra = Object.keys(ck).filter((k) => k !== 'default' && !PUBLIC.includes(k));
  assert(extra.length === 0, `not checked here: ${extra.join(', ')}`);
});

// The backends this version of the package takes and this process can run, found by a tiny
// Sync call on each name (an unknown name is ERR_CK_OUT_OF_RANGE, a missing engine
// ERR_CK_BACKEND_UNAVAILABLE), so a backend added later is checked without editing this list.
const CANDIDATES = ['native', 'wasm', 'workers', 'js'];
const unavailable = {};
const named = CANDIDATES.filter((backend) => {
  try {
    ck.countInRangeSync(new Int8Array(1), 0, 1, { backend });
    return true;
  } catch (err) {
    unavailable[backend] = `${err?.code}: ${err?.message}`;
    return false;
  }
});
const backends = [...named, 'auto'];
console.log(`backends: ${backends.join(', ')}`);
for (const [backend, why] of Object.entries(unavailable)) console.log(`     (not checked: ${backend}, ${why})`);

const info0 = ck.info();
await check('info()', () => {
  assert(info0.version === pkg.version, `version ${info0.version}, package.json says ${pkg.version}`);
  assert(named.includes(info0.backend), `backend ${info0.backend} is not one of ${named.join(', ')}`);
  assert(named.includes('native') === info0.native.loaded, `native.loaded is ${info0.native.loaded} but backend 'native' ${
    named.includes('native') ? 'runs' : 'does not run'}`);
  assert(Number.isInteger(info0.threads) && info0.threads >= 1 && info0.threads === ck.threads(), `threads ${info0.threads}`);
  assert(typeof info0.native.loaded === 'boolean', 'native.loaded is not a boolean');
  if (info0.native.loaded) assert(typeof info0.native.isa === 'string' && info0.native.build, JSON.stringify(info0.native));
  else assert(typeof info0.native.error === 'string', 'no error says why the addon did not load');
  return `backend ${info0.backend}, threads ${info0.threads}, native ${info0.native.loaded
    ? `${info0.native.isa} (${info0.native.build})` : `not loaded: ${info0.native.error}`}`;
});
if (requireNative) await check('the native addon loaded (REQUIRE_NATIVE)', () => assert(info0.native.loaded, info0.native.error));

await check('codes', () => {
  assert(ck.codes.SHAPE_MISMATCH === 'ERR_CK_SHAPE_MISMATCH', `SHAPE_MISMATCH is ${ck.codes.SHAPE_MISMATCH}`);
  for (const [k, v] of Object.entries(ck.codes)) assert(typeof v === 'string' && v.startsWith('ERR_CK_'), `${k}: ${v}`);
});

await check('configure() and threads()', () => {
  const before = ck.threads();
  ck.configure({ threads: 1, backend: 'js' });
  assert(ck.threads() === 1 && ck.info().threads === 1, `threads() is ${ck.threads()} after configure({ threads: 1 })`);
  assert(ck.info().backend === 'js', `info().backend is ${ck.info().backend} after configure({ backend: 'js' })`);
  ck.configure({ threads: before, backend: 'auto' });
  assert(ck.threads() === before && ck.info().backend === info0.backend, 'configure() did not restore the defaults');
  let err;
  try {
    ck.configure({ threads: 0 });
  } catch (e) {
    err = e;
  }
  assert(err instanceof RangeError && err.code === ck.codes.OUT_OF_RANGE, `configure({ threads: 0 }) threw ${err}`);
});

await check('matrix(), fromRows(), toRows(), shared()', () => {
  const m = ck.matrix(Float32Array, 3, 4);
  assert(m.rows === 3 && m.cols === 4 && m.data instanceof Float32Array && m.data.length === 12 && m.data.every((x) => x === 0), 'matrix()');
  const s = ck.matrix(Float64Array, 2, 5, { shared: true });
  assert(s.data instanceof Float64Array && s.data.buffer instanceof SharedArrayBuffer && s.data.length === 10, 'matrix({ shared: true })');
  const rows = [[1, 2.5, -3], [4, 5, 6]];
  const f = ck.fromRows(rows);
  assert(f.rows === 2 && f.cols === 3 && f.data instanceof Float64Array, 'fromRows()');
  assert(JSON.stringify(ck.toRows(f)) === JSON.stringify(rows), `toRows(fromRows(x)) = ${JSON.stringify(ck.toRows(f))}`);
  assert(ck.fromRows(rows, Float32Array).data instanceof Float32Array, 'fromRows(rows, Float32Array)');
  const sh = ck.shared(Int16Array, 7);
  assert(sh instanceof Int16Array && sh.length === 7 && sh.buffer instanceof SharedArrayBuffer, 'shared()');
});

const threadCap = Math.min(2, ck.threads());

// Shapes: tiny, odd, skinny, and a 300x300 product large enough that async calls use every thread.
const MATMUL_SHAPES = [[1, 1, 1], [7, 5, 3], [33, 17, 29], [2, 300, 2], [300, 300, 300]];
const matmulCases = MATMUL_SHAPES.map(([m, k, n], i) => {
  const Ctor = i % 2 ? Float32Array : Float64Array;
  const A = { data: randomFloats(Ctor, m * k), rows: m, cols: k }, B = { data: randomFloats(Ctor, k * n), rows: k, cols: n };
  return { name: `${m}x${k}·${k}x${n} ${Ctor.name}`, A, B, ref: matmulReference(A, B) };
});

/** Strided, transposed, col-major and scaled products, each with padding in its leading dimension. */
const gemmCases = [
  { layout: 'row-major', transA: false, transB: false, m: 9, n: 11, k: 13, alpha: 1, beta: 0, Ctor: Float64Array },
  { layout: 'row-major', transA: true, transB: true, m: 16, n: 7, k: 21, alpha: -0.5, beta: 2, Ctor: Float32Array },
  { layout: 'col-major', transA: false, transB: true, m: 12, n: 20, k: 5, alpha: 2, beta: 0.25, Ctor: Float64Array },
  { layout: 'col-major', transA: true, transB: false, m: 64, n: 70, k: 150, alpha: 1.5, beta: -1, Ctor: Float32Array },
].map(({ Ctor, ...g }) => {
  const col = g.layout === 'col-major';
  const stored = (rows, cols, pad) => { // rows x cols as stored, with pad extra per leading dimension
    const ld = (col ? rows : cols) + pad;
    return { arr: randomFloats(Ctor, (col ? cols : rows) * ld), ld };
  };
  const a = g.transA ? stored(g.k, g.m, 3) : stored(g.m, g.k, 3);
  const b = g.transB ? stored(g.n, g.k, 1) : stored(g.k, g.n, 1);
  const c = stored(g.m, g.n, 2);
  const args = () => ({ ...g, a: a.arr, lda: a.ld, b: b.arr, ldb: b.ld, c: c.arr.slice(), ldc: c.ld });
  return {
    name: `${g.layout}${g.transA ? ' Aᵀ' : ''}${g.transB ? ' Bᵀ' : ''} ${g.m}x${g.n}x${g.k} alpha ${g.alpha} beta ${g.beta} ${Ctor.name}`,
    args, ref: referenceGemm(args()),
  };
});

// Ranges over several element types; the 2M float64 one on shared memory and on a plain array.
const COUNT_N = 2_000_000;
const countCases = [
  { Ctor: Float64Array, n: 1000, lo: -0.25, hi: 0.5, inclusive: 'both' },
  { Ctor: Float32Array, n: 4099, lo: -0.5, hi: 0.75, inclusive: 'neither' },
  { Ctor: Int32Array, n: 5000, lo: -3.5, hi: 40, inclusive: 'left', range: [-50, 50] },
  { Ctor: Uint8Array, n: 777, lo: 10, hi: 200, inclusive: 'right', range: [0, 256] },
  { Ctor: BigInt64Array, n: 3001, lo: -7n, hi: 12n, inclusive: 'both', range: [-20, 20] },
  { Ctor: Float64Array, n: COUNT_N, lo: -0.3, hi: 0.6, inclusive: 'left' },
  { Ctor: Float64Array, n: COUNT_N, lo: -0.9, hi: 0.1, inclusive: 'both', shared: true },
  // Float16Array where the runtime has one (Node 24+, Bun, Deno): 0.1 is between two halves.
  ...(globalThis.Float16Array ? [{ Ctor: globalThis.Float16Array, n: 3000, lo: 0.1, hi: 0.7, inclusive: 'both' }] : []),
].map((c) => {
  const [lo, hi] = c.range ?? [-1, 1];
  const into = c.shared ? ck.shared(c.Ctor, c.n) : new c.Ctor(c.n);
  const data = randomNumeric(c.Ctor, c.n, lo, hi, into);
  return { ...c, name: `${c.Ctor.name}(${c.n})${c.shared ? ' shared' : ''} [${c.lo}, ${c.hi}] ${c.inclusive}`, data,
    want: referenceCount(data, c.lo, c.hi, c.inclusive) };
});

const byRowCases = [
  { Ctor: Int16Array, rows: 13, cols: 31, lo: -100, hi: 250, range: [-1000, 1000], inclusive: 'both' },
  { Ctor: Float64Array, rows: 2000, cols: 1000, lo: -0.5, hi: 0.5, inclusive: 'right' },
].map((c) => {
  const [lo, hi] = c.range ?? [-1, 1];
  const data = randomNumeric(c.Ctor, c.rows * c.cols, lo, hi);
  const want = Uint32Array.from({ length: c.rows }, (_, r) => referenceCount(data, c.lo, c.hi, c.inclusive, r * c.cols, (r + 1) * c.cols));
  return { ...c, name: `${c.Ctor.name} ${c.rows}x${c.cols} [${c.lo}, ${c.hi}] ${c.inclusive}`, m: { data, rows: c.rows, cols: c.cols }, want };
});

const histogramCases = [
  { Ctor: Float64Array, n: 5000, edges: [-1, -0.5, 0, 0.25, 0.5, 1] },
  { Ctor: Int32Array, n: 3000, edges: [-10, 0, 10, 20, 30], range: [-20, 40] },
  { Ctor: Float32Array, n: COUNT_N, edges: Array.from({ length: 65 }, (_, i) => -0.8 + i * 0.025) },
  ...(globalThis.Float16Array ? [{ Ctor: globalThis.Float16Array, n: 3000, edges: [-1, -0.3, 0.1, 0.5, 1] }] : []),
].map((c) => {
  const [lo, hi] = c.range ?? [-1, 1];
  const data = randomNumeric(c.Ctor, c.n, lo, hi);
  // Values exactly on every edge, the last one included.
  for (let i = 0; i < c.edges.length; i++) data[i] = c.edges[i];
  return { ...c, name: `${c.Ctor.name}(${c.n}) ${c.edges.length - 1} bins`, data, want: referenceHistogram(data, c.edges) };
});

// Small integers: every sum is exact in float32 and float64, whatever its order, so y must
// equal the plain loop's bit for bit. The 700x600 ones take several tiles on every engine.
const matvecCases = [[Float64Array, 5, 3], [Float32Array, 37, 23], [Float64Array, 700, 600]].flatMap(([Ctor, rows, cols]) =>
  [false, true].map((transpose) => {
    const a = randomNumeric(Int8Array, rows * cols, -8, 8), x = randomNumeric(Int8Array, transpose ? rows : cols, -8, 8);
    const want = new Ctor(transpose ? cols : rows);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) want[transpose ? j : i] += a[i * cols + j] * x[transpose ? i : j];
    return { name: `${Ctor.name} ${rows}x${cols}${transpose ? ' transposed' : ''}`, m: { data: Ctor.from(a), rows, cols }, x: Ctor.from(x), transpose, want };
  }));

for (const backend of backends) {
  const opts = { backend, threads: threadCap };
  for (const c of matmulCases) {
    await check(`${backend}: matmul ${c.name}`, async () => checkMatmul(c, await ck.matmul(c.A, c.B, opts)));
    await check(`${backend}: matmulSync ${c.name}`, () => checkMatmul(c, ck.matmulSync(c.A, c.B, opts)));
  }
  await check(`${backend}: matmul into options.out`, async () => {
    const c = matmulCases[2], { A, B } = c;
    const out = new A.data.constructor(A.rows * B.cols);
    const C = await ck.matmul(A, B, { ...opts, out });
    assert(C.data === out, 'the result is not options.out');
    checkMatmul(c, C);
    assert(ck.matmulSync(A, B, { ...opts, out }).data === out, 'matmulSync: the result is not options.out');
  });
  for (const { name, args, ref } of gemmCases) {
    for (const sync of [false, true]) {
      await check(`${backend}: gemm${sync ? 'Sync' : ''} ${name}`, async () => {
        const g = args();
        const out = sync ? ck.gemmSync(g, opts) : await ck.gemm(g, opts);
        assert(out === g.c, 'did not return args.c');
        compareGemm(ref, g.m, g.n, (i, j) => ref.get(out, i, j));
      });
    }
  }
  await check(`${backend}: gemmBatch and gemmBatchSync equal one gemmSync per product (B shared, stride 0)`, async () => {
    const m = 3, n = 4, k = 5, batch = 3, fill = (len) => Float64Array.from({ length: len }, (_, i) => Math.sin(i + 1));
    const a = fill(batch * m * k), b = fill(k * n), want = new Float64Array(batch * m * n);
    for (let i = 0; i < batch; i++) ck.gemmSync({ m, n, k, a: a.subarray(i * m * k), b, c: want.subarray(i * m * n) }, opts);
    for (const sync of [false, true]) {
      const c = new Float64Array(batch * m * n), g = { batch, m, n, k, a, b, c, strideB: 0 };
      assert((sync ? ck.gemmBatchSync(g, opts) : await ck.gemmBatch(g, opts)) === c, 'did not return args.c');
      sameArray(c, want);
    }
  });
  for (const c of countCases) {
    const o = { ...opts, inclusive: c.inclusive };
    await check(`${backend}: countInRange ${c.name}`, async () => {
      const got = await ck.countInRange(c.data, c.lo, c.hi, o);
      assert(got === c.want, `${got}, expected ${c.want}`);
    });
    await check(`${backend}: countInRangeSync ${c.name}`, () => {
      const got = ck.countInRangeSync(c.data, c.lo, c.hi, o);
      assert(got === c.want, `${got}, expected ${c.want}`);
    });
  }
  for (const c of byRowCases) {
    const o = { ...opts, inclusive: c.inclusive };
    await check(`${backend}: countInRangeByRow ${c.name}`, async () => sameArray(await ck.countInRangeByRow(c.m, c.lo, c.hi, o), c.want));
    await check(`${backend}: countInRangeByRowSync ${c.name} into options.out`, () => {
      const out = new Uint32Array(c.rows).fill(7);
      assert(ck.countInRangeByRowSync(c.m, c.lo, c.hi, { ...o, out }) === out, 'the result is not options.out');
      sameArray(out, c.want);
    });
  }
  for (const c of byRowCases) {
    const o = { ...opts, inclusive: c.inclusive }, { data, rows, cols } = c.m;
    const want = Uint32Array.from({ length: cols }, (_, j) => {
      let k = 0;
      for (let r = 0; r < rows; r++) k += referenceCount(data, c.lo, c.hi, c.inclusive, r * cols + j, r * cols + j + 1);
      return k;
    });
    await check(`${backend}: countInRangeByColumn ${c.name}`, async () => sameArray(await ck.countInRangeByColumn(c.m, c.lo, c.hi, o), want));
    await check(`${backend}: countInRangeByColumnSync ${c.name} into options.out`, () => {
      const out = new Uint32Array(cols).fill(7);
      assert(ck.countInRangeByColumnSync(c.m, c.lo, c.hi, { ...o, out }) === out, 'the result is not options.out');
      sameArray(out, want);
    });
  }
  await check(`${backend}: options.valid (a validity bitmap) leaves the clear elements out of counts, histograms and minMax`, async () => {
    const c = histogramCases[0], valid = new Uint8Array(Math.ceil(c.data.length / 8));
    for (let i = 0; i < valid.length; i++) valid[i] = (i * 37) & 0xff;
    const kept = c.data.filter((_, i) => (valid[i >> 3] >> (i & 7)) & 1);
    sameArray(await ck.histogram(c.data, c.edges, { ...opts, valid }), referenceHistogram(kept, c.edges));
    const n = ck.countInRangeSync(c.data, -0.5, 0.5, { ...opts, valid }), want = referenceCount(kept, -0.5, 0.5, 'both', 0, kept.length);
    assert(n === want, `countInRangeSync ${n}, expected ${want}`);
    const mm = await ck.minMax(c.data, { ...opts, valid }), wantMm = referenceMinMax(kept);
    assert(mm.min === wantMm.min && mm.max === wantMm.max, `minMax ${mm.min}..${mm.max}, expected ${wantMm.min}..${wantMm.max}`);
  });
  for (const c of histogramCases) {
    await check(`${backend}: histogram ${c.name}`, async () => sameArray(await ck.histogram(c.data, c.edges, opts), c.want));
    await check(`${backend}: histogramSync ${c.name}`, () => sameArray(ck.histogramSync(c.data, c.edges, opts), c.want));
  }
  for (const c of matvecCases) {
    const o = { ...opts, transpose: c.transpose };
    await check(`${backend}: matvec ${c.name}`, async () => sameArray(await ck.matvec(c.m, c.x, o), c.want));
    await check(`${backend}: matvecSync ${c.name}`, () => sameArray(ck.matvecSync(c.m, c.x, o), c.want));
  }

  for (const c of histogramCases) {
    // Halves add exactly: weights of 0.5 give half the counts; density divides by total and width.
    const halves = new Float64Array(c.data.length).fill(0.5), total = c.want.reduce((s, x) => s + x, 0);
    await check(`${backend}: histogram ${c.name} with weights`, async () =>
      sameArray(await ck.histogram(c.data, c.edges, { ...opts, weights: halves }), c.want.map((x) => x / 2)));
    await check(`${backend}: histogramSync ${c.name} with density`, () =>
      sameArray(ck.histogramSync(c.data, c.edges, { ...opts, density: true }), c.want.map((x, i) => x / (c.edges[i + 1] - c.edges[i]) / total)));
    await check(`${backend}: histogramEdges ${c.name}: a bin count spans the data; an estimator's edges are histogram's`, async () => {
      const mm = referenceMinMax(c.data), e = await ck.histogramEdges(c.data, 10, opts);
      assert(e.length === 11 && e[0] === Number(mm.min) && e[10] === Number(mm.max), `edges ${e[0]}..${e[10]} (${e.length})`);
      const o = { ...opts, range: c.range ?? [-1, 1] }; // the data holds NaN, which an estimator refuses without a range
      const sturges = ck.histogramEdgesSync(c.data, 'sturges', o);
      sameArray(await ck.histogram(c.data, 'sturges', o), ck.histogramSync(c.data, Array.from(sturges), opts));
    });
  }

  for (const c of [...countCases, ...histogramCases]) {
    const want = referenceMinMax(c.data);
    const same = (got) => assert(Object.is(got.min, want.min) && Object.is(got.max, want.max) || (got.min === want.min && got.max === want.max),
      `${JSON.stringify(got, (_, v) => typeof v === 'bigint' ? `${v}n` : v)}, expected ${want.min}..${want.max}`);
    await check(`${backend}: minMax ${c.name}`, async () => same(await ck.minMax(c.data, opts)));
    await check(`${backend}: minMaxSync ${c.name}`, () => same(ck.minMaxSync(c.data, opts)));
  }
  await check(`${backend}: countInRange, histogram and minMax over a source of chunks equal the in-memory calls`, async () => {
    const c = histogramCases.at(-1), pieces = () => piecesOf(c.data, 100_003);
    sameArray(await ck.histogram(pieces(), c.edges, opts), c.want);
    const k = countCases.find((x) => x.data.length >= 1_000_000 && typeof x.lo === 'number') ?? countCases[0];
    const got = await ck.countInRange(piecesOf(k.data, 65_537), k.lo, k.hi, { ...opts, inclusive: k.inclusive });
    assert(got === k.want, `${got}, expected ${k.want}`);
    const mm = await ck.minMax(pieces(), opts), want = referenceMinMax(c.data);
    assert(mm.min === want.min && mm.max === want.max, `minMax ${mm.min}..${mm.max}, expected ${want.min}..${want.max}`);
  });

  await check(`${backend}: an aborted signal rejects every async function with AbortError`, async () => {
    const signal = AbortSignal.abort();
    const o = { ...opts, signal };
    const { A, B } = matmulCases[1];
    const calls = {
      matmul: () => ck.matmul(A, B, o),
      gemm: () => ck.gemm(gemmCases[0].args(), o),
      countInRange: () => ck.countInRange(countCases[0].data, 0, 1, o),
      countInRangeByRow: () => ck.countInRangeByRow(byRowCases[0].m, 0, 1, o),
      countInRangeByColumn: () => ck.countInRangeByColumn(byRowCases[0].m, 0, 1, o),
      histogram: () => ck.histogram(histogramCases[0].data, histogramCases[0].edges, o),
      minMax: () => ck.minMax(countCases[0].data, o),
      matvec: () => ck.matvec(matvecCases[0].m, matvecCases[0].x, o),
      histogramEdges: () => ck.histogramEdges(histogramCases[0].data, 'auto', o),
    };
    for (const [fn, call] of Object.entries(calls)) expectAbortError(await rejection(call()), fn);
  });

  await check(`${backend}: a running matmul aborted mid-way rejects with AbortError`, async () => {
    // Sized from a timed 300x300 product so that it would run for ~0.5 s on this backend and
    // runtime (JS kernels ~800, the addon 2000): still running when the abort lands at 20 ms.
    const { A: A300 } = matmulCases.at(-1); // 300x300
    const t300 = await timed(() => ck.matmul(A300, A300, opts));
    const n = Math.max(300, Math.min(2000, Math.round(300 * Math.cbrt(500 / Math.max(t300, 0.01)))));
    const A = { data: new Float64Array(n * n).fill(0.5), rows: n, cols: n };
    const ac = new AbortController();
    const started = performance.now();
    const pending = ck.matmul(A, A, { ...opts, signal: ac.signal });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const abortedAt = performance.now();
    ac.abort();
    expectAbortError(await rejection(pending), `matmul ${n}x${n}`);
    const now = performance.now();
    return `${n}x${n}: aborted after ${(abortedAt - started).toFixed(0)} ms, rejected ${(now - abortedAt).toFixed(0)} ms later`;
  });

  await check(`${backend}: a shape mismatch is a RangeError ${ck.codes.SHAPE_MISMATCH}`, async () => {
    const A = ck.matrix(Float64Array, 2, 3), B = ck.matrix(Float64Array, 2, 3);
    const err = await rejection(ck.matmul(A, B, opts));
    assert(err instanceof RangeError && err.code === 'ERR_CK_SHAPE_MISMATCH', `matmul rejected with ${err}`);
    let sync;
    try {
      ck.matmulSync(A, B, opts);
    } catch (e) {
      sync = e;
    }
    assert(sync instanceof RangeError && sync.code === 'ERR_CK_SHAPE_MISMATCH', `matmulSync threw ${sync}`);
  });
}

if (!named.includes('native')) {
  await check(`backend 'native' without the addon is ${ck.codes.BACKEND_UNAVAILABLE}`, async () => {
    const err = await rejection(ck.countInRange(new Int8Array(4), 0, 1, { backend: 'native' }));
    assert(err?.code === 'ERR_CK_BACKEND_UNAVAILABLE', `rejected with ${err}`);
  });
}

await check('close(), then the workers start again on the next call', async () => {
  await ck.close();
  const c = countCases[5];
  const got = await ck.countInRange(c.data, c.lo, c.hi, { backend: 'workers', inclusive: c.inclusive });
  assert(got === c.want, `${got}, expected ${c.want}`);
});

await ck.close();
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
