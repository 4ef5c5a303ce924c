// The pure parts of bench/lib (used by bench/limits.mjs): flags, the alternation of
// contenders, and the target table's ratios and verdicts. No kernel is timed here.
// (Plain .mjs modules: vitest imports them as they are; no type declarations.)
import { describe, expect, it } from 'vitest';
import { alternate, median } from '../bench/lib/alternate.mjs';
import { listFlag, parseFlags } from '../bench/lib/flags.mjs';
import { parsePeak } from '../bench/lib/machine.mjs';
import { formatTable, summary, targetLine } from '../bench/lib/table.mjs';

describe('flags', () => {
  it('reads --name=value and --name, and lists of numbers or names', () => {
    expect(parseFlags(['--quick', '--only=gemm,fresh', '--threads=1,2'])).toEqual({ quick: true, only: 'gemm,fresh', threads: '1,2' });
    expect(listFlag('1,2', [4])).toEqual([1, 2]);
    expect(listFlag('64,skinny', [])).toEqual(['64', 'skinny']);
    expect(listFlag(undefined, [4])).toEqual([4]);
    expect(() => parseFlags(['quick'])).toThrow(/unexpected argument quick/);
  });
});

describe('alternate', () => {
  it('warms each contender up in growing batches, sizes the batches on the slowest, runs them A B A B and keeps medians', async () => {
    const order: string[] = [];
    const contender = (name: string, perCall: number[]) => {
      let i = 0;
      return { run: (reps: number) => (order.push(`${name}${reps}`), perCall[Math.min(i++, perCall.length - 1)]), check: () => name.length };
    };
    // budget 0.5 s: a's first call (0.2 s) is a quarter of it; bb grows 1, 4, 16 calls until 16 x 0.05 s is.
    // The slower per-call time (0.2 s) sizes every batch at round(0.5 / 0.2) = 3 calls; 3 rounds follow.
    const r = await alternate({ a: contender('a', [0.2, 3, 1, 2]), bb: contender('bb', [0.01, 0.02, 0.05, 5, 6, 4]) }, { budget: 0.5, rounds: 3 });
    expect(order).toEqual(['a1', 'bb1', 'bb4', 'bb16', 'a3', 'bb3', 'a3', 'bb3', 'a3', 'bb3']);
    expect(r.reps).toBe(3);
    expect(r.seconds).toEqual({ a: 2, bb: 5 });
    expect(r.checks).toEqual({ a: 1, bb: 2 });
  });

  it('keeps warming up until the warm-up seconds are spent', async () => {
    const order: number[] = [];
    // 0.1 s a call: one call is already a quarter of the 0.4 s budget, so the warm-up repeats
    // single calls until 0.5 s are spent (5 calls), then one round of 4-call batches.
    const r = await alternate({ a: { run: (reps: number) => (order.push(reps), 0.1) } }, { budget: 0.4, rounds: 1, warm: 0.5 });
    expect(order).toEqual([1, 1, 1, 1, 1, 4]);
    expect(r.reps).toBe(4);
  });

  it('takes the middle of an odd count and the mean of the two middles of an even one', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('the target table', () => {
  it('sets ours against the fastest peer as a ratio of speeds and says whether the target is met', () => {
    const line = targetLine({ name: 'count', unit: 'GB/s', work: 2e9, ours: 0.1, peers: { slow: 0.2, fast: 0.09 }, target: 0.95 });
    expect(line).toEqual({ name: 'count', corekernels: '20.0 GB/s', peer: '22.2 GB/s (fast)', ratio: '0.900', target: '>= 0.95', met: 'NO' });
    expect(targetLine({ name: 'g', unit: 'GFLOP/s', work: 1e9, ours: 0.01, peers: { blis: 0.01 }, target: 1 }).met).toBe('yes');
    expect(targetLine({ name: 't', unit: 'us', ours: 50e-6, peers: { c: 60e-6 } })).toMatchObject({ corekernels: '50.00 µs', ratio: '1.200', target: 'info', met: '-' });
    expect(targetLine({ name: 'x', unit: 'us', ours: 1, peers: { c: 2 }, target: 0.5, agree: false }).met).toBe('NO (results differ)');
    expect(() => targetLine({ name: 'x', unit: 'furlongs', ours: 1, peers: { c: 1 } })).toThrow(/unknown unit/);
  });

  it('prints a markdown table and counts the targets met, naming the missed ones', () => {
    const lines = [
      targetLine({ name: 'a', unit: 'ms', ours: 1e-3, peers: { c: 1e-3 }, target: 1 }),
      targetLine({ name: 'b', unit: 'ms', ours: 2e-3, peers: { c: 1e-3 }, target: 1 }),
      targetLine({ name: 'c', unit: 'ms', ours: 2e-3, peers: { c: 1e-3 } }),
    ];
    expect(formatTable(lines).split('\n')).toEqual([
      '| case | corekernels | best peer (which) | ratio | target | met? |',
      '| --- | --- | --- | --- | --- | --- |',
      '| a | 1.00 ms | 1.00 ms (c) | 1.000 | >= 1.00 | yes |',
      '| b | 2.00 ms | 1.00 ms (c) | 0.500 | >= 1.00 | NO |',
      '| c | 2.00 ms | 1.00 ms (c) | 0.500 | info | - |',
    ]);
    expect(summary(lines)).toBe('1 of 2 targets met; missed: b');
  });
});

describe('parsePeak', () => {
  it("reads peak.c's bandwidth and FMA lines by thread count", () => {
    const text = 'peak f64 threads=1 gflops=58.5 (f32 = 2x: 117.0)\npeak detail threads=1 ymm=58.5 zmm=58.1\n' +
      'peak f64 threads=2 gflops=116.0 (f32 = 2x: 232.0)\nread bandwidth threads=1 GB/s=27.9\nread bandwidth threads=2 GB/s=33.1\nread bandwidth max GB/s=33.1\n';
    expect(parsePeak(text)).toEqual({ bandwidth: [27.9, 33.1], gflops: [58.5, 116] });
  });
});
