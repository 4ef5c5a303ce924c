// Types not taken are refused by name: any TypedArray or DataView a function does not
// accept is a TypeError ERR_CK_INVALID_ARG_TYPE that says what it is and what the function
// takes, on every backend, async and Sync. Float16Array (Node 24+) is taken by the counts,
// histograms, minMax, matmul and gemm (test/float16.test.ts), and named among what they take.
import { describe, expect, it } from 'vitest';
import * as ck from '../dist/index.js';
import { backends, type Backend } from './helpers/backends.js';

const CODE = 'ERR_CK_INVALID_ARG_TYPE';
type ViewCtor = new (buffer: ArrayBuffer) => ArrayBufferView;
/** Node 24+ has Float16Array; on older lines it is absent and no message names it. */
const Float16 = (globalThis as { Float16Array?: ViewCtor }).Float16Array;
const FLOATS = Float16 ? 'Float32Array, Float64Array or Float16Array' : 'Float32Array or Float64Array';
const NUMERIC = 'Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, '
  + (Float16 ? 'BigInt64Array, BigUint64Array or Float16Array' : 'BigInt64Array or BigUint64Array');
/** Views no function takes as data, with the article their message uses. */
const NOWHERE: [string, ViewCtor][] = [['a DataView', DataView]];
/** Views the counts take but matmul and gemm do not. */
const NOT_FLOAT: [string, ViewCtor][] = [
  ...NOWHERE, ['an Int32Array', Int32Array], ['a Uint8ClampedArray', Uint8ClampedArray], ['a BigInt64Array', BigInt64Array],
];
const view = (Ctor: ViewCtor, elements: number) => new Ctor(new ArrayBuffer(8 * elements));
const any = ck as any;

it('refusals name Float16Array among the taken types exactly where the runtime has one', () => {
  const has = typeof (globalThis as { Float16Array?: unknown }).Float16Array === 'function';
  for (const call of [() => ck.matmulSync(m(new Int32Array(4)) as never, m(new Float64Array(4))),
    () => ck.countInRangeSync(new DataView(new ArrayBuffer(8)) as never, 0, 1)]) {
    let err: Error | undefined;
    try {
      call();
    } catch (e) {
      err = e as Error;
    }
    expect(err).toBeInstanceOf(TypeError);
    expect(err!.message.includes('Float16Array')).toBe(has);
  }
});

