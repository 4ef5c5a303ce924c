// Every error path of every function: async functions reject (never throw synchronously),
// Sync twins throw; exact class, stable code, message starting with `<function>: `.
import { describe, expect, it } from 'vitest';
import * as ck from '../dist/index.js';
import { backends, nativeLoaded, type Backend } from './helpers/backends.js';

// The codes, spelled out here (not imported from src) so a renamed code fails the tests.
const C = {
  TYPE: 'ERR_CK_INVALID_ARG_TYPE',
  DETACHED: 'ERR_CK_DETACHED_BUFFER',
  RANGE: 'ERR_CK_OUT_OF_RANGE',
  SHAPE: 'ERR_CK_SHAPE_MISMATCH',
  LD: 'ERR_CK_LEADING_DIMENSION',
  SHORT: 'ERR_CK_ARRAY_TOO_SHORT',
  NAN: 'ERR_CK_NAN_BOUND',
  EDGES: 'ERR_CK_INVALID_EDGES',
  OUT_SIZE: 'ERR_CK_OUT_SIZE',
  OVERLAP: 'ERR_CK_OUT_OVERLAP',
  UNAVAILABLE: 'ERR_CK_BACKEND_UNAVAILABLE',
} as const;

type Cls = typeof TypeError | typeof RangeError | typeof Error;
type Fn = 'matmul' | 'gemm' | 'countInRange' | 'countInRangeByRow' | 'histogram';

interface Case {
  name: string;
  fn: Fn;
  /** Fresh arguments for one call (opts last), given the backend under test. */
  args: (backend: Backend) => unknown[];
  cls: Cls;
  code: string;
  /** The exact message of the async function (the Sync twin's starts with `<fn>Sync: ` instead). */
  message?: string;
  /** Only the async function takes this input (e.g. signal). */
  asyncOnly?: boolean;
}

const any = ck as any;

function detach<T extends ArrayBufferView>(x: T): T {
  structuredClone(x.buffer, { transfer: [x.buffer as ArrayBuffer] });
  return x;
}
const f64 = (n: number) => new Float64Array(n);
const f32 = (n: number) => new Float32Array(n);
const mat = (rows: number, cols: number, data: unknown = f64(rows * cols)) => ({ data, rows, cols });

// ---------------------------------------------------------------------------------------
// Options: every function, with valid arguments otherwise.

const validArgs: Record<Fn, () => unknown[]> = {
  matmul: () => [mat(2, 3), mat(3, 2)],
  gemm: () => [{ m: 2, n: 2, k: 2, a: f64(4), b: f64(4), c: f64(4) }],
  countInRange: () => [f64(4), 0, 1],
  countInRangeByRow: () => [mat(2, 2), 0, 1],
  histogram: () => [f64(4), [0, 1]],
};
const FNS = Object.keys(validArgs) as Fn[];

const optionCases: Case[] = FNS.flatMap((fn): Case[] => {
  const w = (name: string, opts: (b: Backend) => object, cls: Cls, code: string, asyncOnly = false): Case => ({
    name: `options: ${name}`,
    fn,
    args: (b) => [...validArgs[fn](), opts(b)],
    cls,
    code,
    asyncOnly,
  });
  return [
    w("backend 'gpu'", () => ({ backend: 'gpu' }), RangeError, C.RANGE),
    w("backend 'JS'", () => ({ backend: 'JS' }), RangeError, C.RANGE),
    w('backend 1', () => ({ backend: 1 }), RangeError, C.RANGE),
    w('threads 1.5', (b) => ({ backend: b, threads: 1.5 }), TypeError, C.TYPE),
    w("threads '2'", (b) => ({ backend: b, threads: '2' }), TypeError, C.TYPE),
    w('threads NaN', (b) => ({ backend: b, threads: NaN }), TypeError, C.TYPE),
    w('threads 0', (b) => ({ backend: b, threads: 0 }), RangeError, C.RANGE),
    w('threads -1', (b) => ({ backend: b, threads: -1 }), RangeError, C.RANGE),
    w('threads threads()+1', (b) => ({ backend: b, threads: ck.threads() + 1 }), RangeError, C.RANGE),
    w('signal {}', (b) => ({ backend: b, signal: {} }), TypeError, C.TYPE, true),
    w("signal 'abort'", (b) => ({ backend: b, signal: 'abort' }), TypeError, C.TYPE, true),
  ];
});

// ---------------------------------------------------------------------------------------
// matmul

function overlapping(): { a: Float64Array; out: Float64Array } {
  const buf = new ArrayBuffer(8 * 16);
  return { a: new Float64Array(buf, 0, 12), out: new Float64Array(buf, 8 * 10, 6) };
}

