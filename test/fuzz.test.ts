// Hostile input (issue 5): property-based fuzzing with fast-check, 10,000 calls on each
// backend. Inputs: wrong types (strings, objects, plain arrays, array-likes, proxies of
// TypedArrays, DataView, ArrayBuffer, null, symbols, bigints), NaN / negative / huge / non-integer /
// infinite sizes, detached buffers (structuredClone with transfer), overlapping `out` and
// `c`, SharedArrayBuffer and Node Buffer inputs, views at offsets, lying shapes (rows*cols
// beyond the data), too-small leading dimensions, subclasses named like other TypedArrays,
// bad options (backend, threads, signal, inclusive) and bad option objects. Half the calls
// are "clean" (every choice valid), so that results get compared as often as errors.
//
// Root causes found here got their own deterministic tests further down (subclasses named
// like another TypedArray, inputs whose own properties lie, huge sparse edges).
//
// Every call must do exactly one of:
// - succeed, when the input is valid by the documented rules (README "Errors", DESIGN), with
//   a result equal to the independent reference (helpers/reference.ts), inputs unchanged;
// - fail with an Error whose `code` is one of ck.codes, of the documented class (TypeError /
//   RangeError / Error), whose message starts with the function's name, and whose code names
//   one of the input's actual problems (a model below lists them from the documented rules);
// - reject with an AbortError when the signal was aborted.
// Async functions reject (never throw); Sync twins throw (never return a promise). The
// process never crashes: a crash would end this test file.
//
// A run collects every violation (it does not stop at the first), then fails listing them
// by kind with a few examples each. The seed is fixed (printed); FUZZ_SEED=<n> replays a
// run, FUZZ_SEED=random explores new ones;
// FUZZ_REPORT=<file> also appends the violations to a file.
//
// Inputs that lie about themselves (an own `length` or `constructor` property) are tested in
// child processes at the end of this file: today they can crash the process.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { appendFileSync } from 'node:fs';
import * as ck from '../dist/index.js';
import { backends, type Backend } from './helpers/backends.js';
import { describeExit, runScript } from './helpers/child.js';
import {
  TOL_F32,
  TOL_F64,
  gemmMismatches,
  minLd,
  mulberry32,
  refCount,
  refCountByRow,
  refGemm,
  refHistogram,
  requiredLength,
  storedShape,
  type Layout,
  type Scalar,
} from './helpers/reference.js';

const CALLS_ASYNC_PER_BACKEND = 6000;
const CALLS_SYNC_PER_BACKEND = 4000;
/** Fixed by default so that CI is deterministic; FUZZ_SEED=<n> replays one, FUZZ_SEED=random explores. */
const SEED =
  process.env.FUZZ_SEED === 'random' ? Date.now() % 2 ** 31 : process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 20260505;

const ALL_CODES = new Set<string>(Object.values(ck.codes));
const TYPE_CODES = new Set<string>([ck.codes.INVALID_ARG_TYPE, ck.codes.DETACHED]);
const PLAIN_CODES = new Set<string>([ck.codes.BACKEND_UNAVAILABLE, ck.codes.WORKER_DIED, ck.codes.NATIVE_FAILURE]);
const C = ck.codes;
/** Result arrays larger than this would really be allocated (and filled): such calls are skipped. */
const MAX_ALLOC = 1 << 16;
/** Above this no TypedArray can be allocated: a RangeError with ERR_CK_OUT_OF_MEMORY is due. */
const MAX_TYPED_LENGTH = 2 ** 32;

// ---------------------------------------------------------------------------------------
// Intrinsic facts about values (what a lying object cannot change)

const typedProto = Object.getPrototypeOf(Int8Array.prototype) as object;
const tagOf = (x: unknown): string | undefined =>
  Object.getOwnPropertyDescriptor(typedProto, Symbol.toStringTag)!.get!.call(x) as string | undefined;
const lengthOf = (x: unknown): number => Object.getOwnPropertyDescriptor(typedProto, 'length')!.get!.call(x) as number;
const byteOffsetOf = (x: unknown): number => Object.getOwnPropertyDescriptor(typedProto, 'byteOffset')!.get!.call(x) as number;
const byteLengthOf = (x: unknown): number => Object.getOwnPropertyDescriptor(typedProto, 'byteLength')!.get!.call(x) as number;
const bufferOf = (x: unknown): ArrayBufferLike => Object.getOwnPropertyDescriptor(typedProto, 'buffer')!.get!.call(x) as ArrayBufferLike;

const NUMERIC_TAGS = [
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
  'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
];
const FLOAT_TAGS = ['Float32Array', 'Float64Array'];
const CTORS: Record<string, any> = {
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array,
};
const isBigTag = (t: string | undefined) => t === 'BigInt64Array' || t === 'BigUint64Array';

/** Arrays this run detached (ArrayBuffer.prototype.detached is not in every Node 20). */
const detached = new WeakSet<object>();
const detachedBuffers = new WeakSet<object>();
const isTyped = (x: unknown) => tagOf(x) !== undefined;

/** TypedArray subclasses whose constructor name is another type's: the type is still the real one (tested below). */
function misnamed<T>(Base: T, name: string): T {
  const Sub = class extends (Base as any) {};
  Object.defineProperty(Sub, 'name', { value: name });
  return Sub as T;
}
const MISNAMED: Record<string, { base: string; ctor: any }> = {
  'Int32Array named BigInt64Array': { base: 'Int32Array', ctor: misnamed(Int32Array, 'BigInt64Array') },
  'Int16Array named Float32Array': { base: 'Int16Array', ctor: misnamed(Int16Array, 'Float32Array') },
  'Float64Array named Int8Array': { base: 'Float64Array', ctor: misnamed(Float64Array, 'Int8Array') },
  'Float32Array named Float64Array': { base: 'Float32Array', ctor: misnamed(Float32Array, 'Float64Array') },
  'BigInt64Array named Uint8Array': { base: 'BigInt64Array', ctor: misnamed(BigInt64Array, 'Uint8Array') },
};

// ---------------------------------------------------------------------------------------
// Descriptions of inputs (plain data, printable) and how to build them

const HOSTILE = [
  'null', 'undefined', 'string', 'number', 'object', 'plainArray', 'arrayLike', 'dataView', 'arrayBuffer', 'function', 'bigint', 'symbol', 'boolean', 'proxy',
] as const;
type Hostile = (typeof HOSTILE)[number];

function hostile(v: Hostile): unknown {
  switch (v) {
    case 'null': return null;
    case 'undefined': return undefined;
    case 'string': return '1,2,3';
    case 'number': return 3;
    case 'object': return { a: 1 };
    case 'plainArray': return [1, 2, 3, 4];
    case 'arrayLike': return { length: 4, 0: 1, 1: 2, 2: 3, 3: 4 };
    case 'dataView': return new DataView(new ArrayBuffer(32));
    case 'arrayBuffer': return new ArrayBuffer(32);
    case 'function': return () => 1;
    case 'bigint': return 5n;
    case 'symbol': return Symbol('x');
    case 'boolean': return true;
    case 'proxy': return new Proxy(new Float64Array(16).fill(1), {}); // looks like a Float64Array, is not one
  }
}

interface TypedDesc {
  t: 'typed';
  /** A tag from NUMERIC_TAGS, 'Buffer' (Node Buffer: a Uint8Array), or a key of MISNAMED. */
  kind: string;
  /** Added to the length the shape needs (negative: the array is too short for its shape). */
  delta: number;
  offset: number;
  shared: boolean;
  detach: boolean;
  seed: number;
}
type ArrDesc = TypedDesc | { t: 'hostile'; v: Hostile };

const weighted = (pct: number) => fc.integer({ min: 0, max: 99 }).map((x) => x < pct);

