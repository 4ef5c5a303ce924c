// The range kernels' SIMD paths at their edges: lengths around every vector and unroll
// width, 8-bit lane counters past their 255-step flush, NaN-heavy data, short rows that
// cross vector and bit-block boundaries, the uniform-edges histogram guess next to every
// edge, and thread counts. Runs on each backend; on native it runs whichever ISA
// COREKERNELS_ISA selects (the suite is run once per ISA).
import { describe, expect, it } from 'vitest';
import * as ck from '../dist/index.js';
import { backends } from './helpers/backends.js';
import { KINDS, type Kind, type NumericArray } from './helpers/kinds.js';
import { mulberry32, nextDown, nextUp, refCount, refCountByRow, refHistogram, type Scalar } from './helpers/reference.js';

/** A few values per kind that sit on and next to typical bounds, plus the extremes. */
function pool(kind: Kind): Scalar[] {
  if (kind.bigint) return [kind.min, kind.max, 0n, 1n, 2n, 3n, 4n, 5n, 8n, 9n, ...(kind.min === 0n ? [] : [-1n, -5n])];
  const base = [kind.min as number, kind.max as number, 0, 1, 2, 3, 4, 5, 8, 9];
  if (!kind.float) return (kind.min as number) < 0 ? [...base, -1, -5] : base;
  return [...base, -1, 2.5, NaN, Infinity, -Infinity, -0];
}

function randomArray(kind: Kind, n: number, seed: number, nanShare = 0): NumericArray {
  const rnd = mulberry32(seed), values = pool(kind);
  const a = new kind.ctor(n) as unknown as { [i: number]: Scalar; length: number };
  for (let i = 0; i < n; i++) a[i] = kind.float && rnd() < nanShare ? NaN : values[Math.floor(rnd() * values.length)];
  return a as unknown as NumericArray;
}

const lo = (kind: Kind) => (kind.bigint ? 2n : 2);
const hi = (kind: Kind) => (kind.bigint ? 8n : 8);
// Every multiple of 16..256 elements +-1 that the ISAs' vectors and 4x unrolls hit, and past
// the 8-bit counters' flush (255 steps of 4 x 64 lanes = 65280 elements).
const LENGTHS = [0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257, 1023, 65279, 65280, 65281, 140000];