const matmulCases: Case[] = [
  { name: 'no arguments', fn: 'matmul', args: () => [], cls: TypeError, code: C.TYPE },
  { name: 'a is null', fn: 'matmul', args: (b) => [null, mat(4, 2), { backend: b }], cls: TypeError, code: C.TYPE },
  { name: 'b is a number', fn: 'matmul', args: (b) => [mat(3, 4), 5, { backend: b }], cls: TypeError, code: C.TYPE },
  { name: 'a.data is a plain array', fn: 'matmul', args: (b) => [mat(3, 4, new Array(12).fill(1)), mat(4, 2), { backend: b }], cls: TypeError, code: C.TYPE },
  { name: 'a.data is an Int32Array', fn: 'matmul', args: (b) => [mat(3, 4, new Int32Array(12)), mat(4, 2), { backend: b }], cls: TypeError, code: C.TYPE },
  { name: 'b.data is a BigInt64Array', fn: 'matmul', args: (b) => [mat(3, 4), mat(4, 2, new BigInt64Array(8)), { backend: b }], cls: TypeError, code: C.TYPE },
  { name: 'a.data is missing', fn: 'matmul', args: (b) => [{ rows: 3, cols: 4 }, mat(4, 2), { backend: b }], cls: TypeError, code: C.TYPE },
  { name: 'mixed element types', fn: 'matmul', args: (b) => [mat(3, 4), mat(4, 2, f32(8)), { backend: b }], cls: TypeError, code: C.TYPE },
  { name: 'a.rows 2.5', fn: 'matmul', args: (b) => [mat(2.5, 4, f64(12)), mat(4, 2), { backend: b }], cls: TypeError, code: C.TYPE },
  { name: 'a.rows NaN', fn: 'matmul', args: (b) => [mat(NaN, 4, f64(12)), mat(4, 2), { backend: b }], cls: TypeError, code: C.TYPE },
  { name: "a.rows '3'", fn: 'matmul', args: (b) => [mat('3' as any, 4, f64(12)), mat(4, 2), { backend: b }], cls: TypeError, code: C.TYPE },
  { name: 'b.cols Infinity', fn: 'matmul', args: (b) => [mat(3, 4), mat(4, Infinity, f64(8)), { backend: b }], cls: TypeError, code: C.TYPE },
  { name: 'b.cols 2n', fn: 'matmul', args: (b) => [mat(3, 4), mat(4, 2n as any, f64(8)), { backend: b }], cls: TypeError, code: C.TYPE },
  { name: 'a.rows -1', fn: 'matmul', args: (b) => [mat(-1, 4, f64(12)), mat(4, 2), { backend: b }], cls: RangeError, code: C.RANGE },
  { name: 'b.cols -2', fn: 'matmul', args: (b) => [mat(3, 4), mat(4, -2, f64(8)), { backend: b }], cls: RangeError, code: C.RANGE },
  {
    name: 'a.cols !== b.rows',
    fn: 'matmul',
    args: (b) => [mat(3, 4), mat(5, 2), { backend: b }],
    cls: RangeError,
    code: C.SHAPE,
    message: 'matmul: a is 3x4 but b is 5x2 (a.cols must equal b.rows)',
  },
  { name: 'a.data too short', fn: 'matmul', args: (b) => [mat(3, 4, f64(11)), mat(4, 2), { backend: b }], cls: RangeError, code: C.SHORT },
  { name: 'b.data too short', fn: 'matmul', args: (b) => [mat(3, 4), mat(4, 2, f64(7)), { backend: b }], cls: RangeError, code: C.SHORT },
  {
    name: 'huge shape with short data (no overflow)',
    fn: 'matmul',
    args: (b) => [mat(2 ** 31, 2 ** 31, f64(4)), mat(2 ** 31, 1, f64(4)), { backend: b }],
    cls: RangeError,
    code: C.SHORT,
  },
  { name: 'a.data detached', fn: 'matmul', args: (b) => [mat(3, 4, detach(f64(12))), mat(4, 2), { backend: b }], cls: TypeError, code: C.DETACHED },
  { name: 'b.data detached', fn: 'matmul', args: (b) => [mat(3, 4), mat(4, 2, detach(f64(8))), { backend: b }], cls: TypeError, code: C.DETACHED },
  { name: 'out of another element type', fn: 'matmul', args: (b) => [mat(3, 4), mat(4, 2), { backend: b, out: f32(6) }], cls: TypeError, code: C.TYPE },
  { name: 'out a plain array', fn: 'matmul', args: (b) => [mat(3, 4), mat(4, 2), { backend: b, out: new Array(6).fill(0) }], cls: TypeError, code: C.TYPE },
  { name: 'out too short', fn: 'matmul', args: (b) => [mat(3, 4), mat(4, 2), { backend: b, out: f64(5) }], cls: RangeError, code: C.OUT_SIZE },
  { name: 'out too long', fn: 'matmul', args: (b) => [mat(3, 4), mat(4, 2), { backend: b, out: f64(7) }], cls: RangeError, code: C.OUT_SIZE },
  { name: 'out detached', fn: 'matmul', args: (b) => [mat(3, 4), mat(4, 2), { backend: b, out: detach(f64(6)) }], cls: TypeError, code: C.DETACHED },
  {
    name: 'out overlaps a.data',
    fn: 'matmul',
    args: (b) => {
      const o = overlapping();
      return [mat(3, 4, o.a), mat(4, 2), { backend: b, out: o.out }];
    },
    cls: RangeError,
    code: C.OVERLAP,
  },
  {
    name: 'out is b.data',
    fn: 'matmul',
    args: (b) => {
      const bb = mat(2, 2);
      return [mat(2, 2), bb, { backend: b, out: bb.data }];
    },
    cls: RangeError,
    code: C.OVERLAP,
  },
  {
    name: 'out overlaps shared-memory b.data',
    fn: 'matmul',
    args: (b) => {
      const s = ck.shared(Float32Array, 16);
      return [mat(2, 4, f32(8)), mat(4, 2, s.subarray(0, 8)), { backend: b, out: s.subarray(7, 11) }];
    },
    cls: RangeError,
    code: C.OVERLAP,
  },
];