function arrArb(preferred: string[], others: string[]): fc.Arbitrary<ArrDesc> {
  const typed = (kinds: string[]) =>
    fc.record({
      t: fc.constant('typed' as const),
      kind: fc.constantFrom(...kinds),
      delta: fc.constantFrom(0, 0, 0, 0, 0, 1, 3, -1, -2),
      offset: fc.integer({ min: 0, max: 2 }),
      shared: weighted(20),
      detach: weighted(6),
      seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    });
  const hostileArr = fc.constantFrom(...HOSTILE).map((v): ArrDesc => ({ t: 'hostile', v }));
  return others.length
    ? fc.oneof({ weight: 12, arbitrary: typed(preferred) as fc.Arbitrary<ArrDesc> }, { weight: 1, arbitrary: typed(others) }, { weight: 1, arbitrary: hostileArr })
    : fc.oneof({ weight: 12, arbitrary: typed(preferred) as fc.Arbitrary<ArrDesc> }, { weight: 1, arbitrary: hostileArr });
}

/** Fills an element for a tag: small values, some fractional, NaN and ±Infinity on floats only when allowed. */
function elementFor(tag: string, rnd: () => number, nonFinite: boolean): Scalar {
  if (isBigTag(tag)) return BigInt(Math.floor(rnd() * 21) - (tag === 'BigUint64Array' ? 0 : 10));
  if (FLOAT_TAGS.includes(tag)) {
    const r = rnd();
    if (nonFinite && r < 0.05) return [NaN, Infinity, -Infinity][Math.floor(rnd() * 3)];
    return r < 0.5 ? Math.floor(rnd() * 9) - 4 : rnd() * 8 - 4;
  }
  const v = Math.floor(rnd() * 21) - 10;
  return tag.startsWith('Uint') ? Math.abs(v) : v;
}

interface BuildCtx {
  /** Whether float elements may be NaN or ±Infinity (range kernels: yes; products: no, their reference sums differ in order). */
  nonFinite: boolean;
}

/** Builds a typed array of `need` elements (+delta) from a description, or the hostile value. */
function buildArray(d: ArrDesc, need: number, ctx: BuildCtx): unknown {
  if (d.t === 'hostile') return hostile(d.v);
  const mis = MISNAMED[d.kind];
  const tag = mis ? mis.base : d.kind === 'Buffer' ? 'Uint8Array' : d.kind;
  const Ctor = mis ? mis.ctor : d.kind === 'Buffer' ? null : CTORS[tag];
  const len = Math.max(0, Math.min(need, 4096) + d.delta);
  const rnd = mulberry32(d.seed);
  const values = Array.from({ length: len }, () => elementFor(tag, rnd, ctx.nonFinite));
  let arr: any;
  if (d.kind === 'Buffer') {
    arr = Buffer.from(values as number[]); // small Buffers come from a shared pool at an offset
  } else {
    const bpe = CTORS[tag].BYTES_PER_ELEMENT;
    const bytes = (len + d.offset + 1) * bpe;
    const buffer = d.shared && !d.detach ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
    arr = new Ctor(buffer, d.offset * bpe, len);
  }
  for (let i = 0; i < len; i++) arr[i] = values[i];
  return arr;
}

function detach(x: unknown): void {
  if (!isTyped(x)) return;
  const buf = bufferOf(x);
  if (typeof SharedArrayBuffer !== 'undefined' && buf instanceof SharedArrayBuffer) return;
  if (Buffer.isBuffer(x)) return; // the pool is shared by other Buffers
  // Two views on one buffer (an aliased c) detach it once: from Node 21 on, transferring an
  // already-detached ArrayBuffer throws DataCloneError (Node 20 accepted it).
  if (!detachedBuffers.has(buf)) structuredClone(buf, { transfer: [buf as ArrayBuffer] });
  detachedBuffers.add(buf);
  detached.add(x as object);
}

const SIZE_HOSTILE: unknown[] = [NaN, -1, -0, 2.5, Infinity, -Infinity, 2 ** 31, 2 ** 32, 2 ** 53 - 1, 2 ** 53, 1e20, 1e300, '3', null, undefined, true, 3n, {}];
const sizeArb = fc.oneof({ weight: 14, arbitrary: fc.integer({ min: 0, max: 6 }) as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: fc.constantFrom(...SIZE_HOSTILE) });
const isSize = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= Number.MAX_SAFE_INTEGER;
const smallSize = (v: unknown) => (isSize(v) && v <= 64 ? v : 3);

// Options ---------------------------------------------------------------------------------

interface OptsDesc {
  form: 'object' | 'none' | 'hostile';
  hostile: unknown;
  backend: unknown; // 'B' = the backend under test
  threads: unknown;
  signal: 'none' | 'live' | 'aborted' | 'fake' | 'string';
  inclusive: unknown;
}

function optsArb(sync: boolean): fc.Arbitrary<OptsDesc> {
  return fc.record({
    form: fc.constantFrom<OptsDesc['form']>('object', 'object', 'object', 'object', 'object', 'object', 'none', 'hostile'),
    hostile: fc.constantFrom<unknown>(null, 'opts', 5, true, () => 1, Symbol('o')),
    backend: fc.constantFrom<unknown>('B', 'B', 'B', 'B', 'B', 'B', 'B', 'B', undefined, 'auto', 'bogus', 5, null, ''),
    threads: fc.constantFrom<unknown>(undefined, undefined, undefined, undefined, undefined, 1, 'max', 0, -1, 1.5, NaN, Infinity, '2', 'max+1', 1025, null),
    signal: sync ? fc.constant('none' as const) : fc.constantFrom<OptsDesc['signal']>('none', 'none', 'none', 'none', 'live', 'aborted', 'fake', 'string'),
    inclusive: fc.constantFrom<unknown>(undefined, undefined, 'both', 'neither', 'left', 'right', 'bogus', 'BOTH', 3, null),
  });
}

function buildOpts(d: OptsDesc, backend: Backend, extra: Record<string, unknown>): unknown {
  if (d.form === 'none') return Object.keys(extra).length ? extra : undefined;
  if (d.form === 'hostile') return d.hostile;
  const o: Record<string, unknown> = { ...extra };
  if (d.backend !== undefined) o.backend = d.backend === 'B' ? backend : d.backend;
  if (d.threads !== undefined) o.threads = d.threads === 'max' ? ck.threads() : d.threads === 'max+1' ? ck.threads() + 1 : d.threads;
  if (d.signal === 'live') o.signal = new AbortController().signal;
  else if (d.signal === 'aborted') {
    const ac = new AbortController();
    ac.abort();
    o.signal = ac.signal;
  } else if (d.signal === 'fake') o.signal = { aborted: false, addEventListener() {} };
  else if (d.signal === 'string') o.signal = 'signal';
  if (d.inclusive !== undefined) o.inclusive = d.inclusive;
  return o;
}

// ---------------------------------------------------------------------------------------
// The model: the problems the documented rules find in an input

class Model {
  /** Codes naming a definite problem of the input. */
  readonly problems = new Set<string>();
  /** Codes that are acceptable although the input may be valid (undocumented corners). */
  readonly maybe = new Set<string>();
  skip = false;
  add(...codes: string[]) {
    for (const c of codes) this.problems.add(c);
  }

  options(opts: unknown, range: boolean) {
    if (opts === undefined) return;
    if (opts === null || typeof opts !== 'object') {
      this.add(C.INVALID_ARG_TYPE);
      return;
    }
    const o = opts as Record<string, unknown>;
    if (o.backend !== undefined && !['auto', 'native', 'wasm', 'workers', 'js'].includes(o.backend as string)) {
      this.add(C.OUT_OF_RANGE);
      if (typeof o.backend !== 'string') this.add(C.INVALID_ARG_TYPE);
    }
    if (o.threads !== undefined) {
      const t = o.threads;
      if (t === Infinity || t === -Infinity) this.add(C.OUT_OF_RANGE, C.INVALID_ARG_TYPE);
      else if (typeof t !== 'number' || !Number.isInteger(t)) this.add(C.INVALID_ARG_TYPE);
      else if (t < 1 || t > ck.threads()) this.add(C.OUT_OF_RANGE);
    }
    if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) this.add(C.INVALID_ARG_TYPE);
    if (range && o.inclusive !== undefined && !['both', 'neither', 'left', 'right'].includes(o.inclusive as string)) {
      this.add(C.OUT_OF_RANGE);
      if (typeof o.inclusive !== 'string') this.add(C.INVALID_ARG_TYPE);
    }
  }

  /** A TypedArray of one of `tags`: returns its tag when usable, else records the problem. */
  array(x: unknown, tags: string[]): string | undefined {
    const tag = tagOf(x);
    if (tag === undefined || !tags.includes(tag)) {
      this.add(C.INVALID_ARG_TYPE);
      return undefined;
    }
    if (detached.has(x as object)) {
      this.add(C.DETACHED);
      return undefined;
    }
    return tag;
  }

  size(v: unknown): number | undefined {
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      this.add(C.INVALID_ARG_TYPE);
      return undefined;
    }
    if (v < 0 || v > Number.MAX_SAFE_INTEGER) {
      this.add(C.OUT_OF_RANGE);
      return undefined;
    }
    return v === 0 ? 0 : v; // -0 is 0
  }

  object(v: unknown): v is Record<string, unknown> {
    if (v === null || typeof v !== 'object') {
      this.add(C.INVALID_ARG_TYPE);
      return false;
    }
    return true;
  }

  needLength(x: unknown, need: number) {
    if (lengthOf(x) < need) this.add(C.ARRAY_TOO_SHORT);
  }

  /** A result of `n` elements is allocated. */
  allocation(n: number) {
    if (n > MAX_TYPED_LENGTH) this.add(C.OUT_OF_MEMORY);
    else if (n > MAX_ALLOC) this.skip = true;
  }

  bound(v: unknown, big: boolean | undefined) {
    if (typeof v === 'bigint') {
      if (big === false) this.add(C.INVALID_ARG_TYPE);
    } else if (typeof v !== 'number') this.add(C.INVALID_ARG_TYPE);
    else if (Number.isNaN(v)) this.add(C.NAN_BOUND);
  }
}

