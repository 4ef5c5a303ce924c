// Fresh results (no options.out): small ones are views on a shared pooled ArrayBuffer, large
// ones may start as uninitialised memory. Neither may show: every result is independent,
// holds exactly its own values, and survives what users do with other results' buffers.
import { describe, expect, it } from 'vitest';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import * as ck from '../dist/index.js';
import { backends } from './helpers/backends.js';
import { expectExit, lastJson, runScript } from './helpers/child.js';

const filled = (Ctor: Float64ArrayConstructor | Float32ArrayConstructor, n: number, seed: number) =>
  Ctor.from({ length: n }, (_, i) => ((i * 7 + seed) % 11) - 5);

describe.each(backends())('fresh results on the %s backend', (backend) => {
  it('small matmul results never alias one another', async () => {
    const a = { data: filled(Float64Array, 16, 1), rows: 4, cols: 4 };
    const b = { data: filled(Float64Array, 16, 2), rows: 4, cols: 4 };
    const results = [ck.matmulSync(a, b, { backend }), await ck.matmul(a, b, { backend }), ck.matmulSync(a, b, { backend })];
    const expected = Float64Array.from(results[0].data);
    results[0].data.fill(99); // scribbling on one result
    for (const r of results.slice(1)) expect(Array.from(r.data)).toEqual(Array.from(expected));
    expect(results[0].data.byteOffset % 64).toBe(0);
  });

  it('a product with k = 0 is all zeros, small or large (a large result is not pre-zeroed)', async () => {
    // Dirty the allocator first: freshly freed memory is what an unzeroed result would show.
    for (let i = 0; i < 8; i++) new Float64Array(1 << 16).fill(NaN);
    for (const n of [3, 300]) {
      const a = ck.matrix(Float64Array, n, 0), b = ck.matrix(Float64Array, 0, n);
      for (const r of [ck.matmulSync(a, b, { backend }), await ck.matmul(a, b, { backend })]) {
        expect(r.data.length).toBe(n * n);
        expect(r.data.every((x) => x === 0)).toBe(true);
      }
    }
  });

  it('small histogram and per-row results start from zero', async () => {
    const edges = [0, 1, 2, 3];
    for (let i = 0; i < 3; i++) {
      const h = await ck.histogram(new Float64Array([0.5, 2.5, 2.5]), edges, { backend });
      expect(Array.from(h)).toEqual([1, 0, 2]);
      const rows = ck.countInRangeByRowSync({ data: new Int32Array([1, 9, 1, 9, 9, 9]), rows: 3, cols: 2 }, 0, 5, { backend });
      expect(Array.from(rows)).toEqual([1, 1, 0]);
    }
  });
});

describe('the pooled ArrayBuffer', () => {
  // What a user sees when transferring a small result's buffer differs by Node line, as it
  // does for a pooled Buffer: Node 20 sends a copy, Node 21 and later refuse with
  // DataCloneError. Never does the transfer detach the other results on the slab.
  const major = Number(process.versions.node.split('.')[0]);

  it(`cannot be detached by transferring one result (Node ${major}: ${major >= 21 ? 'DataCloneError' : 'a copy is sent'})`, () => {
    const a = { data: new Float32Array([1, 2, 3, 4]), rows: 2, cols: 2 };
    const first = ck.matmulSync(a, a), second = ck.matmulSync(a, a);
    expect(first.data.buffer).toBe(second.data.buffer); // the premise: both come from one slab
    const { port1, port2 } = new MessageChannel();
    try {
      const send = () => port1.postMessage(first.data, [first.data.buffer]);
      if (major >= 21) {
        expect(send).toThrow(expect.objectContaining({ name: 'DataCloneError' }));
        expect(receiveMessageOnPort(port2)).toBeUndefined();
      } else {
        send();
        expect(Array.from(receiveMessageOnPort(port2)!.message as Float32Array)).toEqual([7, 10, 15, 22]);
      }
    } finally {
      port1.close();
      port2.close();
    }
    expect(Array.from(second.data)).toEqual([7, 10, 15, 22]);
    expect(Array.from(first.data)).toEqual([7, 10, 15, 22]);
  });

  it('a copy made with slice() has a buffer of its own that transfers on every line', () => {
    const a = { data: new Float64Array([1, 2, 3, 4]), rows: 2, cols: 2 };
    const own = ck.matmulSync(a, a).data.slice();
    const { port1, port2 } = new MessageChannel();
    try {
      port1.postMessage(own, [own.buffer]);
      expect(own.byteLength).toBe(0); // moved, not copied
      expect(Array.from(receiveMessageOnPort(port2)!.message as Float64Array)).toEqual([7, 10, 15, 22]);
    } finally {
      port1.close();
      port2.close();
    }
  });

  it('is not used where the runtime ignores markAsUntransferable: each result owns its buffer', async () => {
    // A runtime whose marking is a no-op, simulated before the package first pools a result.
    const r = await runScript(`
      require('node:worker_threads').markAsUntransferable = () => {};
      const ck = require(P);
      const a = { data: new Float64Array([1, 2, 3, 4]), rows: 2, cols: 2 };
      const first = ck.matmulSync(a, a), second = ck.matmulSync(a, a);
      const shared = first.data.buffer === second.data.buffer;
      structuredClone(first.data.buffer, { transfer: [first.data.buffer] });
      console.log(JSON.stringify({ shared, first: first.data.length, second: Array.from(second.data) }));
    `);
    expectExit(r);
    expect(lastJson(r)).toEqual({ shared: false, first: 0, second: [7, 10, 15, 22] });
  });
});