// ---------------------------------------------------------------------------------------
// gemm (valid base: row-major m=2, n=3, k=4; A 2x4, B 4x3, C 2x3)

const g = (over: Record<string, unknown> = {}) => ({ m: 2, n: 3, k: 4, a: f64(8), b: f64(12), c: f64(6), ...over });
const gemmCase = (name: string, over: () => Record<string, unknown>, cls: Cls, code: string): Case => ({
  name,
  fn: 'gemm',
  args: (b) => [g(over()), { backend: b }],
  cls,
  code,
});

const gemmCases: Case[] = [
  { name: 'no arguments', fn: 'gemm', args: () => [], cls: TypeError, code: C.TYPE },
  { name: 'args null', fn: 'gemm', args: (b) => [null, { backend: b }], cls: TypeError, code: C.TYPE },
  gemmCase('m 1.5', () => ({ m: 1.5 }), TypeError, C.TYPE),
  gemmCase("n '3'", () => ({ n: '3' }), TypeError, C.TYPE),
  gemmCase('k NaN', () => ({ k: NaN }), TypeError, C.TYPE),
  gemmCase('m missing', () => ({ m: undefined }), TypeError, C.TYPE),
  gemmCase('k -1', () => ({ k: -1 }), RangeError, C.RANGE),
  gemmCase('n -3', () => ({ n: -3 }), RangeError, C.RANGE),
  gemmCase('a Int32Array', () => ({ a: new Int32Array(8) }), TypeError, C.TYPE),
  gemmCase('a plain array', () => ({ a: new Array(8).fill(0) }), TypeError, C.TYPE),
  gemmCase('b Float32Array (mixed)', () => ({ b: f32(12) }), TypeError, C.TYPE),
  gemmCase('c Float32Array (mixed)', () => ({ c: f32(6) }), TypeError, C.TYPE),
  gemmCase('c missing', () => ({ c: undefined }), TypeError, C.TYPE),
  gemmCase("layout 'row'", () => ({ layout: 'row' }), RangeError, C.RANGE),
  gemmCase("layout 'ROW-MAJOR'", () => ({ layout: 'ROW-MAJOR' }), RangeError, C.RANGE),
  gemmCase('transA 1', () => ({ transA: 1 }), TypeError, C.TYPE),
  gemmCase("transB 'true'", () => ({ transB: 'true' }), TypeError, C.TYPE),
  gemmCase("alpha '1'", () => ({ alpha: '1' }), TypeError, C.TYPE),
  gemmCase('alpha 1n', () => ({ alpha: 1n }), TypeError, C.TYPE),
  gemmCase('beta null', () => ({ beta: null }), TypeError, C.TYPE),
  gemmCase('lda 4.5', () => ({ lda: 4.5 }), TypeError, C.TYPE),
  gemmCase("ldc '3'", () => ({ ldc: '3' }), TypeError, C.TYPE),
  gemmCase('row-major lda 3 < 4', () => ({ lda: 3 }), RangeError, C.LD),
  gemmCase('row-major ldb 2 < 3', () => ({ ldb: 2 }), RangeError, C.LD),
  gemmCase('row-major ldc 2 < 3', () => ({ ldc: 2 }), RangeError, C.LD),
  gemmCase('row-major transA lda 1 < 2', () => ({ transA: true, lda: 1 }), RangeError, C.LD),
  gemmCase('row-major transB ldb 3 < 4', () => ({ transB: true, ldb: 3 }), RangeError, C.LD),
  gemmCase('col-major lda 1 < 2', () => ({ layout: 'col-major', lda: 1 }), RangeError, C.LD),
  gemmCase('col-major ldb 3 < 4', () => ({ layout: 'col-major', ldb: 3 }), RangeError, C.LD),
  gemmCase('col-major ldc 1 < 2', () => ({ layout: 'col-major', ldc: 1 }), RangeError, C.LD),
  gemmCase('col-major transA lda 3 < 4', () => ({ layout: 'col-major', transA: true, lda: 3 }), RangeError, C.LD),
  gemmCase('a too short', () => ({ a: f64(7) }), RangeError, C.SHORT),
  gemmCase('a too short for lda 5', () => ({ a: f64(8), lda: 5 }), RangeError, C.SHORT),
  gemmCase('b too short', () => ({ b: f64(11) }), RangeError, C.SHORT),
  gemmCase('c too short for ldc 4', () => ({ c: f64(6), ldc: 4 }), RangeError, C.SHORT),
  gemmCase('col-major a too short for lda 3', () => ({ layout: 'col-major', a: f64(10), lda: 3 }), RangeError, C.SHORT),
  gemmCase('transA a too short', () => ({ transA: true, a: f64(7) }), RangeError, C.SHORT),
  gemmCase('huge m with short a', () => ({ m: 2 ** 40, c: f64(6) }), RangeError, C.SHORT),
  gemmCase('a detached', () => ({ a: detach(f64(8)) }), TypeError, C.DETACHED),
  gemmCase('b detached', () => ({ b: detach(f64(12)) }), TypeError, C.DETACHED),
  gemmCase('c detached', () => ({ c: detach(f64(6)) }), TypeError, C.DETACHED),
  gemmCase(
    'c overlaps a',
    () => {
      const buf = new ArrayBuffer(8 * 20);
      return { a: new Float64Array(buf, 0, 8), c: new Float64Array(buf, 8 * 6, 6) };
    },
    RangeError,
    C.OVERLAP,
  ),
  gemmCase(
    'c is b',
    () => {
      const b = f64(12);
      return { b, c: b };
    },
    RangeError,
    C.OVERLAP,
  ),
];