function overlaps(x: unknown, y: unknown): boolean {
  if (!isTyped(x) || !isTyped(y) || detached.has(x as object) || detached.has(y as object)) return false;
  if (bufferOf(x) !== bufferOf(y) || byteLengthOf(x) === 0 || byteLengthOf(y) === 0) return false;
  return byteOffsetOf(x) < byteOffsetOf(y) + byteLengthOf(y) && byteOffsetOf(y) < byteOffsetOf(x) + byteLengthOf(x);
}

const snapshot = (x: unknown): Scalar[] | undefined => (isTyped(x) && !detached.has(x as object) ? Array.from(x as ArrayLike<Scalar>) : undefined);

// ---------------------------------------------------------------------------------------
// One generated call per function: its arbitrary, and how to build, model and check it

interface Built {
  fn: string;
  args: unknown[];
  model: Model;
  /** Problems with a successful result (called only when the model found none). */
  check: (result: unknown) => string[];
  /** Inputs that must be unchanged by the call, with their snapshots. */
  inputs: [string, unknown, Scalar[] | undefined][];
}

type Alias = 'none' | 'overlapA' | 'overlapB' | 'disjointA' | 'sameAsA';

const matmulArb = (sync: boolean) =>
  fc.record({
    fn: fc.constant('matmul' as const),
    hostile: weighted(50),
    aShape: fc.oneof({ weight: 12, arbitrary: fc.constant('matrix') }, { weight: 1, arbitrary: fc.constantFrom<Hostile>(...HOSTILE) }),
    bShape: fc.oneof({ weight: 12, arbitrary: fc.constant('matrix') }, { weight: 1, arbitrary: fc.constantFrom<Hostile>(...HOSTILE) }),
    m: sizeArb,
    k: sizeArb,
    n: sizeArb,
    bRows: fc.oneof({ weight: 6, arbitrary: fc.constant('k' as unknown) }, { weight: 1, arbitrary: sizeArb }),
    a: arrArb(FLOAT_TAGS, ['Int32Array', 'Uint8Array', 'BigInt64Array']),
    bKind: fc.constantFrom('same', 'same', 'same', 'same', 'same', 'same', 'other'),
    b: arrArb(FLOAT_TAGS, ['Int16Array']),
    out: fc.constantFrom('none', 'none', 'none', 'ok', 'ok', 'wrongSize', 'wrongKind', 'overlapA', 'disjointA', 'sameAsA', 'shared', 'detached', 'hostile'),
    opts: optsArb(sync),
  });

function buildMatmul(d: any, backend: Backend, sync: boolean): Built {
  const ctx: BuildCtx = { nonFinite: false };
  const model = new Model();
  const m = smallSize(d.m), k = smallSize(d.k), n = smallSize(d.n);
  const bRows = d.bRows === 'k' ? d.k : d.bRows;
  const aData = buildArray(d.a, m * k, ctx) as any;
  const aTag = tagOf(aData);
  const bDesc: ArrDesc = d.bKind === 'same' && d.a.t === 'typed' && d.b.t === 'typed' ? { ...d.b, kind: aTag && FLOAT_TAGS.includes(aTag) ? aTag : d.b.kind } : d.b;
  const bData = buildArray(bDesc, smallSize(bRows) * n, ctx) as any;
  const a = d.aShape === 'matrix' ? { data: aData, rows: d.m, cols: d.k } : hostile(d.aShape);
  const b = d.bShape === 'matrix' ? { data: bData, rows: bRows, cols: d.n } : hostile(d.bShape);
  // out
  let out: unknown;
  const floatA = aTag && FLOAT_TAGS.includes(aTag) ? aTag : 'Float64Array';
  const la = isTyped(aData) ? lengthOf(aData) : 0;
  switch (d.out) {
    case 'ok': out = new CTORS[floatA](m * n).fill(NaN); break;
    case 'wrongSize': out = new CTORS[floatA](m * n + 1); break;
    case 'wrongKind': out = new CTORS[floatA === 'Float32Array' ? 'Float64Array' : 'Float32Array'](m * n); break;
    case 'shared': out = new CTORS[floatA](new SharedArrayBuffer(m * n * CTORS[floatA].BYTES_PER_ELEMENT)); break;
    case 'detached': out = new CTORS[floatA](m * n); detach(out); break;
    case 'hostile': out = [0, 0, 0]; break;
    case 'overlapA': case 'disjointA': case 'sameAsA':
      if (isTyped(aData) && !detached.has(aData) && FLOAT_TAGS.includes(aTag!)) {
        const bpe = CTORS[aTag!].BYTES_PER_ELEMENT;
        const start = d.out === 'sameAsA' ? 0 : d.out === 'overlapA' ? Math.floor(la / 2) : la;
        const off = byteOffsetOf(aData) + start * bpe;
        // re-home a on a buffer big enough for both, keeping its contents
        const whole = new (CTORS[aTag!])(new ArrayBuffer(off + (m * n + la + 1) * bpe));
        const aView = new (CTORS[aTag!])(whole.buffer, byteOffsetOf(aData), la);
        aView.set(aData);
        if (d.aShape === 'matrix') (a as any).data = aView;
        out = new (CTORS[aTag!])(whole.buffer, off, m * n);
      } else out = new CTORS[floatA](m * n);
      break;
    default: out = undefined;
  }
  const extra = out === undefined ? {} : { out };
  const opts = buildOpts(d.opts, backend, extra);
  if (d.a.t === 'typed' && d.a.detach) detach((a as any)?.data);
  if (d.b.t === 'typed' && d.b.detach) detach((b as any)?.data);

  // model, in the documented order of checks
  model.options(opts, false);
  let A: { data: any; rows?: number; cols?: number } | undefined;
  let B: typeof A;
  const matrixArg = (x: unknown) => {
    if (!model.object(x)) return undefined;
    const rows = model.size(x.rows), cols = model.size(x.cols);
    const tag = model.array(x.data, FLOAT_TAGS);
    if (tag && rows !== undefined && cols !== undefined) model.needLength(x.data, rows * cols);
    return { data: tag ? x.data : undefined, rows, cols };
  };
  A = matrixArg(a);
  B = matrixArg(b);
  if (A?.data && B?.data && tagOf(A.data) !== tagOf(B.data)) model.add(C.INVALID_ARG_TYPE);
  const shapesOk = A?.rows !== undefined && A.cols !== undefined && B?.rows !== undefined && B.cols !== undefined;
  if (shapesOk && A!.cols !== B!.rows) model.add(C.SHAPE_MISMATCH);
  const o = opts as Record<string, unknown> | undefined;
  const outArg = o !== null && typeof o === 'object' ? o.out : undefined;
  if (shapesOk) {
    const cells = A!.rows! * B!.cols!;
    if (outArg === undefined) model.allocation(cells);
    else {
      const tag = model.array(outArg, FLOAT_TAGS);
      if (tag && A!.data && tag !== tagOf(A!.data)) model.add(C.INVALID_ARG_TYPE);
      if (tag && lengthOf(outArg) !== cells) model.add(C.OUT_SIZE);
      if (tag && (overlaps(outArg, A!.data) || overlaps(outArg, B!.data))) model.add(C.OUT_OVERLAP);
    }
  } else if (outArg !== undefined) model.array(outArg, FLOAT_TAGS);

  const a0 = snapshot((a as any)?.data), b0 = snapshot((b as any)?.data);
  return {
    fn: sync ? 'matmulSync' : 'matmul',
    args: [a, b, opts],
    model,
    inputs: [['a.data', (a as any)?.data, a0], ['b.data', (b as any)?.data, b0]],
    check: (r: any) => {
      const bad: string[] = [];
      const M = A!.rows!, K = A!.cols!, N = B!.cols!;
      if (r === null || typeof r !== 'object') return [`result is ${String(r)}`];
      if (r.rows !== M || r.cols !== N) bad.push(`result shape ${r.rows}x${r.cols}, expected ${M}x${N}`);
      if (tagOf(r.data) !== tagOf(A!.data)) bad.push(`result is a ${tagOf(r.data)}, expected ${tagOf(A!.data)}`);
      if (outArg !== undefined && r.data !== outArg) bad.push('result.data is not options.out');
      if (bad.length) return bad;
      if (M * N === 0) return lengthOf(r.data) === 0 ? [] : [`an empty result has ${lengthOf(r.data)} elements`];
      const g = {
        layout: 'row-major' as Layout, transA: false, transB: false, m: M, n: N, k: K, alpha: 1, beta: 0,
        a: a0 as number[], lda: Math.max(1, K), b: b0 as number[], ldb: Math.max(1, N), c: new Float64Array(M * N), ldc: Math.max(1, N),
      };
      return gemmMismatches(r.data, new Float64Array(M * N), refGemm(g), K, tagOf(A!.data) === 'Float32Array' ? TOL_F32 : TOL_F64);
    },
  };
}

