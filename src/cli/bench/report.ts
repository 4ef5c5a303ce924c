// The bench command's results as data: what --json writes, and what the tables and the
// chart are drawn from. Keep the field names stable; other tools read these files.
import type { Info } from '../../types';
import type { Backend, Kernel } from '../args';
import type { Benchmark, ElementType } from './benchmarks';

export const SCHEMA = 'corekernels-bench/1';

export interface CaseResult {
  kernel: Kernel;
  /** The public function timed. */
  benchmark: Benchmark['name'];
  dtype: ElementType;
  size: number;
  /** The size as printed: 2048, 200000x5, 32M. */
  shape: string;
  backend: Backend;
  threads: number;
  status: 'ok' | 'skipped' | 'error';
  /** Why a case was skipped or failed. */
  reason?: string;
  /** FLOPs or bytes per call. */
  work: number;
  unit: Benchmark['unit'];
  /** One call's time, predicted from a smaller size of the same series (ms). */
  predictedMs?: number;
  samples?: number;
  medianMs?: number;
  /** Median absolute deviation of the samples (ms). */
  madMs?: number;
  minMs?: number;
  maxMs?: number;
  /** work / median, in `unit`. */
  throughput?: number;
  /** js on one thread / this, for the same function, size and dtype. */
  speedupVsJs?: number;
  /** True when the js time behind speedupVsJs is a prediction (js was skipped at this size). */
  speedupEstimated?: boolean;
  /** This backend's 1-thread time / (threads x this time): 1 is perfect scaling. */
  efficiency?: number;
}

export interface BenchReport {
  schema: typeof SCHEMA;
  version: string;
  date: string;
  /** The command line that made it. */
  command: string;
  machine: { cpu: string; cpus: number; availableParallelism: number; platform: string; arch: string; node: string };
  info: Info;
  settings: { timeBudgetS: number; minSamples: number; sampleMs: number };
  wallSeconds: number;
  results: CaseResult[];
}

const key = (r: CaseResult, backend: Backend, threads: number) =>
  `${r.benchmark}|${r.dtype}|${r.size}|${backend}|${threads}`;

/** Fills in throughput, speedup over single-thread js and parallel efficiency. */
export function derive(results: CaseResult[]): CaseResult[] {
  const byKey = new Map(results.map((r) => [key(r, r.backend, r.threads), r]));
  return results.map((r) => {
    if (r.status !== 'ok' || r.medianMs === undefined) return r;
    const out: CaseResult = { ...r, throughput: r.work / (r.medianMs * 1e-3) / 1e9 };
    const js = byKey.get(key(r, 'js', 1));
    const jsMs = js?.status === 'ok' ? js.medianMs : js?.predictedMs;
    if (jsMs !== undefined) {
      out.speedupVsJs = jsMs / r.medianMs;
      if (js?.status !== 'ok') out.speedupEstimated = true;
    }
    const one = byKey.get(key(r, r.backend, 1));
    if (one?.status === 'ok' && one.medianMs !== undefined) out.efficiency = one.medianMs / (r.threads * r.medianMs);
    return out;
  });
}