// ---------------------------------------------------------------------------------------
// countInRange

const cr = (name: string, args: () => unknown[], cls: Cls, code: string): Case => ({
  name,
  fn: 'countInRange',
  args: (b) => [...args(), { backend: b }],
  cls,
  code,
});

const countCases: Case[] = [
  { name: 'no arguments', fn: 'countInRange', args: () => [], cls: TypeError, code: C.TYPE },
  cr('data a plain array', () => [[1, 2, 3], 0, 1], TypeError, C.TYPE),
  cr('data a DataView', () => [new DataView(new ArrayBuffer(8)), 0, 1], TypeError, C.TYPE),
  cr('data an ArrayBuffer', () => [new ArrayBuffer(8), 0, 1], TypeError, C.TYPE),
  cr('data null', () => [null, 0, 1], TypeError, C.TYPE),
  cr('data a string', () => ['123', 0, 1], TypeError, C.TYPE),
  cr("lo '0'", () => [f64(3), '0', 1], TypeError, C.TYPE),
  cr('hi undefined', () => [f64(3), 0, undefined], TypeError, C.TYPE),
  cr('hi null', () => [f64(3), 0, null], TypeError, C.TYPE),
  cr('bigint lo on a Float64Array', () => [f64(3), 0n, 1], TypeError, C.TYPE),
  cr('bigint hi on an Int32Array', () => [new Int32Array(3), 0, 1n], TypeError, C.TYPE),
  cr('bigint bounds on a Uint8Array', () => [new Uint8Array(3), 0n, 1n], TypeError, C.TYPE),
  cr('lo NaN', () => [f64(3), NaN, 1], RangeError, C.NAN),
  cr('hi NaN', () => [new Int8Array(3), 0, NaN], RangeError, C.NAN),
  cr('NaN bound on a BigInt64Array', () => [new BigInt64Array(3), NaN, 1n], RangeError, C.NAN),
  {
    name: "inclusive 'all'",
    fn: 'countInRange',
    args: (b) => [f64(3), 0, 1, { backend: b, inclusive: 'all' }],
    cls: RangeError,
    code: C.RANGE,
  },
  {
    name: "inclusive 'Both'",
    fn: 'countInRange',
    args: (b) => [f64(3), 0, 1, { backend: b, inclusive: 'Both' }],
    cls: RangeError,
    code: C.RANGE,
  },
  cr('data detached', () => [detach(f64(3)), 0, 1], TypeError, C.DETACHED),
  cr('Uint16Array data detached', () => [detach(new Uint16Array(5)), 0, 1], TypeError, C.DETACHED),
];

