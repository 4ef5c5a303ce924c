// The command line, parsed and checked, with no knowledge of the machine (see plan.ts for
// what depends on it). node:util's parseArgs does the tokenising: it is stable in Node 20,
// refuses unknown flags, and costs the package no dependency; two subcommands with flat
// options do not need a framework.
import { parseArgs } from 'node:util';
import { Float16 } from '../half';

/** A mistake on the command line: printed with a pointer to --help, exit code 2. */
export class UsageError extends Error {}

export const KERNELS = ['matmul', 'count', 'histogram', 'matvec', 'gemmBatch'] as const;
export type Kernel = (typeof KERNELS)[number];
// f16 (Float16Array) only where the runtime has it (Node 24+).
export const DTYPES: readonly Dtype[] = ['f64', 'f32', ...(Float16 ? ['f16' as const] : [])];
export type Dtype = 'f64' | 'f32' | 'f16';
export const BACKENDS = ['native', 'wasm', 'workers', 'js'] as const;
export type Backend = (typeof BACKENDS)[number];

export const DEFAULT_CHART = 'corekernels-bench.svg';
export const DEFAULT_TIME_BUDGET_S = 10;

export interface BenchArgs {
  kernels: Kernel[];
  /** Sizes per kernel, where given (n for matmul, elements for the others). */
  sizes: Partial<Record<Kernel, number[]>>;
  dtypes?: Dtype[];
  threads?: number[];
  backends?: Backend[];
  /** Where the JSON report goes ('-' is stdout); when set, nothing else is printed. */
  json?: string;
  /** Where the SVG chart goes; undefined means no chart. */
  chart?: string;
  /** Seconds one call may take; a call predicted to take longer is skipped (see runner.ts). */
  timeBudget: number;
}

export type Command =
  | { name: 'help' }
  | { name: 'version' }
  | { name: 'info'; json: boolean }
  | { name: 'bench'; args: BenchArgs };

export const HELP = `Usage: corekernels <command> [options]

Commands:
  bench [kernel...]     time the kernels on each backend and thread count, print a
                        table per kernel and write a chart
  info [--json]         the backend, ISA, threads, build and, if the addon did not
                        load, why

Kernels (default: all):
  matmul                C = A·B, n×n; sizes are n (default 64,128,256,512,1024,2048)
  count                 countInRangeByRow on int32 rows of 5, 4 <= x <= 8 (the README's
                        tutorial; default 1M elements), countInRange on floats
                        (default 32M elements) and countInRangeByColumn on rows of 16
                        floats (default 32M elements); sizes are elements
  histogram             64 equal bins over floats; sizes are elements (default 4M)
  matvec                y = A·x, n×n, GB/s of A read; sizes are n (default 1024,4096,8192)
  gemmBatch             a stack of 8×8 products (gemmBatch); sizes are products
                        (default 1k,100k)
  all                   every kernel above

Bench options:
  --sizes LIST          comma-separated sizes, suffixes k and M allowed (64,1M);
                        prefix with a kernel to aim at one (--sizes matmul:256,512);
                        repeatable
  --dtype LIST          f64, f32 or f64,f32: float element type (default: f64,f32
                        for matmul, f64 for count, histogram and matvec; the per-row count
                        is always int32); f16 (Float16Array) on Node 24 and later
  --threads LIST        thread counts for native and workers (default: 1..threads(),
                        i.e. COREKERNELS_THREADS or os.availableParallelism());
                        js always runs on the calling thread
  --backends LIST       native,wasm,workers,js (default: every one that is available)
  --time-budget SEC     the most one call may take (default ${DEFAULT_TIME_BUDGET_S}): a call predicted
                        from a smaller size to take longer is skipped and says so,
                        and long calls are timed fewer than 3 times to stay within it
  --json FILE           write the results as JSON to FILE ('-' for stdout) and
                        print nothing else
  --chart FILE          write the SVG chart to FILE (default ./${DEFAULT_CHART})
  --no-chart            do not write a chart

  -h, --help            this text
  -v, --version         the package version

Examples:
  npx corekernels bench
  npx corekernels bench matmul --sizes 256,512 --dtype f32 --backends native,js
  npx corekernels bench count --threads 1,2 --json results.json
`;

