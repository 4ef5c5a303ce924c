// Finds and loads the C++ addon. Every place a binary can be is tried in order and every
// failure is kept, so that when nothing loads, info().native.error says what was tried.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { forbiddenBy, isPermissionRefusal } from './permission';

/**
 * The addon's exports (native/addon/addon.cc). Kernel calls take (async, id, threads, ...args);
 * `half` = true: the arrays are Float16Arrays passed as their bits (half.ts, forAddon).
 */
export interface Addon {
  gemm(async: boolean, id: number, threads: number, a: unknown, b: unknown, c: unknown, m: number, n: number, k: number,
    transA: boolean, transB: boolean, lda: number, ldb: number, ldc: number, alpha: number, beta: number, half?: boolean): unknown;
  gemmBatch(async: boolean, id: number, threads: number, a: unknown, b: unknown, c: unknown, batch: number, m: number, n: number,
    k: number, transA: boolean, transB: boolean, lda: number, ldb: number, ldc: number, strideA: number, strideB: number,
    strideC: number, alpha: number, beta: number, half?: boolean): unknown;
  // `valid`: a validity bitmap over the data (src/valid.ts), or undefined for none; `half`:
  // the data is halves, passed as a Uint16Array view (src/half.ts).
  count(async: boolean, id: number, threads: number, data: unknown, lo: number | bigint, hi: number | bigint, valid?: Uint8Array,
    half?: boolean): unknown;
  countByRow(async: boolean, id: number, threads: number, data: unknown, rows: number, cols: number,
    lo: number | bigint, hi: number | bigint, out: Uint32Array, valid?: Uint8Array, half?: boolean): unknown;
  countByColumn(async: boolean, id: number, threads: number, data: unknown, rows: number, cols: number,
    lo: number | bigint, hi: number | bigint, out: Uint32Array, valid?: Uint8Array, half?: boolean): unknown;
  histogram(async: boolean, id: number, threads: number, data: unknown, lower: unknown, upper: number | bigint,
    out: Float64Array, first: number, scale: number, valid?: Uint8Array, half?: boolean): unknown;
  minMax(async: boolean, id: number, threads: number, data: unknown, valid?: Uint8Array, half?: boolean): unknown;
  gemv(async: boolean, id: number, threads: number, a: unknown, x: unknown, y: unknown, rows: number, cols: number,
    trans: boolean, half?: boolean): unknown;
  histogramWeighted(async: boolean, id: number, threads: number, data: unknown, lower: unknown, upper: number | bigint,
    out: Float64Array, first: number, scale: number, weights: unknown, tile: number): unknown;
  cancel(id: number): void;
  info(): { isa: string; cpu: string; build: string; openmp: boolean; pending: number };
}

export interface NativeState {
  addon?: Addon;
  error?: string;
  build?: 'node-gyp' | 'cmake-js' | 'prebuilt';
}

const root = join(__dirname, '..', '..');

function candidates(): { path: string; build?: NativeState['build'] }[] {
  const forced = process.env.COREKERNELS_NATIVE;
  if (forced) return forced === 'off' ? [] : [{ path: forced }];
  // A local build comes before the shipped prebuild: it is what a developer just compiled
  // (packing writes prebuilds/ and leaves build/ alone, so a prebuild never shadows it).
  // Installed from npm, build/ only exists when the install compiled because no prebuild loaded.
  return [
    { path: join(root, 'build', 'Release', 'corekernels.node') },
    { path: join(root, 'prebuilds', `${process.platform}-${process.arch}`, 'corekernels.node'), build: 'prebuilt' },
    { path: join(root, 'build-cmake', 'Release', 'corekernels.node') },
    { path: join(root, 'build-cmake', 'corekernels.node') },
  ];
}

/** Whether the permission model lets this process read `path` (existsSync says false when it does not). */
function readable(path: string): boolean {
  const permission = (process as { permission?: { has(scope: string, ref?: string): boolean } }).permission;
  try {
    return permission?.has('fs.read', path) !== false;
  } catch {
    return true;
  }
}

/**
 * COREKERNELS_ISA and COREKERNELS_CPU are read by the addon, which falls back to what it
 * detected when a value names no level this CPU runs or no tuning row; saying so here keeps a
 * typo from passing for a forced path (the same warning code as the other ignored variables).
 */
function warnIgnoredChoices(info: { isa: string; cpu: string }): void {
  const ignored = (name: string, why: string) =>
    process.emitWarning(`corekernels: ignoring ${name}=${JSON.stringify(process.env[name])}: ${why}`, { code: 'CK_BAD_ENV' });
  const isa = process.env.COREKERNELS_ISA;
  if (isa && isa !== info.isa) ignored('COREKERNELS_ISA', `not an instruction set this CPU runs (running ${info.isa})`);
  const cpu = process.env.COREKERNELS_CPU;
  if (cpu && cpu !== info.cpu) ignored('COREKERNELS_CPU', `no tuning row has that name (running ${info.cpu})`);
}

function load(): NativeState {
  if (process.env.COREKERNELS_NATIVE === 'off') return { error: 'disabled by COREKERNELS_NATIVE=off' };
  const failures: string[] = [];
  let unreadable = false;
  for (const c of candidates()) {
    if (!readable(c.path)) {
      failures.push(`${c.path}: Node's permission model forbids reading it`);
      unreadable = true;
      continue;
    }
    if (!existsSync(c.path)) {
      failures.push(`${c.path}: not found`);
      continue;
    }
    try {
      const addon = require(c.path) as Addon;
      const info = addon.info();
      warnIgnoredChoices(info);
      const reported = info.build;
      const build = c.build ?? (reported === 'cmake-js' ? 'cmake-js' : 'node-gyp');
      return { addon, build };
    } catch (err) {
      // process.permission.has('addon') would ask first, but Node 20 (and 22 and 24 before
      // mid-2025) do not know that scope and answer false even under --allow-addons: the
      // refusal itself is the one answer every line gives.
      if (isPermissionRefusal(err)) return { error: forbiddenBy('addon') };
      failures.push(`${c.path}: ${(err as Error).message}`);
    }
  }
  const remedy = unreadable
    ? "Let node read the package's folder (--allow-fs-read) and load addons (--allow-addons); "
    : 'Build it with `npm rebuild corekernels` (needs python3, make and a C++17 compiler); ';
  return {
    error: `the native addon did not load (${failures.join('; ')}). ${remedy}until then the workers and js backends serve every function.`,
  };
}

let state: NativeState | undefined;

/** The addon, loaded on first use. */
export function native(): NativeState {
  return (state ??= load());
}

let noticed = false;

/**
 * Called when 'auto' runs a kernel without the addon: says why, once per process, so a
 * missing build is visible without flooding the log. `workersOff` is why the worker threads
 * are off too, if they are. Silence it with `node --disable-warning=CK_NATIVE_UNAVAILABLE`.
 */
export function noticeFallback(engine: 'WebAssembly' | 'JavaScript' = 'JavaScript', workersOff?: string): void {
  if (noticed) return;
  noticed = true;
  const where = workersOff === undefined ? '' : `; ${workersOff}, so they run on the calling thread`;
  process.emitWarning(`corekernels: kernels run in ${engine}, not in the native addon: ${native().error}${where}`, {
    code: 'CK_NATIVE_UNAVAILABLE',
  });
}