// ---------------------------------------------------------------------------------------
// countInRangeByRow (valid: 2x3 Float64)

const br = (name: string, m: () => unknown, rest: () => unknown[], opts: object, cls: Cls, code: string): Case => ({
  name,
  fn: 'countInRangeByRow',
  args: (b) => [m(), ...rest(), { backend: b, ...opts }],
  cls,
  code,
});
const b01 = () => [0, 1];

const byRowCases: Case[] = [
  { name: 'no arguments', fn: 'countInRangeByRow', args: () => [], cls: TypeError, code: C.TYPE },
  br('m null', () => null, b01, {}, TypeError, C.TYPE),
  br('m a typed array (not a matrix)', () => f64(6), b01, {}, TypeError, C.TYPE),
  br('m.data a plain array', () => mat(2, 3, [1, 2, 3, 4, 5, 6]), b01, {}, TypeError, C.TYPE),
  br('m.data a DataView', () => mat(2, 3, new DataView(new ArrayBuffer(48))), b01, {}, TypeError, C.TYPE),
  br('m.rows 1.5', () => mat(1.5, 3, f64(6)), b01, {}, TypeError, C.TYPE),
  br("m.rows '2'", () => mat('2' as any, 3, f64(6)), b01, {}, TypeError, C.TYPE),
  br('m.cols -1', () => mat(2, -1, f64(6)), b01, {}, RangeError, C.RANGE),
  br('m.data too short', () => mat(3, 3, f64(6)), b01, {}, RangeError, C.SHORT),
  br('m.data detached', () => mat(2, 3, detach(f64(6))), b01, {}, TypeError, C.DETACHED),
  br('lo NaN', () => mat(2, 3), () => [NaN, 1], {}, RangeError, C.NAN),
  br('bigint lo on Float64 data', () => mat(2, 3), () => [1n, 2], {}, TypeError, C.TYPE),
  br("hi 'x'", () => mat(2, 3), () => [0, 'x'], {}, TypeError, C.TYPE),
  br("inclusive 'x'", () => mat(2, 3), b01, { inclusive: 'x' }, RangeError, C.RANGE),
  br('out an Int32Array', () => mat(2, 3), b01, { out: new Int32Array(2) }, TypeError, C.TYPE),
  br('out a plain array', () => mat(2, 3), b01, { out: [0, 0] }, TypeError, C.TYPE),
  br('out a Float64Array', () => mat(2, 3), b01, { out: f64(2) }, TypeError, C.TYPE),
  br('out too long', () => mat(2, 3), b01, { out: new Uint32Array(3) }, RangeError, C.OUT_SIZE),
  br('out too short', () => mat(2, 3), b01, { out: new Uint32Array(1) }, RangeError, C.OUT_SIZE),
  {
    name: 'out overlaps m.data',
    fn: 'countInRangeByRow',
    args: (b) => {
      const buf = new ArrayBuffer(4 * 8);
      const data = new Uint32Array(buf, 0, 6);
      return [mat(2, 3, data), 0, 1, { backend: b, out: new Uint32Array(buf, 4 * 5, 2) }];
    },
    cls: RangeError,
    code: C.OVERLAP,
  },
  {
    name: 'out overlaps Float64 m.data in the same buffer',
    fn: 'countInRangeByRow',
    args: (b) => {
      const buf = new ArrayBuffer(8 * 6);
      return [mat(2, 3, new Float64Array(buf)), 0, 1, { backend: b, out: new Uint32Array(buf, 0, 2) }];
    },
    cls: RangeError,
    code: C.OVERLAP,
  },
];

// ---------------------------------------------------------------------------------------
// histogram

const hi = (name: string, data: () => unknown, edges: () => unknown, cls: Cls, code: string): Case => ({
  name,
  fn: 'histogram',
  args: (b) => [data(), edges(), { backend: b }],
  cls,
  code,
});
const d4 = () => f64(4);