/** The async function rejects and the Sync twin throws, each naming itself. */
async function expectRefused(fn: string, args: unknown[], message: (name: string) => string): Promise<void> {
  let rejected: unknown;
  await any[fn](...args).then(() => undefined, (err: unknown) => (rejected = err));
  expect(rejected).toBeInstanceOf(TypeError);
  expect(rejected).toMatchObject({ code: CODE, message: message(fn) });
  let thrown: unknown;
  try {
    any[`${fn}Sync`](...args);
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(TypeError);
  expect(thrown).toMatchObject({ code: CODE, message: message(`${fn}Sync`) });
}

const m = (data: unknown, rows = 2, cols = 2) => ({ data, rows, cols });

describe.each(backends())('on the %s backend', (backend: Backend) => {
  const opts = { backend };

  describe.each(NOT_FLOAT)('matmul and gemm refuse %s', (kind, Ctor) => {
    it('as a.data, b.data and options.out of matmul', async () => {
      const f64 = () => m(new Float64Array(4));
      await expectRefused('matmul', [m(view(Ctor, 4)), f64(), opts], (fn) => `${fn}: a.data is ${kind}; ${fn} takes ${FLOATS}`);
      await expectRefused('matmul', [f64(), m(view(Ctor, 4)), opts], (fn) => `${fn}: b.data is ${kind}; ${fn} takes ${FLOATS}`);
      await expectRefused('matmul', [f64(), f64(), { ...opts, out: view(Ctor, 4) }], (fn) => `${fn}: options.out is ${kind}; ${fn} takes ${FLOATS}`);
    });

    it('as a, b and c of gemm', async () => {
      for (const arg of ['a', 'b', 'c']) {
        const g = { m: 2, n: 2, k: 2, a: new Float64Array(4), b: new Float64Array(4), c: new Float64Array(4), [arg]: view(Ctor, 4) };
        await expectRefused('gemm', [g, opts], (fn) => `${fn}: ${arg} is ${kind}; ${fn} takes ${FLOATS}`);
      }
    });
  });

  describe.each(NOWHERE)('the counts and the histogram refuse %s', (kind, Ctor) => {
    it('as data', async () => {
      await expectRefused('countInRange', [view(Ctor, 4), 0, 1, opts], (fn) => `${fn}: data is ${kind}; ${fn} takes ${NUMERIC}`);
      await expectRefused('countInRangeByRow', [m(view(Ctor, 4)), 0, 1, opts], (fn) => `${fn}: m.data is ${kind}; ${fn} takes ${NUMERIC}`);
      await expectRefused('histogram', [view(Ctor, 4), [0, 1], opts], (fn) => `${fn}: data is ${kind}; ${fn} takes ${NUMERIC}`);
    });

    it("as the histogram's edges", async () => {
      await expectRefused('histogram', [new Float64Array(4), view(Ctor, 2), opts],
        (fn) => `${fn}: edges is ${kind}; ${fn} takes edges as an array of numbers or one of ${NUMERIC}`);
    });
  });

  describe.each([...NOWHERE, ['an Int32Array', Int32Array], ['a Float32Array', Float32Array],
    ...(Float16 ? [['a Float16Array', Float16]] : [])] as [string, ViewCtor][])(
    'countInRangeByRow refuses %s as options.out', (kind, Ctor) => {
      it('naming the Uint32Array it takes', async () => {
        await expectRefused('countInRangeByRow', [m(new Float64Array(4)), 0, 1, { ...opts, out: view(Ctor, 2) }],
          (fn) => `${fn}: options.out is ${kind}; ${fn} takes a Uint32Array as options.out`);
      });
    });
});

describe('the constructors matrix(), fromRows() and shared() take', () => {
  const notFloat = [DataView, Int32Array, BigInt64Array];
  it.each(notFloat.map((Ctor) => [Ctor.name, Ctor]))('matrix() and fromRows() refuse %s by name', (name, Ctor) => {
    expect(() => ck.matrix(Ctor as never, 2, 2)).toThrow(expect.objectContaining({
      constructor: TypeError, code: CODE, message: `matrix: type is ${name}; matrix takes ${FLOATS}` }));
    expect(() => ck.fromRows([[1]], Ctor as never)).toThrow(expect.objectContaining({
      constructor: TypeError, code: CODE, message: `fromRows: type is ${name}; fromRows takes ${FLOATS}` }));
  });

  it.each([DataView].map((Ctor) => [Ctor.name, Ctor]))('shared() refuses %s by name', (name, Ctor) => {
    expect(() => ck.shared(Ctor as never, 4)).toThrow(expect.objectContaining({
      constructor: TypeError, code: CODE, message: `shared: type is ${name}; shared takes ${NUMERIC}` }));
  });

  it('other values keep the "must be ... (got ...)" form', () => {
    expect(() => ck.matrix(Array as never, 2, 2)).toThrow(expect.objectContaining({
      constructor: TypeError, code: CODE, message: `matrix: type must be ${FLOATS} (got function)` }));
    expect(() => ck.shared('Int32Array' as never, 4)).toThrow(expect.objectContaining({
      constructor: TypeError, code: CODE, message: `shared: type must be ${NUMERIC} (got string)` }));
    expect(() => ck.countInRangeSync([1, 2] as never, 0, 1)).toThrow(expect.objectContaining({
      constructor: TypeError, code: CODE, message: 'countInRangeSync: data must be a TypedArray (got Array)' }));
  });

  it('shared() still takes every element type the counts take, and their subclasses', () => {
    class Tagged extends Int16Array {}
    for (const Ctor of [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
      Float32Array, Float64Array, BigInt64Array, BigUint64Array, Tagged, ...(Float16 ? [Float16] : [])]) {
      const arr = ck.shared(Ctor as never, 3) as ArrayBufferView;
      expect(arr).toBeInstanceOf(Ctor);
      expect(arr.buffer).toBeInstanceOf(SharedArrayBuffer);
    }
  });
});
