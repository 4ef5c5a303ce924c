// Guards against memory that can change under a running kernel, and against callers that
// bypass the TypeScript layer and call the addon directly.
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as ck from '../dist/index.js';
import { backends } from './helpers/backends';

const nativeAddon = () => createRequire(__filename)(path.resolve(__dirname, '../dist/backends/native.js')).native().addon;

describe.each(backends())('resizable buffers on the %s backend', (backend) => {
  const resizable = () => new Float64Array(new ArrayBuffer(64, { maxByteLength: 128 }));
  it('an input on a resizable ArrayBuffer is refused (it could shrink during the call), async and Sync', async () => {
    await expect(ck.countInRange(resizable(), 0, 1, { backend })).rejects.toMatchObject({ name: 'TypeError', code: 'ERR_CK_INVALID_ARG_TYPE' });
    expect(() => ck.matmulSync({ data: resizable(), rows: 2, cols: 4 }, { data: new Float64Array(8), rows: 4, cols: 2 }, { backend }))
      .toThrow(expect.objectContaining({ name: 'TypeError', code: 'ERR_CK_INVALID_ARG_TYPE' }));
  });
  it('a growable SharedArrayBuffer (it can only grow) is accepted', async () => {
    const data = new Float64Array(new SharedArrayBuffer(64, { maxByteLength: 128 }));
    data.set([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(await ck.countInRange(data, 2, 5, { backend })).toBe(4);
  });
});

describe.each(backends().filter((b) => b === 'native'))('the addon (%s) called directly, bypassing validation', () => {
  it('gemm refuses shapes larger than its arrays instead of reading past them', () => {
    const addon = nativeAddon();
    const small = () => new Float64Array(4);
    expect(() => addon.gemm(false, 0, 1, small(), small(), small(), 4000, 4000, 4000, false, false, 4000, 4000, 4000, 1, 0))
      .toThrow(expect.objectContaining({ code: 'ERR_CK_INVALID_ARG_TYPE' }));
    expect(() => addon.gemm(false, 0, 1, small(), small(), small(), 2, 2, 2, false, false, 1, 2, 2, 1, 0))
      .toThrow(expect.objectContaining({ code: 'ERR_CK_INVALID_ARG_TYPE' }));
    const c = small();
    addon.gemm(false, 0, 1, new Float64Array([1, 2, 3, 4]), new Float64Array([5, 6, 7, 8]), c, 2, 2, 2, false, false, 2, 2, 2, 1, 0);
    expect(Array.from(c)).toEqual([19, 22, 43, 50]);
  });

  it('gemmBatch refuses a batch or strides reaching past its arrays, and C matrices that overlap', () => {
    const addon = nativeAddon();
    const f = (n: number) => new Float64Array(n);
    const call = (a: Float64Array, b: Float64Array, c: Float64Array, batch: number, sa: number, sb: number, sc: number) =>
      addon.gemmBatch(false, 0, 1, a, b, c, batch, 2, 2, 2, false, false, 2, 2, 2, sa, sb, sc, 1, 0);
    const refused = expect.objectContaining({ code: 'ERR_CK_INVALID_ARG_TYPE' });
    expect(() => call(f(8), f(8), f(8), 3, 4, 4, 4)).toThrow(refused); // three matrices in arrays of two
    expect(() => call(f(8), f(4), f(8), 2, 4, 1, 4)).toThrow(refused);
    expect(() => call(f(8), f(8), f(8), 2, 4, 4, 3)).toThrow(refused); // C matrices overlap
    expect(() => call(f(8), f(8), f(8), 2, 4, 4, 0)).toThrow(refused);
    const c = f(8);
    call(new Float64Array([1, 2, 3, 4, 5, 6, 7, 8]), new Float64Array([5, 6, 7, 8]), c, 2, 4, 0, 4);
    expect(Array.from(c)).toEqual([19, 22, 43, 50, 67, 78, 91, 106]);
  });

  it('a half product (halves as Uint16Arrays) refuses a C that is neither halves nor a Float32Array', () => {
    const addon = nativeAddon();
    const one = 0x3c00; // 1.0 as a half
    const h = () => new Uint16Array(4).fill(one);
    const gemm = (c: unknown) => addon.gemm(false, 0, 1, h(), h(), c, 2, 2, 2, false, false, 2, 2, 2, 1, 0, true);
    const batch = (c: unknown) => addon.gemmBatch(false, 0, 1, h(), h(), c, 1, 2, 2, 2, false, false, 2, 2, 2, 4, 4, 4, 1, 0, true);
    for (const [call, fn] of [[gemm, 'gemm'], [batch, 'gemmBatch']] as const) {
      expect(() => call(new Float64Array(4))).toThrow(expect.objectContaining({ code: 'ERR_CK_INVALID_ARG_TYPE', message: expect.stringContaining(`${fn}: a half`) }));
      const c16 = new Uint16Array(4), c32 = new Float32Array(4);
      call(c16);
      call(c32);
      expect(Array.from(c16)).toEqual([0x4000, 0x4000, 0x4000, 0x4000]); // 2.0
      expect(Array.from(c32)).toEqual([2, 2, 2, 2]);
    }
  });
});