const histogramCases: Case[] = [
  { name: 'no arguments', fn: 'histogram', args: () => [], cls: TypeError, code: C.TYPE },
  hi('data a plain array', () => [1, 2], () => [0, 1], TypeError, C.TYPE),
  hi('data a DataView', () => new DataView(new ArrayBuffer(8)), () => [0, 1], TypeError, C.TYPE),
  hi('data detached', () => detach(f64(4)), () => [0, 1], TypeError, C.DETACHED),
  hi('bins a fractional number (a count must be an integer)', d4, () => 5.5, TypeError, C.TYPE),
  hi('edges null', d4, () => null, TypeError, C.TYPE),
  hi('edges missing', d4, () => undefined, TypeError, C.TYPE),
  hi('edges of strings', d4, () => ['0', '1'], TypeError, C.TYPE),
  hi('edges with an object', d4, () => [0, {}], TypeError, C.TYPE),
  hi('edges of bigints', d4, () => [0n, 1n], TypeError, C.TYPE),
  hi('edges a BigInt64Array', d4, () => new BigInt64Array([0n, 1n]), TypeError, C.TYPE),
  hi('edges []', d4, () => [], RangeError, C.EDGES),
  hi('edges [1]', d4, () => [1], RangeError, C.EDGES),
  hi('edges Float64Array [1]', d4, () => new Float64Array([1]), RangeError, C.EDGES),
  hi('edges with NaN', d4, () => [0, NaN, 2], RangeError, C.NAN),
  hi('edges starting with NaN', d4, () => [NaN, 1], RangeError, C.NAN),
  hi('edges Float32Array with NaN', d4, () => new Float32Array([0, 1, NaN]), RangeError, C.NAN),
  hi('edges repeated', d4, () => [0, 0, 1], RangeError, C.EDGES),
  hi('edges decreasing', d4, () => [2, 1], RangeError, C.EDGES),
  hi('edges equal at the end', d4, () => [0, 1, 1], RangeError, C.EDGES),
  hi('edges -0 then 0', d4, () => [-0, 0], RangeError, C.EDGES),
  hi('edges Infinity twice', d4, () => [0, Infinity, Infinity], RangeError, C.EDGES),
];

// ---------------------------------------------------------------------------------------

const allCases: Case[] = [...matmulCases, ...gemmCases, ...countCases, ...byRowCases, ...histogramCases, ...optionCases];

function checkError(err: unknown, cls: Cls, code: string, fnName: string, exactMessage?: string) {
  expect(err, 'an error was raised').toBeDefined();
  expect(err).toBeInstanceOf(cls);
  expect((err as object).constructor, `class of ${String(err)}`).toBe(cls);
  expect((err as { code?: unknown }).code, String(err)).toBe(code);
  const message = (err as Error).message;
  expect(message.startsWith(`${fnName}: `), `message ${JSON.stringify(message)} should start with "${fnName}: "`).toBe(true);
  if (exactMessage !== undefined) expect(message).toBe(exactMessage);
}

async function expectRejection(call: () => unknown, cls: Cls, code: string, fnName: string, exactMessage?: string) {
  let ret: unknown;
  try {
    ret = call();
  } catch (e) {
    throw new Error(`${fnName} threw synchronously instead of returning a rejected promise: ${String(e)}`);
  }
  expect(ret).toBeInstanceOf(Promise);
  const err = await (ret as Promise<unknown>).then(
    (v) => {
      throw new Error(`${fnName} resolved (with ${String(v)}) instead of rejecting`);
    },
    (e: unknown) => e,
  );
  checkError(err, cls, code, fnName, exactMessage);
}

function expectThrow(call: () => unknown, cls: Cls, code: string, fnName: string, exactMessage?: string) {
  let err: unknown;
  let threw = false;
  try {
    call();
  } catch (e) {
    threw = true;
    err = e;
  }
  expect(threw, `${fnName} should throw`).toBe(true);
  checkError(err, cls, code, fnName, exactMessage);
}