const ldArb = fc.constantFrom<unknown>('default', 'default', 'default', 'default', 'min', 'min+1', 'min+2', 'min-1', 0, -1, 2.5, NaN, '4', null);

const gemmArb = (sync: boolean) =>
  fc.record({
    fn: fc.constant('gemm' as const),
    hostile: weighted(50),
    argsForm: fc.oneof({ weight: 20, arbitrary: fc.constant('object') }, { weight: 1, arbitrary: fc.constantFrom<Hostile>(...HOSTILE) }),
    layout: fc.constantFrom<unknown>(undefined, undefined, 'row-major', 'col-major', 'col-major', 'diagonal', 0, null),
    transA: fc.constantFrom<unknown>(undefined, false, true, true, 'yes', 1),
    transB: fc.constantFrom<unknown>(undefined, false, true, true, 0, null),
    m: sizeArb,
    n: sizeArb,
    k: sizeArb,
    alpha: fc.constantFrom<unknown>(undefined, undefined, 1, 0, -0, 0.5, -2, '1', null, 1n),
    beta: fc.constantFrom<unknown>(undefined, undefined, 0, 1, -0.75, 2, '0', true),
    lda: ldArb,
    ldb: ldArb,
    ldc: ldArb,
    a: arrArb(FLOAT_TAGS, ['Int32Array', 'Uint8Array', 'BigUint64Array']),
    b: arrArb(FLOAT_TAGS, ['Int8Array']),
    c: arrArb(FLOAT_TAGS, ['Uint32Array']),
    sameKind: weighted(90),
    cAlias: fc.constantFrom<Alias>('none', 'none', 'none', 'none', 'none', 'none', 'overlapA', 'overlapB', 'disjointA', 'sameAsA'),
    opts: optsArb(sync),
  });

function buildGemm(d: any, backend: Backend, sync: boolean): Built {
  const ctx: BuildCtx = { nonFinite: false };
  const model = new Model();
  const colMajorGuess = d.layout === 'col-major';
  const tA = d.transA === true, tB = d.transB === true;
  const m = smallSize(d.m), n = smallSize(d.n), k = smallSize(d.k);
  const layout: Layout = colMajorGuess ? 'col-major' : 'row-major';
  const [ar, ac] = storedShape(tA, m, k), [br, bc] = storedShape(tB, k, n);
  const ldValue = (spec: unknown, rows: number, cols: number): unknown => {
    const min = minLd(layout, rows, cols);
    if (spec === 'default') return undefined;
    if (spec === 'min') return min;
    if (spec === 'min+1') return min + 1;
    if (spec === 'min+2') return min + 2;
    if (spec === 'min-1') return min - 1;
    return spec;
  };
  const lda = ldValue(d.lda, ar, ac), ldb = ldValue(d.ldb, br, bc), ldc = ldValue(d.ldc, m, n);
  const effLd = (ld: unknown, rows: number, cols: number) => (isSize(ld) && ld <= 64 ? ld : minLd(layout, rows, cols));
  const needA = requiredLength(layout, ar, ac, effLd(lda, ar, ac));
  const needB = requiredLength(layout, br, bc, effLd(ldb, br, bc));
  const needC = requiredLength(layout, m, n, effLd(ldc, m, n));
  const aArr = buildArray(d.a, needA, ctx) as any;
  const aTag = tagOf(aArr);
  const same = (x: ArrDesc): ArrDesc => (d.sameKind && x.t === 'typed' && aTag && FLOAT_TAGS.includes(aTag) ? { ...x, kind: aTag } : x);
  let bArr = buildArray(same(d.b), needB, ctx) as any;
  let cArr: any;
  let movedA: any;
  if (d.cAlias !== 'none' && isTyped(aArr) && FLOAT_TAGS.includes(aTag!) && isTyped(bArr) && tagOf(bArr) === aTag) {
    // a (or b) and c on one buffer
    const Ctor = CTORS[aTag!];
    const src = d.cAlias === 'overlapB' ? bArr : aArr;
    const ls = lengthOf(src);
    const start = d.cAlias === 'sameAsA' ? 0 : d.cAlias === 'disjointA' ? ls : Math.floor(ls / 2);
    const lc = Math.max(0, needC + (d.c.t === 'typed' ? d.c.delta : 0));
    const whole = new Ctor(new ArrayBuffer((start + lc + ls + 1) * Ctor.BYTES_PER_ELEMENT));
    const moved = new Ctor(whole.buffer, 0, ls);
    moved.set(src);
    const cv = new Ctor(whole.buffer, start * Ctor.BYTES_PER_ELEMENT, lc);
    const rnd = mulberry32(lc + 7);
    for (let i = 0; i < lc; i++) if (!(d.cAlias === 'overlapA' || d.cAlias === 'overlapB' || d.cAlias === 'sameAsA')) cv[i] = rnd() * 2 - 1;
    if (d.cAlias === 'overlapB') bArr = moved;
    else movedA = moved;
    cArr = cv;
  } else cArr = buildArray(same(d.c), needC, ctx);
  const aFinal = movedA ?? aArr;
  if (d.a.t === 'typed' && d.a.detach) detach(aFinal);
  if (d.b.t === 'typed' && d.b.detach) detach(bArr);
  if (d.c.t === 'typed' && d.c.detach) detach(cArr);

  let args: unknown;
  if (d.argsForm === 'object') {
    const g: Record<string, unknown> = { m: d.m, n: d.n, k: d.k, a: aFinal, b: bArr, c: cArr };
    for (const key of ['layout', 'transA', 'transB', 'alpha', 'beta'] as const) if (d[key] !== undefined) g[key] = d[key];
    if (lda !== undefined) g.lda = lda;
    if (ldb !== undefined) g.ldb = ldb;
    if (ldc !== undefined) g.ldc = ldc;
    args = g;
  } else args = hostile(d.argsForm);
  const opts = buildOpts(d.opts, backend, {});

  // model
  model.options(opts, false);
  let ok = false;
  let ref: any;
  if (model.object(args)) {
    const g = args as Record<string, unknown>;
    let lay: Layout | undefined = 'row-major';
    if (g.layout !== undefined && g.layout !== 'row-major' && g.layout !== 'col-major') {
      model.add(C.OUT_OF_RANGE);
      if (typeof g.layout !== 'string') model.add(C.INVALID_ARG_TYPE);
      lay = undefined;
    } else if (g.layout) lay = g.layout as Layout;
    const boolOk = (v: unknown) => v === undefined || typeof v === 'boolean';
    if (!boolOk(g.transA)) model.add(C.INVALID_ARG_TYPE);
    if (!boolOk(g.transB)) model.add(C.INVALID_ARG_TYPE);
    const M = model.size(g.m), N = model.size(g.n), K = model.size(g.k);
    const numOk = (v: unknown) => v === undefined || typeof v === 'number';
    if (!numOk(g.alpha)) model.add(C.INVALID_ARG_TYPE);
    if (!numOk(g.beta)) model.add(C.INVALID_ARG_TYPE);
    const ta = model.array(g.a, FLOAT_TAGS), tb = model.array(g.b, FLOAT_TAGS), tc = model.array(g.c, FLOAT_TAGS);
    if (ta && tb && ta !== tb) model.add(C.INVALID_ARG_TYPE);
    if (ta && tc && ta !== tc) model.add(C.INVALID_ARG_TYPE);
    const TA = g.transA === true, TB = g.transB === true;
    const operand = (arr: unknown, tag: string | undefined, ld: unknown, rows: number | undefined, cols: number | undefined, transOk: boolean) => {
      if (lay === undefined || rows === undefined || cols === undefined || !transOk) return undefined;
      const min = minLd(lay, rows, cols);
      let lead = min;
      if (ld !== undefined) {
        const s = model.size(ld);
        if (s === undefined) return undefined;
        lead = s;
      }
      if (lead < min) {
        model.add(C.LEADING_DIMENSION);
        return undefined;
      }
      if (tag) model.needLength(arr, requiredLength(lay, rows, cols, lead));
      return lead;
    };
    const [sar, sac] = M !== undefined && K !== undefined ? storedShape(TA, M, K) : [undefined, undefined];
    const [sbr, sbc] = K !== undefined && N !== undefined ? storedShape(TB, K, N) : [undefined, undefined];
    const LDA = operand(g.a, ta, g.lda, sar, sac, boolOk(g.transA));
    const LDB = operand(g.b, tb, g.ldb, sbr, sbc, boolOk(g.transB));
    const LDC = operand(g.c, tc, g.ldc, M, N, true);
    if (tc && (overlaps(g.c, g.a) || overlaps(g.c, g.b))) model.add(C.OUT_OVERLAP);
    if (model.problems.size === 0 && ta && LDA !== undefined && LDB !== undefined && LDC !== undefined) {
      ok = true;
      ref = {
        layout: lay!, transA: TA, transB: TB, m: M!, n: N!, k: K!,
        alpha: g.alpha === undefined ? 1 : (g.alpha as number), beta: g.beta === undefined ? 0 : (g.beta as number),
        a: snapshot(g.a) as number[], lda: LDA, b: snapshot(g.b) as number[], ldb: LDB, c: snapshot(g.c) as number[], ldc: LDC,
      };
    }
  }
  const g = args as any;
  return {
    fn: sync ? 'gemmSync' : 'gemm',
    args: [args, opts],
    model,
    inputs: ok ? [['a', g.a, ref.a], ['b', g.b, ref.b]] : [],
    check: (r: any) => {
      if (r !== g.c) return ['did not return args.c'];
      if (ref.m === 0 || ref.n === 0) {
        const now = Array.from(g.c as ArrayLike<number>);
        return now.every((v, i) => Object.is(v, ref.c[i])) ? [] : ['an empty gemm changed c'];
      }
      return gemmMismatches(g.c, ref.c, refGemm(ref), ref.k, tagOf(g.a) === 'Float32Array' ? TOL_F32 : TOL_F64);
    },
  };
}

