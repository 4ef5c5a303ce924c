// Process-wide knobs: the thread cap and the default backend, seeded from the environment.
import { availableParallelism } from 'node:os';
import { cpuQuota, threadsForQuota, type CpuQuota } from './cpu-quota';
import { codes, rangeError, typeError } from './errors';
import type { BackendChoice, ThreadsSource } from './types';

export const MAX_THREADS = 1024;
const BACKENDS: readonly BackendChoice[] = ['auto', 'native', 'wasm', 'workers', 'js'];

function fromEnv<T>(name: string, parse: (raw: string) => T | undefined, fallback: T): T {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = parse(raw);
  if (value === undefined) {
    process.emitWarning(`corekernels: ignoring ${name}=${JSON.stringify(raw)}`, { code: 'CK_BAD_ENV' });
    return fallback;
  }
  return value;
}

const state = {
  /** Set by COREKERNELS_THREADS or configure(); else found on first use (machineThreads). */
  threads: fromEnv<{ count: number; source: ThreadsSource } | undefined>(
    'COREKERNELS_THREADS',
    (raw) => {
      const n = Number(raw);
      return Number.isInteger(n) && n >= 1 && n <= MAX_THREADS ? { count: n, source: 'env' } : undefined;
    },
    undefined,
  ),
  backend: fromEnv<BackendChoice>(
    'COREKERNELS_BACKEND',
    (raw) => (BACKENDS as readonly string[]).includes(raw) ? (raw as BackendChoice) : undefined,
    'auto',
  ),
};

let quota: CpuQuota | undefined;

/**
 * The machine's share for this process: the cgroup's CPU quota where it is no more than the
 * CPUs, else os.availableParallelism(). COREKERNELS_TEST_CGROUP_ROOT (tests only) points the
 * cgroup reads at a directory of fake /proc and /sys files.
 */
function machineThreads(): { count: number; source: ThreadsSource } {
  const cpus = Math.max(1, Math.min(MAX_THREADS, availableParallelism()));
  quota = cpuQuota(process.env.COREKERNELS_TEST_CGROUP_ROOT || '/');
  if (quota === undefined || Math.ceil(quota.cpus) > cpus) return { count: cpus, source: 'cpus' };
  return { count: threadsForQuota(quota.cpus, cpus), source: 'cgroup' };
}

function current(): { count: number; source: ThreadsSource } {
  return (state.threads ??= machineThreads());
}

export function checkBackend(fn: string, backend: unknown): BackendChoice {
  if (!(BACKENDS as readonly unknown[]).includes(backend))
    throw rangeError(fn, codes.OUT_OF_RANGE, `backend must be one of ${BACKENDS.join(', ')} (got ${String(backend)})`);
  return backend as BackendChoice;
}

export function checkThreadCount(fn: string, name: string, value: unknown, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw typeError(fn, codes.INVALID_ARG_TYPE, `${name} must be an integer (got ${String(value)})`);
  if (value < 1 || value > max) throw rangeError(fn, codes.OUT_OF_RANGE, `${name} must be between 1 and ${max} (got ${value})`);
  return value;
}

/** Sets the process-wide thread cap and/or default backend. */
export function configure(opts: { threads?: number; backend?: BackendChoice }): void {
  if (opts === null || typeof opts !== 'object') throw typeError('configure', codes.INVALID_ARG_TYPE, 'expects an options object');
  const threads = opts.threads === undefined ? undefined : checkThreadCount('configure', 'threads', opts.threads, MAX_THREADS);
  const backend = opts.backend === undefined ? state.backend : checkBackend('configure', opts.backend);
  if (threads !== undefined) state.threads = { count: threads, source: 'configure' };
  state.backend = backend;
}

/**
 * The number of threads a call may use: configure({ threads }), else COREKERNELS_THREADS,
 * else the container's CPU quota (rounded up), else os.availableParallelism().
 */
export function threads(): number {
  return current().count;
}

/** Where threads() came from, and the quota read if it was the cgroup's. */
export function threadsOrigin(): { source: ThreadsSource; quota?: CpuQuota } {
  const { source } = current();
  return source === 'cgroup' ? { source, quota } : { source };
}

export function defaultBackend(): BackendChoice {
  return state.backend;
}
