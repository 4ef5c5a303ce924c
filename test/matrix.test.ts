// Building blocks: matrix, fromRows, toRows, shared.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ck from '../dist/index.js';
import { KINDS } from './helpers/kinds.js';

describe('matrix', () => {
  for (const T of [Float64Array, Float32Array] as any[]) {
    it(`makes a zero-filled ${T.name} matrix of rows*cols elements`, () => {
      const m = ck.matrix(T, 3, 5);
      expect(m.data).toBeInstanceOf(T);
      expect(m.rows).toBe(3);
      expect(m.cols).toBe(5);
      expect(m.data.length).toBe(15);
      expect(m.data.every((v) => Object.is(v, 0))).toBe(true);
      expect(m.data.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    });

    it(`with shared: true puts the ${T.name} data on a SharedArrayBuffer`, () => {
      const m = ck.matrix(T, 4, 2, { shared: true });
      expect(m.data).toBeInstanceOf(T);
      expect(m.data.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(m.data.length).toBe(8);
      expect(m.data.every((v) => v === 0)).toBe(true);
      const n = ck.matrix(T, 4, 2, { shared: false });
      expect(n.data.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    });
  }

  it('allows empty shapes', () => {
    for (const [r, c] of [[0, 0], [0, 7], [7, 0]]) {
      const m = ck.matrix(Float64Array, r, c);
      expect([m.rows, m.cols, m.data.length]).toEqual([r, c, 0]);
      const s = ck.matrix(Float32Array, r, c, { shared: true });
      expect([s.rows, s.cols, s.data.length]).toEqual([r, c, 0]);
    }
  });

  it('gives independent matrices on each call', () => {
    const a = ck.matrix(Float64Array, 2, 2);
    const b = ck.matrix(Float64Array, 2, 2);
    a.data[0] = 1;
    expect(b.data[0]).toBe(0);
    expect(a.data.buffer).not.toBe(b.data.buffer);
  });
});

describe('fromRows / toRows', () => {
  it('builds a row-major Float64Array matrix by default', () => {
    const m = ck.fromRows([[1, 2, 3], [4, 5, 6]]);
    expect(m.data).toBeInstanceOf(Float64Array);
    expect([m.rows, m.cols]).toEqual([2, 3]);
    expect(Array.from(m.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('builds a Float32Array matrix when asked (values rounded to float32)', () => {
    const m = ck.fromRows([[0.1, 2], [3, 4]], Float32Array);
    expect(m.data).toBeInstanceOf(Float32Array);
    expect(m.data[0]).toBe(Math.fround(0.1));
    expect(ck.toRows(m)).toEqual([[Math.fround(0.1), 2], [3, 4]]);
  });

  it('maps [] to 0x0 and [[], []] to 2x0', () => {
    const e = ck.fromRows([]);
    expect([e.rows, e.cols, e.data.length]).toEqual([0, 0, 0]);
    expect(ck.toRows(e)).toEqual([]);
    const z = ck.fromRows([[], []]);
    expect([z.rows, z.cols, z.data.length]).toEqual([2, 0, 0]);
    expect(ck.toRows(z)).toEqual([[], []]);
  });

  it('keeps NaN, -0 and infinities', () => {
    const m = ck.fromRows([[NaN, -0], [Infinity, -Infinity]]);
    const r = ck.toRows(m);
    expect(Number.isNaN(r[0][0])).toBe(true);
    expect(Object.is(r[0][1], -0)).toBe(true);
    expect(r[1]).toEqual([Infinity, -Infinity]);
  });

  it('toRows returns plain number arrays and reads only rows*cols elements', () => {
    const m = { data: new Float32Array([1, 2, 3, 4, 99, 99]), rows: 2, cols: 2 };
    const r = ck.toRows(m);
    expect(r).toEqual([[1, 2], [3, 4]]);
    expect(Array.isArray(r) && r.every((row) => Array.isArray(row))).toBe(true);
  });

  it('round-trips: toRows(fromRows(x)) equals x and fromRows(toRows(m)) equals m', () => {
    const rowsArb = fc
      .tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 9 }))
      .chain(([r, c]) => fc.array(fc.array(fc.double(), { minLength: c, maxLength: c }), { minLength: r, maxLength: r }));
    fc.assert(
      fc.property(rowsArb, (rows) => {
        const m = ck.fromRows(rows);
        expect([m.rows, m.cols]).toEqual([rows.length, rows[0].length]);
        const back = ck.toRows(m);
        expect(back.length).toBe(rows.length);
        for (let i = 0; i < rows.length; i++) for (let j = 0; j < rows[i].length; j++) expect(Object.is(back[i][j], rows[i][j])).toBe(true);
        const again = ck.fromRows(back);
        expect(again.data).toEqual(m.data);
        // modifying the rows afterwards does not affect the matrix (it is a copy)
        if (rows[0].length > 0) {
          const before = m.data[0];
          rows[0][0] = 12345;
          expect(Object.is(m.data[0], before)).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('shared', () => {
  it.each(KINDS.map((k) => [k.name, k] as const))('makes a zero-filled %s on a SharedArrayBuffer', (_name, kind) => {
    const x = ck.shared(kind.ctor as any, 13) as unknown as ArrayLike<number | bigint> & { buffer: ArrayBufferLike; byteOffset: number };
    expect(x).toBeInstanceOf(kind.ctor);
    expect(x.length).toBe(13);
    expect(x.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(x).every((v) => v === (kind.bigint ? 0n : 0))).toBe(true);
  });

  it('allows length 0', () => {
    const x = ck.shared(Float64Array, 0);
    expect(x.length).toBe(0);
    expect(x.buffer).toBeInstanceOf(SharedArrayBuffer);
  });
});