const countKinds = [...NUMERIC_TAGS, 'Buffer'];
const boundArb = fc.oneof(
  { weight: 10, arbitrary: fc.integer({ min: -48, max: 48 }).map((v) => v / 4) as fc.Arbitrary<unknown> },
  { weight: 3, arbitrary: fc.bigInt({ min: -12n, max: 12n }) as fc.Arbitrary<unknown> },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(Infinity, -Infinity, -0, 2 ** 53 + 2, 2 ** 64, 1e300, -1e300, 2n ** 64n, -(2n ** 63n) - 1n) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(NaN, '1', null, undefined, {}, true, Symbol('b')) },
);

const countArb = (sync: boolean) =>
  fc.record({
    fn: fc.constantFrom('countInRange' as const, 'countInRangeByRow' as const, 'histogram' as const),
    hostile: weighted(50),
    data: arrArb(countKinds, []),
    len: fc.integer({ min: 0, max: 40 }),
    mShape: fc.oneof({ weight: 14, arbitrary: fc.constant('matrix') }, { weight: 1, arbitrary: fc.constantFrom<Hostile>(...HOSTILE) }),
    rows: sizeArb,
    cols: sizeArb,
    lo: boundArb,
    hi: boundArb,
    out: fc.constantFrom('none', 'none', 'none', 'ok', 'ok', 'wrongSize', 'wrongKind', 'overlapData', 'shared', 'detached', 'hostile'),
    edges: fc.oneof(
      { weight: 8, arbitrary: fc.array(fc.integer({ min: -40, max: 40 }).map((v) => v / 4), { minLength: 2, maxLength: 7 }).map((e) => ({ form: 'sorted', e })) },
      { weight: 1, arbitrary: fc.array(fc.integer({ min: -40, max: 40 }).map((v) => v / 4), { minLength: 0, maxLength: 5 }).map((e) => ({ form: 'raw', e })) },
      { weight: 1, arbitrary: fc.constantFrom('float32', 'withNaN', 'withInfinity', 'bigint', 'strings', 'sparse', 'dataView', 'arrayLike', 'detached', 'single', 'null').map((form) => ({ form, e: [] as number[] })) },
    ),
    nonFinite: weighted(30),
    opts: optsArb(sync),
  });

function buildEdges(d: { form: string; e: number[] }): unknown {
  switch (d.form) {
    case 'sorted': return [...new Set(d.e)].sort((x, y) => x - y);
    case 'raw': return d.e;
    case 'float32': return new Float32Array([-2.5, 0, 0.1, 3]);
    case 'withNaN': return [0, NaN, 2];
    case 'withInfinity': return [-Infinity, 0, 2.5, Infinity];
    case 'bigint': return new BigInt64Array([0n, 5n]);
    case 'strings': return ['0', '1', '2'];
    case 'sparse': return Object.assign(new Array(5), { 0: 0 });
    case 'dataView': return new DataView(new ArrayBuffer(16));
    case 'arrayLike': return { length: 3, 0: 0, 1: 1, 2: 2 };
    case 'detached': { const x = new Float64Array([0, 1, 2]); detach(x); return x; }
    case 'single': return [1];
    default: return null;
  }
}