describe.each(backends())('errors on the %s backend', (backend) => {
  it.each(allCases.map((c) => [`${c.fn}: ${c.name}`, c] as const))('%s — async rejects', async (_label, c) => {
    await expectRejection(() => any[c.fn](...c.args(backend)), c.cls, c.code, c.fn, c.message);
  });

  it.each(allCases.filter((c) => !c.asyncOnly).map((c) => [`${c.fn}Sync: ${c.name}`, c] as const))('%s — throws', (_label, c) => {
    const syncName = `${c.fn}Sync`;
    const message = c.message?.replace(`${c.fn}: `, `${syncName}: `);
    expectThrow(() => any[syncName](...c.args(backend)), c.cls, c.code, syncName, message);
  });

  it('refuses bad input before any work: c and out stay untouched', async () => {
    const c = f64(6).fill(7);
    await expect(ck.gemm({ m: 2, n: 3, k: 4, a: f64(7), b: f64(12), c }, { backend })).rejects.toThrow(RangeError);
    expect(Array.from(c)).toEqual([7, 7, 7, 7, 7, 7]);
    const c2 = f64(6).fill(7);
    expect(() => ck.gemmSync({ m: 2, n: 3, k: 4, a: f64(8), b: f64(12), c: c2, ldb: 1 }, { backend })).toThrow(RangeError);
    expect(Array.from(c2)).toEqual([7, 7, 7, 7, 7, 7]);
    const out = new Uint32Array(2).fill(9);
    await expect(ck.countInRangeByRow(mat(2, 3) as any, NaN, 1, { backend, out })).rejects.toThrow(RangeError);
    expect(Array.from(out)).toEqual([9, 9]);
    const mout = f64(4).fill(3);
    await expect(ck.matmul(mat(2, 2) as any, mat(2, 2, f32(4)) as any, { backend, out: mout })).rejects.toThrow(TypeError);
    expect(Array.from(mout)).toEqual([3, 3, 3, 3]);
  });
});

describe('codes', () => {
  it('exports every documented code under its name', () => {
    expect(ck.codes).toMatchObject({
      INVALID_ARG_TYPE: C.TYPE,
      DETACHED: C.DETACHED,
      OUT_OF_RANGE: C.RANGE,
      SHAPE_MISMATCH: C.SHAPE,
      LEADING_DIMENSION: C.LD,
      ARRAY_TOO_SHORT: C.SHORT,
      NAN_BOUND: C.NAN,
      INVALID_EDGES: C.EDGES,
      OUT_SIZE: C.OUT_SIZE,
      OUT_OVERLAP: C.OVERLAP,
      BACKEND_UNAVAILABLE: C.UNAVAILABLE,
      WORKER_DIED: 'ERR_CK_WORKER_DIED',
      NATIVE_FAILURE: 'ERR_CK_NATIVE_FAILURE',
    });
  });
});

