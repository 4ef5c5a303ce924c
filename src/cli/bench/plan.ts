// From the parsed command line and what this machine offers to the ordered list of cases.
// The order matters to the runner: js (the baseline) first, then each backend from one
// thread up, and sizes from small to large, so every case can be predicted from a
// smaller one before it is run.
import { UsageError, type Backend, type BenchArgs } from '../args';
import { BENCHMARKS, type Benchmark, type ElementType } from './benchmarks';

export interface Environment {
  /** threads(): the most a call may use. */
  maxThreads: number;
  native: { loaded: boolean; error?: string };
  wasm: { loaded: boolean; error?: string };
}

export interface Case {
  bench: Benchmark;
  size: number;
  dtype: ElementType;
  backend: Backend;
  threads: number;
}

const ORDER: readonly Backend[] = ['js', 'wasm', 'workers', 'native'];

function backendsFor(args: BenchArgs, env: Environment): Backend[] {
  if (args.backends?.includes('native') && !env.native.loaded)
    throw new UsageError(`--backends native: the native addon did not load (${env.native.error ?? 'no reason given'})`);
  if (args.backends?.includes('wasm') && !env.wasm.loaded)
    throw new UsageError(`--backends wasm: the WebAssembly engine did not load (${env.wasm.error ?? 'no reason given'})`);
  const wanted = args.backends ?? ORDER.filter((b) => (b !== 'native' || env.native.loaded) && (b !== 'wasm' || env.wasm.loaded));
  return ORDER.filter((b) => wanted.includes(b));
}

function threadsFor(args: BenchArgs, env: Environment): number[] {
  const all = Array.from({ length: env.maxThreads }, (_, i) => i + 1);
  const wanted = args.threads ?? all;
  const tooMany = wanted.filter((t) => t > env.maxThreads);
  if (tooMany.length > 0)
    throw new UsageError(
      `--threads ${tooMany.join(',')}: at most ${env.maxThreads} here (raise the cap with COREKERNELS_THREADS=N)`,
    );
  return [...wanted].sort((a, b) => a - b);
}

function dtypesFor(bench: Benchmark, args: BenchArgs): ElementType[] {
  if (!args.dtypes) return [...bench.defaultDtypes];
  const chosen = args.dtypes.filter((d) => bench.dtypes.includes(d));
  return chosen.length > 0 ? chosen : [...bench.defaultDtypes]; // the per-row count is int32 only
}

function onCallingThread(backend: Backend, bench: Benchmark): boolean {
  return backend === 'js' || (backend === 'wasm' && bench.kernel !== 'matmul');
}

/** Every case to run, in run order. Throws UsageError when a filter cannot be met here. */
export function plan(args: BenchArgs, env: Environment): Case[] {
  const backends = backendsFor(args, env);
  const threads = threadsFor(args, env);
  const cases: Case[] = [];
  for (const bench of BENCHMARKS.filter((b) => args.kernels.includes(b.kernel))) {
    const sizes = args.sizes[bench.kernel] ?? bench.defaultSizes;
    for (const dtype of dtypesFor(bench, args))
      for (const size of sizes)
        for (const backend of backends)
          // js runs on the calling thread whatever the cap, and so do wasm's counts (only its
          // matmul goes to the worker pool), so they have one thread count
          for (const t of onCallingThread(backend, bench) ? [1] : threads) cases.push({ bench, size, dtype, backend, threads: t });
  }
  return cases;
}