function buildCount(d: any, backend: Backend, sync: boolean): Built {
  const ctx: BuildCtx = { nonFinite: d.nonFinite };
  const model = new Model();
  const fn = d.fn as 'countInRange' | 'countInRangeByRow' | 'histogram';
  const rows = smallSize(d.rows), cols = smallSize(d.cols);
  const need = fn === 'countInRangeByRow' ? rows * cols : d.len;
  let data = buildArray(d.data, need, ctx) as any;
  let out: unknown;
  const extra: Record<string, unknown> = {};
  if (fn === 'countInRangeByRow' && d.out !== 'none') {
    switch (d.out) {
      case 'ok': out = new Uint32Array(rows).fill(0xdeadbeef); break;
      case 'wrongSize': out = new Uint32Array(rows + 1); break;
      case 'wrongKind': out = new Int32Array(rows); break;
      case 'shared': out = new Uint32Array(new SharedArrayBuffer(rows * 4)); break;
      case 'detached': out = new Uint32Array(rows); detach(out); break;
      case 'hostile': out = new Array(rows).fill(0); break;
      case 'overlapData':
        if (isTyped(data) && !Buffer.isBuffer(data) && !detached.has(data)) {
          const tag = tagOf(data)!;
          const bytes = byteLengthOf(data);
          const whole = new ArrayBuffer(bytes + rows * 4 + 16);
          const Ctor = CTORS[tag];
          const moved = new Ctor(whole, 0, lengthOf(data));
          moved.set(data);
          data = moved;
          out = new Uint32Array(whole, Math.floor(bytes / 8) * 4, rows); // starts inside data (when it has 2+ words)
        } else out = new Uint32Array(rows);
        break;
    }
    extra.out = out;
  }
  const opts = buildOpts(d.opts, backend, extra);
  if (d.data.t === 'typed' && d.data.detach) detach(data);
  const lo = d.lo, hi = d.hi;
  const m = d.mShape === 'matrix' ? { data, rows: d.rows, cols: d.cols } : hostile(d.mShape);
  const edges = fn === 'histogram' ? buildEdges(d.edges) : undefined;

  // model
  model.options(opts, fn !== 'histogram');
  let tag: string | undefined;
  let R: number | undefined, Cn: number | undefined;
  const data0 = () => snapshot(fn === 'countInRangeByRow' ? (m as any)?.data : data) as Scalar[];
  if (fn === 'countInRange') {
    tag = model.array(data, NUMERIC_TAGS);
    model.bound(lo, tag ? isBigTag(tag) : undefined);
    model.bound(hi, tag ? isBigTag(tag) : undefined);
  } else if (fn === 'countInRangeByRow') {
    if (model.object(m)) {
      R = model.size((m as any).rows);
      Cn = model.size((m as any).cols);
      tag = model.array((m as any).data, NUMERIC_TAGS);
      if (tag && R !== undefined && Cn !== undefined) model.needLength((m as any).data, R * Cn);
    }
    const o = opts as any;
    const outArg = o !== null && typeof o === 'object' ? o.out : undefined;
    if (outArg === undefined) {
      if (R !== undefined) model.allocation(R);
    } else {
      const ot = model.array(outArg, ['Uint32Array']);
      if (ot && R !== undefined && lengthOf(outArg) !== R) model.add(C.OUT_SIZE);
      if (ot && tag && overlaps(outArg, (m as any).data)) model.add(C.OUT_OVERLAP);
    }
    model.bound(lo, tag ? isBigTag(tag) : undefined);
    model.bound(hi, tag ? isBigTag(tag) : undefined);
  } else {
    tag = model.array(data, NUMERIC_TAGS);
    const e = edges as any;
    const arrayLike = Array.isArray(e) || (isTyped(e) && !(e instanceof DataView));
    if (!arrayLike) model.add(C.INVALID_ARG_TYPE);
    else if (isTyped(e) && detached.has(e)) model.add(C.DETACHED); // DESIGN: a detached ArrayBuffer is a TypeError
    else {
      const list = Array.from(e as ArrayLike<unknown>);
      if (list.length < 2) model.add(C.INVALID_EDGES);
      for (let i = 0; i < list.length; i++) {
        const x = list[i];
        if (typeof x !== 'number') {
          model.add(C.INVALID_ARG_TYPE);
          break;
        }
        if (Number.isNaN(x)) {
          model.add(C.NAN_BOUND);
          break;
        }
        if (i > 0 && !(x > (list[i - 1] as number))) {
          model.add(C.INVALID_EDGES);
          break;
        }
        if (!Number.isFinite(x)) model.maybe.add(C.INVALID_EDGES); // undocumented: infinite edges
      }
    }
  }
  const inclusive = (opts as any)?.inclusive ?? 'both';
  const snap = model.problems.size === 0 ? data0() : undefined;
  const edges0 = fn === 'histogram' && model.problems.size === 0 ? Array.from(edges as ArrayLike<number>) : [];
  return {
    fn: sync ? `${fn}Sync` : fn,
    args: fn === 'countInRange' ? [data, lo, hi, opts] : fn === 'countInRangeByRow' ? [m, lo, hi, opts] : [data, edges, opts],
    model,
    inputs: snap ? [['data', fn === 'countInRangeByRow' ? (m as any).data : data, snap]] : [],
    check: (r: any) => {
      if (fn === 'countInRange') {
        const want = refCount(snap!, lo as Scalar, hi as Scalar, inclusive);
        return r === want ? [] : [`count ${String(r)}, expected ${want}`];
      }
      if (fn === 'countInRangeByRow') {
        const o = (opts as any)?.out;
        if (tagOf(r) !== 'Uint32Array' || lengthOf(r) !== R) return [`result is not a Uint32Array(${R})`];
        if (o !== undefined && r !== o) return ['result is not options.out'];
        const want = refCountByRow(snap!, R!, Cn!, lo as Scalar, hi as Scalar, inclusive);
        const i = want.findIndex((w, j) => r[j] !== w);
        return i < 0 ? [] : [`row ${i}: ${r[i]}, expected ${want[i]}`];
      }
      const want = refHistogram(snap!, edges0);
      if (tagOf(r) !== 'Float64Array') return [`result is a ${tagOf(r)}`];
      const got = Array.from(r as Float64Array);
      return got.length === want.length && got.every((v, j) => v === want[j]) ? [] : [`histogram [${got}], expected [${want}]`];
    },
  };
}

// ---------------------------------------------------------------------------------------
// Running one call and judging its outcome

// Half the calls are "clean": every field of the description is forced to a valid choice,
// so that the valid paths (and the reference comparisons) get as much fuzzing as the errors.
const cleanSize = (v: unknown) => (isSize(v) && v <= 6 ? v : 2);
function cleanArr(a: ArrDesc, kinds: string[]): ArrDesc {
  const base: TypedDesc = a.t === 'typed' ? { ...a } : { t: 'typed', kind: kinds[0], delta: 0, offset: 0, shared: false, detach: false, seed: 1 };
  if (!kinds.includes(base.kind)) base.kind = kinds[base.seed % kinds.length];
  base.delta = Math.max(0, base.delta);
  base.detach = false;
  return base;
}
function cleanOpts(o: OptsDesc): OptsDesc {
  return {
    form: o.form === 'hostile' ? 'object' : o.form,
    hostile: undefined,
    backend: 'B',
    threads: [undefined, 1, 'max'].includes(o.threads as any) ? o.threads : undefined,
    signal: o.signal === 'fake' || o.signal === 'string' ? 'live' : o.signal,
    inclusive: ['both', 'neither', 'left', 'right', undefined].includes(o.inclusive as any) ? o.inclusive : 'left',
  };
}
function sanitize(d: any): any {
  if (d.hostile) return d;
  const c = { ...d, opts: cleanOpts(d.opts) };
  if (d.fn === 'matmul') {
    Object.assign(c, { aShape: 'matrix', bShape: 'matrix', m: cleanSize(d.m), k: cleanSize(d.k), n: cleanSize(d.n), bRows: 'k', bKind: 'same' });
    c.a = cleanArr(d.a, FLOAT_TAGS);
    c.b = cleanArr(d.b, FLOAT_TAGS);
    if (!['none', 'ok', 'shared', 'disjointA'].includes(d.out)) c.out = 'ok';
  } else if (d.fn === 'gemm') {
    Object.assign(c, { argsForm: 'object', m: cleanSize(d.m), n: cleanSize(d.n), k: cleanSize(d.k), sameKind: true });
    if (!['row-major', 'col-major', undefined].includes(d.layout)) c.layout = 'col-major';
    if (typeof d.transA !== 'boolean') c.transA = undefined;
    if (typeof d.transB !== 'boolean') c.transB = undefined;
    if (typeof d.alpha !== 'number') c.alpha = 0.5;
    if (typeof d.beta !== 'number') c.beta = undefined;
    for (const ld of ['lda', 'ldb', 'ldc']) if (!['default', 'min', 'min+1', 'min+2'].includes(d[ld])) c[ld] = 'min+1';
    c.a = cleanArr(d.a, FLOAT_TAGS);
    c.b = cleanArr(d.b, FLOAT_TAGS);
    c.c = cleanArr(d.c, FLOAT_TAGS);
    if (!['none', 'disjointA'].includes(d.cAlias)) c.cAlias = 'none';
  } else {
    Object.assign(c, { mShape: 'matrix', rows: cleanSize(d.rows), cols: cleanSize(d.cols) });
    c.data = cleanArr(d.data, countKinds);
    const big = isBigTag(MISNAMED[c.data.kind]?.base ?? c.data.kind);
    const cleanBound = (b: unknown) =>
      typeof b === 'bigint' ? (big ? b : Number(b)) : typeof b === 'number' && !Number.isNaN(b) ? b : 0.5;
    c.lo = cleanBound(d.lo);
    c.hi = cleanBound(d.hi);
    if (!['none', 'ok', 'shared'].includes(d.out)) c.out = 'ok';
    if (d.edges.form !== 'sorted' && d.edges.form !== 'float32') c.edges = { form: 'sorted', e: [-1, 0.5, 3] };
    else if (d.edges.form === 'sorted' && new Set(d.edges.e).size < 2) c.edges = { form: 'sorted', e: [...d.edges.e, -7.5, 9] };
  }
  return c;
}