describe.each(backends())('range kernels at their SIMD edges on the %s backend', (backend) => {
  describe.each(KINDS.map((k) => [k.name, k] as const))('%s', (_name, kind) => {
    it('counts exactly at every vector, unroll and counter-flush boundary, from unaligned starts', () => {
      for (const [i, n] of LENGTHS.entries()) {
        const whole = randomArray(kind, n + 3, i, kind.float && i % 2 ? 0.5 : 0);
        const data = whole.subarray(i % 4 === 3 ? 3 : i % 3, (i % 4 === 3 ? 3 : i % 3) + n) as NumericArray;
        expect(ck.countInRangeSync(data, lo(kind), hi(kind), { backend }), `n=${n}`).toBe(refCount(data as ArrayLike<Scalar>, lo(kind), hi(kind)));
      }
    });

    it('counts rows of every short width across vector and bit-block boundaries', () => {
      for (const cols of [1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 28, 29, 57, 58, 63, 64, 65, 511, 512, 513]) {
        // 2048-element blocks: rows * cols well past a few blocks, with a ragged end.
        const rows = Math.ceil(5000 / cols) + (cols % 3);
        const data = randomArray(kind, rows * cols, cols, kind.float ? 0.3 : 0);
        const got = ck.countInRangeByRowSync({ data, rows, cols }, lo(kind), hi(kind), { backend });
        expect(Array.from(got), `cols=${cols}`).toEqual(refCountByRow(data as ArrayLike<Scalar>, rows, cols, lo(kind), hi(kind)));
      }
    });
  });

  it('keeps 8-bit lane counters exact when every element is in range, far past 255 steps', () => {
    const n = 255 * 64 * 4 * 3 + 77;
    for (const Ctor of [Int8Array, Uint8Array, Uint8ClampedArray]) {
      const data = new Ctor(n).fill(7);
      expect(ck.countInRangeSync(data, 7, 7, { backend })).toBe(n);
      expect(ck.countInRangeSync(data, 0, 6, { backend })).toBe(0);
      const byRow = ck.countInRangeByRowSync({ data, rows: n / 7 | 0, cols: 7 }, 7, 7, { backend });
      expect(byRow.every((c) => c === 7)).toBe(true);
    }
  });

  it('counts the tutorial shape (5 columns) the same for every thread count and with out given', () => {
    const rows = 200000, cols = 5, rnd = mulberry32(100);
    const data = new Int32Array(rows * cols).map(() => Math.floor(rnd() * 10));
    const want = refCountByRow(data, rows, cols, 4, 8);
    for (let threads = 1; threads <= ck.threads(); threads++) {
      expect(Array.from(ck.countInRangeByRowSync({ data, rows, cols }, 4, 8, { backend, threads }))).toEqual(want);
      const out = new Uint32Array(rows);
      ck.countInRangeByRowSync({ data, rows, cols }, 4, 8, { backend, threads, out });
      expect(Array.from(out)).toEqual(want);
    }
  });

  describe('histogram with uniform edges (bin index computed, then corrected)', () => {
    /**
     * Data on, just below and just above the edges (about 60 of them, ends included, so the
     * linear reference stays fast), plus NaN and out-of-range values.
     */
    function probes(edges: number[]): number[] {
      const xs = [NaN, -Infinity, Infinity];
      const step = Math.max(1, Math.floor(edges.length / 60));
      const some = edges.filter((_, i) => i % step === 0 || i === edges.length - 1);
      for (const e of some) xs.push(e, nextUp(e), nextDown(e), Math.fround(e), e + 0.5, e - 0.5, Math.round(e));
      return xs;
    }

    it.each([
      ['0..1 in 64 bins', Array.from({ length: 65 }, (_, i) => i / 64)],
      ['-3..7 in 10 bins', Array.from({ length: 11 }, (_, i) => -3 + i)],
      ['0.1 steps (inexact edges)', Array.from({ length: 31 }, (_, i) => i * 0.1)],
      ['linspace(-1e3, 1e3, 777)', Array.from({ length: 777 }, (_, i) => -1e3 + (2e3 * i) / 776)],
      ['a single bin', [2, 5]],
      ['2000 bins (one counter copy)', Array.from({ length: 2001 }, (_, i) => i / 8)],
      ['almost uniform (guess may be refused)', [0, 1, 2, 3.0000001, 4, 5, 6.5, 7, 8]],
      ['far from uniform', [0, 0.001, 0.002, 100, 1e6]],
    ])('%s matches numpy for every element type', (_label, edges) => {
      const xs = probes(edges);
      for (const kind of KINDS) {
        const data = new kind.ctor(xs.length * 3);
        const rnd = mulberry32(edges.length);
        for (let i = 0; i < data.length; i++) {
          const x = xs[i % xs.length] + (i >= xs.length ? (rnd() - 0.5) * 4 : 0);
          const v = kind.float ? x : Math.min(Math.max(Math.round(Number.isFinite(x) ? x : 0), Number(kind.min)), Number(kind.max));
          (data as unknown as Scalar[])[i] = kind.bigint ? BigInt(v) : v;
        }
        const got = Array.from(ck.histogramSync(data, edges, { backend }));
        expect(got, kind.name).toEqual(refHistogram(data as ArrayLike<Scalar>, edges));
      }
    });

    it('gives the same counts for every thread count on large data', () => {
      const n = 2_000_000, rnd = mulberry32(5);
      const data = new Float64Array(n).map(() => rnd() * 1.2 - 0.1);
      const edges = Array.from({ length: 65 }, (_, i) => i / 64);
      const want = ck.histogramSync(data, edges, { backend, threads: 1 });
      expect(want.reduce((s, c) => s + c, 0)).toBe(refHistogram(data, edges).reduce((s, c) => s + c, 0));
      for (let threads = 2; threads <= ck.threads(); threads++)
        expect(Array.from(ck.histogramSync(data, edges, { backend, threads }))).toEqual(Array.from(want));
    });
  });
});
