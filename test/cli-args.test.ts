// The command line of `corekernels`: parsing, filters and the cases they plan.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CHART, DEFAULT_TIME_BUDGET_S, parseCommand, UsageError, type BenchArgs } from '../dist/cli/args.js';
import { plan, type Environment } from '../dist/cli/bench/plan.js';

function bench(...argv: string[]): BenchArgs {
  const cmd = parseCommand(['bench', ...argv]);
  if (cmd.name !== 'bench') throw new Error(`parsed as ${cmd.name}`);
  return cmd.args;
}

const usage = (argv: string[]) => expect(() => parseCommand(argv)).toThrow(UsageError);

describe('parseCommand', () => {
  it('shows help for no arguments, help, -h and --help, also after a command', () => {
    for (const argv of [[], ['help'], ['-h'], ['--help'], ['bench', '--help'], ['info', '-h']])
      expect(parseCommand(argv)).toEqual({ name: 'help' });
  });

  it('knows --version, info and info --json', () => {
    expect(parseCommand(['--version'])).toEqual({ name: 'version' });
    expect(parseCommand(['info'])).toEqual({ name: 'info', json: false });
    expect(parseCommand(['info', '--json'])).toEqual({ name: 'info', json: true });
  });

  it('gives bench every kernel, the default chart and time budget when no options are given', () => {
    expect(bench()).toEqual({
      kernels: ['matmul', 'count', 'histogram', 'matvec', 'gemmBatch'], sizes: {}, dtypes: undefined, threads: undefined, backends: undefined,
      json: undefined, chart: DEFAULT_CHART, timeBudget: DEFAULT_TIME_BUDGET_S,
    });
    expect(bench('all').kernels).toEqual(['matmul', 'count', 'histogram', 'matvec', 'gemmBatch']);
  });

  it('filters kernels, dtypes, threads and backends, de-duplicating lists', () => {
    const a = bench('count', 'matmul', 'count', '--dtype', 'f32', '--threads', '2,1,2', '--backends', 'js,native');
    expect(a.kernels).toEqual(['count', 'matmul']);
    expect(a.dtypes).toEqual(['f32']);
    expect(a.threads).toEqual([2, 1]);
    expect(a.backends).toEqual(['js', 'native']);
  });

  it('reads sizes with k and M suffixes, for every kernel or for the one named', () => {
    expect(bench('matmul', '--sizes', '512,64,64').sizes).toEqual({ matmul: [64, 512] });
    const a = bench('--sizes', 'matmul:128', '--sizes', 'count:200k,1.5M', '--sizes', '1M');
    expect(a.sizes).toEqual({ matmul: [128, 1_000_000], count: [200_000, 1_000_000, 1_500_000], histogram: [1_000_000], matvec: [1_000_000], gemmBatch: [1_000_000] });
  });

  it('writes JSON and charts where asked, or no chart', () => {
    expect(bench('--json', 'out.json', '--chart', 'c.svg')).toMatchObject({ json: 'out.json', chart: 'c.svg' });
    expect(bench('--json', '-').json).toBe('-');
    expect(bench('--no-chart').chart).toBeUndefined();
    expect(bench('--time-budget', '2.5').timeBudget).toBe(2.5);
  });

  it('refuses what it does not understand', () => {
    usage(['frobnicate']);
    usage(['bench', 'gemv']);
    usage(['bench', '--bogus']);
    usage(['bench', '--sizes', '12q']);
    usage(['bench', '--sizes', '0']);
    usage(['bench', '--sizes', '64,,128']);
    usage(['bench', 'count', '--sizes', 'matmul:64']);
    usage(['bench', '--dtype', 'f8']);
    usage(['bench', '--threads', '0']);
    usage(['bench', '--threads', '1.5']);
    usage(['bench', '--backends', 'gpu']);
    usage(['bench', '--time-budget', '-1']);
    usage(['bench', '--chart', 'a.svg', '--no-chart']);
    usage(['bench', '--json']);
    usage(['info', 'extra']);
  });
});