const callArb = (sync: boolean) => fc.oneof(matmulArb(sync), gemmArb(sync), countArb(sync), countArb(sync));

function build(d: any, backend: Backend, sync: boolean): Built {
  if (d.fn === 'matmul') return buildMatmul(d, backend, sync);
  if (d.fn === 'gemm') return buildGemm(d, backend, sync);
  return buildCount(d, backend, sync);
}

function show(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x) =>
      typeof x === 'bigint' ? `${x}n` : typeof x === 'symbol' ? x.toString() : typeof x === 'function' ? 'fn' : Number.isNaN(x) ? 'NaN' : x === Infinity ? 'Inf' : x === -Infinity ? '-Inf' : x,
    );
  } catch {
    return String(v);
  }
}

const expectedClass = (code: string) => (TYPE_CODES.has(code) ? TypeError : PLAIN_CODES.has(code) ? Error : RangeError);

interface Tally {
  calls: number;
  ok: number;
  coded: number;
  aborted: number;
  skipped: number;
  violations: Map<string, string[]>;
}

function violation(t: Tally, kind: string, example: string) {
  const list = t.violations.get(kind) ?? [];
  if (list.length < 3) list.push(example);
  t.violations.set(kind, list);
}

async function runOne(raw: any, backend: Backend, sync: boolean, t: Tally): Promise<void> {
  const d = sanitize(raw);
  const built = build(d, backend, sync);
  const { model } = built;
  if (model.skip) {
    t.skipped++;
    return;
  }
  t.calls++;
  const fn = (ck as any)[built.fn] as (...a: unknown[]) => unknown;
  const opts = built.args[built.args.length - 1] as any;
  const aborted = !sync && opts !== null && typeof opts === 'object' && opts.signal instanceof AbortSignal && opts.signal.aborted;
  const where = `${built.fn} on ${backend}: ${show(d)}`;
  let value: unknown;
  let error: unknown;
  let failed = false;
  if (sync) {
    try {
      value = fn(...built.args);
      if (value instanceof Promise) violation(t, `${built.fn}: a Sync twin returned a promise`, where);
    } catch (e) {
      failed = true;
      error = e;
    }
  } else {
    let ret: unknown;
    try {
      ret = fn(...built.args);
    } catch (e) {
      violation(t, `${built.fn}: threw synchronously instead of rejecting (${(e as any)?.code ?? (e as Error)?.message})`, where);
      failed = true;
      error = e;
    }
    if (!failed) {
      if (!(ret instanceof Promise)) violation(t, `${built.fn}: did not return a promise`, where);
      try {
        value = await ret;
      } catch (e) {
        failed = true;
        error = e;
      }
    }
  }
  const codes = [...model.problems].sort().join('|');
  if (failed) {
    const e = error as any;
    if (e instanceof DOMException && e.name === 'AbortError') {
      t.aborted++;
      if (!aborted) violation(t, `${built.fn}: AbortError without an aborted signal`, where);
      return;
    }
    t.coded++;
    const code = e?.code;
    if (typeof code !== 'string' || !ALL_CODES.has(code)) {
      violation(t, `${built.fn}: failed with an error without a documented code: ${e?.constructor?.name}: ${String(e?.message).slice(0, 100)}`, where);
      return;
    }
    if (!(e instanceof expectedClass(code)) || (expectedClass(code) === Error && (e instanceof TypeError || e instanceof RangeError)))
      violation(t, `${built.fn}: ${code} is a ${e?.constructor?.name}, documented as ${expectedClass(code).name}`, where);
    const base = built.fn.replace(/Sync$/, '');
    if (typeof e.message !== 'string' || !e.message.startsWith(`${built.fn}: `))
      violation(t, `${base}: the message does not start with the function's name`, `${e.message} <- ${where}`);
    if (model.problems.size === 0 && !model.maybe.has(code))
      violation(t, `${built.fn}: valid input refused with ${code}`, `${e.message} <- ${where}`);
    else if (model.problems.size > 0 && !model.problems.has(code) && !model.maybe.has(code))
      violation(t, `${built.fn}: refused with ${code}, but the input's problems are ${codes}`, `${e.message} <- ${where}`);
    return;
  }
  t.ok++;
  if (aborted) violation(t, `${built.fn}: resolved although its signal was aborted before the call`, where);
  if (model.problems.size > 0) {
    violation(t, `${built.fn}: accepted input with problems ${codes}`, where);
    return;
  }
  const bad = built.check(value);
  if (bad.length) violation(t, `${built.fn}: wrong result`, `${bad.slice(0, 2).join('; ')} <- ${where}`);
  for (const [name, arr, before] of built.inputs) {
    if (before && isTyped(arr) && !detached.has(arr as object)) {
      const now = Array.from(arr as ArrayLike<Scalar>);
      if (now.length !== before.length || now.some((v, i) => !Object.is(v, before[i]))) violation(t, `${built.fn}: changed its input ${name}`, where);
    }
  }
}

function report(t: Tally): string[] {
  return [...t.violations.entries()].map(([kind, ex]) => `${kind}\n      e.g. ${ex.join('\n      e.g. ')}`);
}

describe.each(backends())('hostile input on the %s backend', (backend: Backend) => {
  it(`${CALLS_ASYNC_PER_BACKEND} async + ${CALLS_SYNC_PER_BACKEND} Sync calls: each returns the reference result, or fails with a documented code naming a real problem, or rejects with AbortError`, async () => {
    const t: Tally = { calls: 0, ok: 0, coded: 0, aborted: 0, skipped: 0, violations: new Map() };
    const t0 = performance.now();
    await fc.assert(
      fc.asyncProperty(callArb(false), async (d) => {
        await runOne(d, backend, false, t);
      }),
      { numRuns: CALLS_ASYNC_PER_BACKEND, seed: SEED, endOnFailure: true },
    );
    fc.assert(
      fc.property(callArb(true), (d) => {
        // Sync twins: run without awaiting (runOne's sync path settles at once)
        void runOne(d, backend, true, t);
      }),
      { numRuns: CALLS_SYNC_PER_BACKEND, seed: SEED + 1, endOnFailure: true },
    );
    await new Promise((r) => setImmediate(r));
    console.log(
      `[figure] fuzz on ${backend} (FUZZ_SEED=${SEED}): ${t.calls} calls in ${((performance.now() - t0) / 1000).toFixed(1)} s: ` +
        `${t.ok} correct results, ${t.coded} coded errors, ${t.aborted} AbortErrors, ${t.skipped} skipped (huge allocations); ${t.violations.size} kinds of violation`,
    );
    expect(t.calls, 'calls made').toBeGreaterThan(0.95 * (CALLS_ASYNC_PER_BACKEND + CALLS_SYNC_PER_BACKEND));
    // a fuzzer that only ever produced errors (or only successes) would prove little
    expect(t.ok, 'calls that succeeded').toBeGreaterThan(0.15 * t.calls);
    expect(t.coded, 'calls refused with a coded error').toBeGreaterThan(0.15 * t.calls);
    if (process.env.FUZZ_REPORT) appendFileSync(process.env.FUZZ_REPORT, `== ${backend}\n${report(t).join('\n')}\n`);
    expect(report(t), `FUZZ_SEED=${SEED}`).toEqual([]);
  }, 120_000);
});