describe.each(backends())('results too large to allocate on the %s backend', (backend) => {
  // Valid shapes whose result cannot be allocated (1e10 elements): still an error of the
  // package, with a code and the function's name, and still a rejection for async calls.
  const huge = 100_000;
  const knownCodes = Object.values(ck.codes) as string[]; // any of the package's codes
  const cases: { fn: 'matmul' | 'countInRangeByRow'; args: () => unknown[] }[] = [
    {
      fn: 'matmul',
      args: () => [{ data: f64(0), rows: huge, cols: 0 }, { data: f64(0), rows: 0, cols: huge }, { backend }],
    },
    { fn: 'countInRangeByRow', args: () => [{ data: f64(0), rows: huge * huge, cols: 0 }, 0, 1, { backend }] },
  ];
  it.each(cases.map((c) => [c.fn, c] as const))('%s rejects / throws a coded error', async (_n, c) => {
    let ret: unknown;
    expect(() => {
      ret = any[c.fn](...c.args());
    }).not.toThrow();
    const err = await (ret as Promise<unknown>).then(
      () => new Error('resolved'),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(knownCodes, String(err)).toContain((err as { code?: string }).code);
    expect((err as Error).message.startsWith(`${c.fn}: `), (err as Error).message).toBe(true);
    let syncErr: unknown;
    try {
      any[`${c.fn}Sync`](...c.args());
    } catch (e) {
      syncErr = e;
    }
    expect(syncErr).toBeInstanceOf(Error);
    expect(knownCodes, String(syncErr)).toContain((syncErr as { code?: string }).code);
    expect((syncErr as Error).message.startsWith(`${c.fn}Sync: `), (syncErr as Error).message).toBe(true);
  });
});

describe('backend availability', () => {
  it("backend 'native' runs when the addon loaded, else fails with ERR_CK_BACKEND_UNAVAILABLE on every function", async () => {
    for (const fn of FNS) {
      const args = [...validArgs[fn](), { backend: 'native' }];
      if (nativeLoaded()) {
        await expect(any[fn](...args)).resolves.toBeDefined();
        expect(any[`${fn}Sync`](...[...validArgs[fn](), { backend: 'native' }])).toBeDefined();
      } else {
        await expectRejection(() => any[fn](...args), Error, C.UNAVAILABLE, fn);
        expectThrow(() => any[`${fn}Sync`](...[...validArgs[fn](), { backend: 'native' }]), Error, C.UNAVAILABLE, `${fn}Sync`);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------
// Sync-only building blocks and configure

interface SyncCase {
  name: string;
  fn: 'matrix' | 'fromRows' | 'shared' | 'configure';
  args: () => unknown[];
  cls: Cls;
  code: string;
}

const syncCases: SyncCase[] = [
  { name: 'type Int32Array', fn: 'matrix', args: () => [Int32Array, 2, 2], cls: TypeError, code: C.TYPE },
  { name: 'type Array', fn: 'matrix', args: () => [Array, 2, 2], cls: TypeError, code: C.TYPE },
  { name: 'type null', fn: 'matrix', args: () => [null, 2, 2], cls: TypeError, code: C.TYPE },
  { name: 'type BigInt64Array', fn: 'matrix', args: () => [BigInt64Array, 2, 2], cls: TypeError, code: C.TYPE },
  { name: 'rows 1.5', fn: 'matrix', args: () => [Float64Array, 1.5, 2], cls: TypeError, code: C.TYPE },
  { name: "cols '2'", fn: 'matrix', args: () => [Float64Array, 2, '2'], cls: TypeError, code: C.TYPE },
  { name: 'rows NaN', fn: 'matrix', args: () => [Float32Array, NaN, 2], cls: TypeError, code: C.TYPE },
  { name: 'rows -1', fn: 'matrix', args: () => [Float64Array, -1, 2], cls: RangeError, code: C.RANGE },
  { name: 'cols -3', fn: 'matrix', args: () => [Float32Array, 2, -3], cls: RangeError, code: C.RANGE },
  { name: 'ragged rows', fn: 'fromRows', args: () => [[[1, 2], [3]]], cls: RangeError, code: C.SHAPE },
  { name: 'ragged rows (longer later)', fn: 'fromRows', args: () => [[[1], [2, 3]]], cls: RangeError, code: C.SHAPE },
  { name: 'a string', fn: 'fromRows', args: () => ['abc'], cls: TypeError, code: C.TYPE },
  { name: 'a flat array', fn: 'fromRows', args: () => [[1, 2]], cls: TypeError, code: C.TYPE },
  { name: 'null', fn: 'fromRows', args: () => [null], cls: TypeError, code: C.TYPE },
  { name: 'type Int32Array', fn: 'fromRows', args: () => [[[1]], Int32Array], cls: TypeError, code: C.TYPE },
  { name: 'type Array', fn: 'shared', args: () => [Array, 4], cls: TypeError, code: C.TYPE },
  { name: 'type null', fn: 'shared', args: () => [null, 4], cls: TypeError, code: C.TYPE },
  { name: 'length 1.5', fn: 'shared', args: () => [Float64Array, 1.5], cls: TypeError, code: C.TYPE },
  { name: "length '4'", fn: 'shared', args: () => [Float64Array, '4'], cls: TypeError, code: C.TYPE },
  { name: 'length -1', fn: 'shared', args: () => [Int8Array, -1], cls: RangeError, code: C.RANGE },
  { name: 'threads 1.5', fn: 'configure', args: () => [{ threads: 1.5 }], cls: TypeError, code: C.TYPE },
  { name: "threads '2'", fn: 'configure', args: () => [{ threads: '2' }], cls: TypeError, code: C.TYPE },
  { name: 'threads 0', fn: 'configure', args: () => [{ threads: 0 }], cls: RangeError, code: C.RANGE },
  { name: 'threads 1025', fn: 'configure', args: () => [{ threads: 1025 }], cls: RangeError, code: C.RANGE },
  { name: 'threads -4', fn: 'configure', args: () => [{ threads: -4 }], cls: RangeError, code: C.RANGE },
  { name: "backend 'gpu'", fn: 'configure', args: () => [{ backend: 'gpu' }], cls: RangeError, code: C.RANGE },
  { name: "backend ''", fn: 'configure', args: () => [{ backend: '' }], cls: RangeError, code: C.RANGE },
];

describe('errors of the synchronous building blocks', () => {
  it.each(syncCases.map((c) => [`${c.fn}: ${c.name}`, c] as const))('%s — throws', (_label, c) => {
    expectThrow(() => any[c.fn](...c.args()), c.cls, c.code, c.fn);
  });

  it('a refused configure changes nothing', () => {
    const before = ck.threads();
    const backendBefore = ck.info().backend;
    expect(() => any.configure({ threads: 0 })).toThrow(RangeError);
    expect(() => any.configure({ threads: before === 1 ? 2 : 1, backend: 'gpu' })).toThrow(RangeError);
    expect(ck.threads()).toBe(before);
    expect(ck.info().backend).toBe(backendBefore);
  });
});