describe('plan', () => {
  const withNative: Environment = { maxThreads: 2, native: { loaded: true }, wasm: { loaded: false, error: 'off' } };
  const without: Environment = { maxThreads: 2, native: { loaded: false, error: 'not built' }, wasm: { loaded: false, error: 'off' } };
  const withWasm: Environment = { maxThreads: 2, native: { loaded: false, error: 'not built' }, wasm: { loaded: true } };
  const key = (c: ReturnType<typeof plan>[number]) => `${c.bench.name} ${c.dtype} ${c.size} ${c.backend} ${c.threads}`;

  it('runs js first on one thread, then workers and native from one thread up, sizes ascending', () => {
    const cases = plan(bench('matmul', '--sizes', '128,64', '--dtype', 'f64'), withNative).map(key);
    expect(cases).toEqual([
      'matmul f64 64 js 1', 'matmul f64 64 workers 1', 'matmul f64 64 workers 2', 'matmul f64 64 native 1', 'matmul f64 64 native 2',
      'matmul f64 128 js 1', 'matmul f64 128 workers 1', 'matmul f64 128 workers 2', 'matmul f64 128 native 1', 'matmul f64 128 native 2',
    ]);
  });

  it('by default covers matmul f64 and f32 from 64 to 2048, the tutorial count, a large count, minMax, a per-column count, histogram, the weighted one, matvec and a stack of 8x8 products', () => {
    const cases = plan(bench(), withNative);
    const groups = [...new Set(cases.map((c) => `${c.bench.name} ${c.dtype} ${c.bench.shape(c.size)}`))];
    expect(groups).toEqual([
      ...[64, 128, 256, 512, 1024, 2048].map((n) => `matmul f64 ${n}`),
      ...[64, 128, 256, 512, 1024, 2048].map((n) => `matmul f32 ${n}`),
      'countInRangeByRow i32 200000x5', 'countInRange f64 32M', 'minMax f64 32M', 'countInRangeByColumn f64 2Mx16', 'histogram f64 4M', 'histogramWeighted f64 4M',
      ...[1024, 4096, 8192].map((n) => `matvec f64 ${n}x${n}`), 'gemmBatch f64 1kx8x8', 'gemmBatch f64 100kx8x8',
    ]);
    expect(cases.length).toBe(groups.length * 5);
  });

  it('leaves native out when the addon did not load, and says why when it is asked for', () => {
    expect(plan(bench('count'), without).some((c) => c.backend === 'native')).toBe(false);
    expect(() => plan(bench('--backends', 'native'), without)).toThrow(/native addon did not load \(not built\)/);
  });

  it('runs wasm after js when the engine loaded (counts on one thread), and says why when it is asked for but did not', () => {
    const cases = plan(bench('matmul', '--sizes', '64', '--dtype', 'f64'), withWasm).map(key);
    expect(cases).toEqual(['matmul f64 64 js 1', 'matmul f64 64 wasm 1', 'matmul f64 64 wasm 2', 'matmul f64 64 workers 1', 'matmul f64 64 workers 2']);
    const counts = plan(bench('count', '--dtype', 'f64', '--backends', 'wasm'), withWasm).map(key);
    expect(counts).toEqual(['countInRangeByRow i32 1000000 wasm 1', 'countInRange f64 32000000 wasm 1', 'minMax f64 32000000 wasm 1', 'countInRangeByColumn f64 32000000 wasm 1']);
    expect(() => plan(bench('--backends', 'wasm'), without)).toThrow(/WebAssembly engine did not load \(off\)/);
  });

  it('refuses more threads than threads() allows, naming COREKERNELS_THREADS', () => {
    expect(() => plan(bench('--threads', '1,3'), withNative)).toThrow(/COREKERNELS_THREADS/);
  });

  it('plans f16 (Float16Array) for every kernel exactly where the runtime has Float16Array', () => {
    if (typeof (globalThis as { Float16Array?: unknown }).Float16Array !== 'function') return usage(['bench', '--dtype', 'f16']);
    const cases = plan(bench('--sizes', 'matmul:64', '--sizes', 'count:1k', '--sizes', 'histogram:1k', '--dtype', 'f16', '--backends', 'js'), withNative).map(key);
    expect(cases).toEqual(['matmul f16 64 js 1', 'countInRangeByRow i32 1000 js 1', 'countInRange f16 1000 js 1', 'minMax f16 1000 js 1',
      'countInRangeByColumn f16 1000 js 1', 'histogram f16 1000 js 1', 'histogramWeighted f16 1000 js 1',
      ...[1024, 4096, 8192].map((n) => `matvec f16 ${n} js 1`), 'gemmBatch f16 1000 js 1', 'gemmBatch f16 100000 js 1']);
  });

  it('keeps the per-row count on int32 whatever --dtype says', () => {
    const cases = plan(bench('count', '--dtype', 'f32', '--backends', 'js'), withNative).map(key);
    expect(cases).toEqual(['countInRangeByRow i32 1000000 js 1', 'countInRange f32 32000000 js 1', 'minMax f32 32000000 js 1', 'countInRangeByColumn f32 32000000 js 1']);
  });
});