/** Parses the arguments after `corekernels` (process.argv.slice(2)). Throws UsageError. */
export function parseCommand(argv: readonly string[]): Command {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') return { name: 'help' };
  if (first === '-v' || first === '--version') return { name: 'version' };
  if (first === 'info') {
    const { values } = parse(rest, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, false);
    return values.help ? { name: 'help' } : { name: 'info', json: values.json === true };
  }
  if (first === 'bench') return parseBench(rest);
  throw new UsageError(`unknown command '${first}' (expected bench or info)`);
}

const BENCH_OPTIONS = {
  sizes: { type: 'string', multiple: true },
  dtype: { type: 'string' },
  threads: { type: 'string' },
  backends: { type: 'string' },
  'time-budget': { type: 'string' },
  json: { type: 'string' },
  chart: { type: 'string' },
  'no-chart': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parseBench(argv: readonly string[]): Command {
  const { values, positionals: words } = parse(argv, BENCH_OPTIONS, true);
  const positionals = words as string[]; // parseArgs types them as never[] unless allowPositionals is a literal
  if (values.help) return { name: 'help' };
  const kernels = positionals.length === 0 || positionals.includes('all')
    ? [...KERNELS]
    : positionals.map((p) => oneOf('kernel', p, KERNELS));
  if (values.chart !== undefined && values['no-chart']) throw new UsageError('--chart and --no-chart contradict each other');
  return {
    name: 'bench',
    args: {
      kernels: [...new Set(kernels)],
      sizes: sizesFor(values.sizes ?? [], kernels),
      dtypes: values.dtype === undefined ? undefined : list(values.dtype, '--dtype', (s) => oneOf('--dtype', s, DTYPES)),
      threads: values.threads === undefined ? undefined : list(values.threads, '--threads', (s) => positiveInteger('--threads', s)),
      backends: values.backends === undefined ? undefined : list(values.backends, '--backends', (s) => oneOf('--backends', s, BACKENDS)),
      json: values.json,
      chart: values['no-chart'] ? undefined : values.chart ?? DEFAULT_CHART,
      timeBudget: values['time-budget'] === undefined ? DEFAULT_TIME_BUDGET_S : seconds(values['time-budget']),
    },
  };
}

type Options = Parameters<typeof parseArgs>[0] & {};

function parse<O extends NonNullable<Options['options']>>(argv: readonly string[], options: O, positionals: boolean) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: positionals, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function oneOf<T extends string>(what: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(`${what}: '${value}' is not one of ${allowed.join(', ')}${what === 'kernel' ? ', all' : ''}`);
  return value as T;
}

/** A comma-separated list, de-duplicated, in the order given. */
function list<T>(raw: string, what: string, item: (s: string) => T): T[] {
  const parts = raw.split(',').map((s) => s.trim());
  if (parts.some((s) => s === '')) throw new UsageError(`${what}: empty item in '${raw}'`);
  return [...new Set(parts.map(item))];
}

function positiveInteger(what: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`${what}: '${raw}' is not a positive integer`);
  return n;
}

const SUFFIX: Record<string, number> = { '': 1, k: 1e3, K: 1e3, m: 1e6, M: 1e6 };

/** 64, 200k, 1M, 1.5M: a positive whole number of elements (or n). */
export function parseSize(raw: string): number {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(raw);
  const n = m ? Number(m[1]) * SUFFIX[m[2]] : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`--sizes: '${raw}' is not a size (e.g. 512, 200k, 32M)`);
  return n;
}

/** Each --sizes value is `LIST` (every selected kernel) or `KERNEL:LIST` (that kernel). */
function sizesFor(values: readonly string[], kernels: readonly Kernel[]): BenchArgs['sizes'] {
  const out: BenchArgs['sizes'] = {};
  for (const value of values) {
    const colon = value.indexOf(':');
    const targets = colon < 0 ? kernels : [oneOf('--sizes', value.slice(0, colon), KERNELS)];
    if (!kernels.includes(targets[0])) throw new UsageError(`--sizes ${value}: ${targets[0]} is not among the kernels to run`);
    const sizes = list(colon < 0 ? value : value.slice(colon + 1), '--sizes', parseSize);
    for (const k of targets) out[k] = [...new Set([...(out[k] ?? []), ...sizes])].sort((a, b) => a - b);
  }
  return out;
}

function seconds(raw: string): number {
  const s = Number(raw);
  if (!Number.isFinite(s) || s <= 0) throw new UsageError(`--time-budget: '${raw}' is not a positive number of seconds`);
  return s;
}