// ---------------------------------------------------------------------------------------
// Inputs that lie about themselves: an own `length` larger than the buffer, an own
// `constructor` that builds a short result array. Validation must use what the array really
// is; the kernels must never read or write past a buffer. In a child: today these crash.

const LYING = String.raw`
const ck = require(P);
const backend = process.argv[1];
const results = [];
async function attempt(name, f) {
  try {
    const v = await f();
    results.push({ name, outcome: 'returned', detail: v });
  } catch (e) {
    results.push({ name, outcome: 'threw', code: e && e.code, cls: e && e.constructor && e.constructor.name });
  }
}
const lie = (arr, length) => { Object.defineProperty(arr, 'length', { value: length }); return arr; };
const n = 600;
(async () => {
  for (const mode of ['Sync', 'async']) {
    const call = (fn, ...args) => (mode === 'Sync' ? ck[fn + 'Sync'](...args) : ck[fn](...args));
    await attempt(mode + ' matmul: a.data with length lying (4 real, n*n claimed)', async () => {
      const a = lie(new Float64Array(4).fill(1), n * n);
      const r = await call('matmul', { data: a, rows: n, cols: n }, { data: new Float64Array(n * n).fill(1), rows: n, cols: n }, { backend });
      return { length: r.data.length, first: r.data[0] };
    });
    await attempt(mode + ' gemm: c with length lying', async () => {
      const c = lie(new Float64Array(4), n * n);
      await call('gemm', { m: n, n, k: 1, a: new Float64Array(n).fill(1), b: new Float64Array(n).fill(1), c }, { backend });
      return { c0: c[0] };
    });
    await attempt(mode + ' matmul: a.data with a constructor that builds a 1-element result', async () => {
      const a = new Float64Array(n * n).fill(1);
      Object.defineProperty(a, 'constructor', { value: function () { return new Float64Array(1); } });
      const r = await call('matmul', { data: a, rows: n, cols: n }, { data: new Float64Array(n * n).fill(1), rows: n, cols: n }, { backend });
      return { length: r.data.length };
    });
    await attempt(mode + ' countInRange: data with length lying', () => call('countInRange', lie(new Float64Array(8).fill(1), 1 << 26), 0, 2, { backend }));
    await attempt(mode + ' countInRangeByRow: data with length lying', async () => Array.from((await call('countInRangeByRow', { data: lie(new Int32Array(8).fill(1), 1 << 26), rows: 1 << 16, cols: 1 << 10 }, 0, 2, { backend })).subarray(0, 2)));
    await attempt(mode + ' histogram: data with length lying', async () => Array.from(await call('histogram', lie(new Uint8Array(8).fill(1), 1 << 26), [0, 1, 2], { backend })));
  }
  console.log(JSON.stringify(results));
})();
`;

describe.each(backends())('inputs that lie about themselves on the %s backend', (backend: Backend) => {
  it('an own length or constructor property that lies never makes a kernel read or write past a buffer (no crash; refused or computed on the real array)', async () => {
    const r = await runScript(LYING.replace('process.argv[1]', JSON.stringify(backend)), { timeoutMs: 60_000 });
    expect(r.signal, `the process crashed: ${describeExit(r)}`).toBeNull();
    expect(r.code, describeExit(r)).toBe(0);
    const results = JSON.parse(r.stdout.trim().split('\n').pop()!) as { name: string; outcome: string; code?: string; detail?: any }[];
    expect(results).toHaveLength(12);
    for (const x of results) {
      const what = x.name.replace(/^(Sync|async) /, '');
      if (x.outcome === 'threw') expect([...ALL_CODES], `${x.name}: threw without a documented code`).toContain(x.code);
      else if (what.startsWith('matmul: a.data with length')) expect.fail(`${x.name}: returned ${show(x.detail)} instead of refusing a 4-element array for a 600x600 matrix`);
      else if (what.startsWith('matmul: a.data with a constructor')) expect(x.detail.length, x.name).toBe(600 * 600);
      else if (what.startsWith('gemm')) expect.fail(`${x.name}: returned instead of refusing a 4-element c for a 600x600 result`);
      else if (what.startsWith('countInRange:')) expect(x.detail, x.name).toBe(8);
      else if (what.startsWith('countInRangeByRow')) expect.fail(`${x.name}: returned ${show(x.detail)} instead of refusing 8 elements for 65536x1024`);
      else if (what.startsWith('histogram')) expect(x.detail, x.name).toEqual([0, 8]);
    }
  });
});

describe('hostile histogram edges', () => {
  it('a detached TypedArray of edges is refused with ERR_CK_DETACHED_BUFFER (a TypeError), async and Sync', async () => {
    const detachedEdges = () => {
      const e = new Float64Array([0, 1, 2]);
      structuredClone(e.buffer, { transfer: [e.buffer] });
      return e;
    };
    const err = await ck.histogram(new Int8Array(4), detachedEdges()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TypeError);
    expect((err as any).code, String(err)).toBe(ck.codes.DETACHED);
    let syncErr: unknown;
    try {
      ck.histogramSync(new Int8Array(4), detachedEdges());
    } catch (e) {
      syncErr = e;
    }
    expect((syncErr as any)?.code, String(syncErr)).toBe(ck.codes.DETACHED);
  });

  it('a sparse edges array of length 2**32-1 is refused at once with a coded TypeError (edges[0] is not a number)', async () => {
    const edges: number[] = [];
    edges.length = 2 ** 32 - 1;
    const t0 = performance.now();
    const err = await ck.histogram(new Float64Array(4), edges).then(
      () => undefined,
      (e: unknown) => e,
    );
    const ms = performance.now() - t0;
    expect((err as any)?.code, String(err)).toBe(ck.codes.INVALID_ARG_TYPE);
    expect(ms, 'ms to refuse').toBeLessThan(200);
  });
});

// ---------------------------------------------------------------------------------------
// A TypedArray subclass is its real type, whatever its constructor is called (the element
// type comes from the array, never from `constructor.name`).

describe.each(backends())('TypedArray subclasses named like another type on the %s backend', (backend: Backend) => {
  it('count, per-row count and histogram treat them as their real type (async and Sync)', async () => {
    const problems: string[] = [];
    for (const [name, { base, ctor }] of Object.entries(MISNAMED)) {
      const big = isBigTag(base);
      const values = FLOAT_TAGS.includes(base) ? [-3, -1, 0, 1, 2, 2.5, 4, 7, 9, 12] : [-3, -1, 0, 1, 2, 3, 4, 7, 9, 12];
      const data = new ctor(values.length);
      values.forEach((v, i) => (data[i] = big ? BigInt(v) : v));
      const real: Scalar[] = Array.from(data as ArrayLike<Scalar>);
      const [lo, hi] = [0.5, 8];
      const note = async (what: string, run: () => unknown, want: unknown) => {
        try {
          const got = await run();
          const g = ArrayBuffer.isView(got) ? Array.from(got as ArrayLike<number>) : got;
          if (show(g) !== show(want)) problems.push(`${name}: ${what} gave ${show(g)}, expected ${show(want)}`);
        } catch (e) {
          problems.push(`${name}: ${what} threw ${(e as Error)?.constructor?.name} ${(e as any)?.code}: ${(e as Error)?.message}`);
        }
      };
      await note('countInRange', () => ck.countInRange(data, lo, hi, { backend }), refCount(real, lo, hi));
      await note('countInRangeSync', () => ck.countInRangeSync(data, lo, hi, { backend }), refCount(real, lo, hi));
      await note('countInRangeByRow', () => ck.countInRangeByRow({ data, rows: 2, cols: 5 }, lo, hi, { backend }), refCountByRow(real, 2, 5, lo, hi));
      await note('histogram', () => ck.histogram(data, [-2, 0.5, 3, 10], { backend }), refHistogram(real, [-2, 0.5, 3, 10]));
      await note('histogramSync', () => ck.histogramSync(data, [-2, 0.5, 3, 10], { backend }), refHistogram(real, [-2, 0.5, 3, 10]));
      if (FLOAT_TAGS.includes(base)) {
        const a = { data: new ctor([1, 2, 3, 4]), rows: 2, cols: 2 };
        await note('matmul (result type)', async () => tagOf((await ck.matmul(a, a, { backend })).data), base);
      }
    }
    expect(problems).toEqual([]);
  });
});
