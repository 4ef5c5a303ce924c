// Runs the planned cases: predicts each one from the last size of its series, skips what
// would blow the time budget, and leaves the statistics to tinybench (median, MAD, range).
import type { Case } from './plan';
import type { Workload } from './benchmarks';
import type { CaseResult } from './report';
import { formatMs } from '../render/format';

export interface RunSettings {
  /**
   * Seconds: a call predicted to take longer is skipped, and a case times no more calls
   * than fit (fewer than minSamples for long calls, but always one).
   */
  timeBudgetS: number;
  /** Calls timed per case when they fit the budget: three give a median and a spread. */
  minSamples: number;
  /** How long a fast case keeps sampling, in ms. */
  sampleMs: number;
}

export const DEFAULT_SETTINGS: Omit<RunSettings, 'timeBudgetS'> = { minSamples: 3, sampleMs: 250 };

/** Cases longer than this per call get no warm-up call: they amortise their own start-up. */
const WARMUP_BELOW_MS = 1000;

export interface ProgressSink {
  /** Called before each case, with its index in the plan. */
  next(index: number, label: string): void;
}

/** The per-size series a case belongs to: the same function, element type, backend and threads. */
const seriesOf = (c: Case) => `${c.bench.name}|${c.dtype}|${c.backend}|${c.threads}`;
const groupOf = (c: Case) => `${c.bench.name}|${c.dtype}|${c.size}`;

export function caseLabel(c: Case): string {
  return `${c.bench.name} ${c.dtype} ${c.bench.shape(c.size)} ${c.backend}${c.backend === 'js' ? '' : ` ×${c.threads}`}`;
}

interface Measured {
  samples: number;
  medianMs: number;
  madMs: number;
  minMs: number;
  maxMs: number;
}

async function measure(fn: () => Promise<unknown>, calls: number, s: RunSettings): Promise<Measured> {
  // tinybench is an ES module; a dynamic import is how CommonJS code loads one.
  const { Bench } = await import('tinybench');
  const bench = new Bench({ time: s.sampleMs, iterations: calls, warmup: false, throws: true });
  bench.add('case', fn);
  await bench.run();
  const result = bench.tasks[0].result;
  if (result.state !== 'completed') throw new Error(`tinybench ended in state ${result.state}`);
  const l = result.latency;
  return { samples: l.samplesCount, medianMs: l.p50, madMs: l.mad, minMs: l.min, maxMs: l.max };
}

async function timeOnce(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

export async function runCases(cases: readonly Case[], s: RunSettings, progress?: ProgressSink): Promise<CaseResult[]> {
  const budgetMs = s.timeBudgetS * 1000;
  const budgetNote = `over the ${s.timeBudgetS} s budget (--time-budget)`;
  const callsFor = (callMs: number) => Math.max(1, Math.min(s.minSamples, Math.floor(budgetMs / callMs)));
  const last = new Map<string, { shape: string; work: number; ms: number }>();
  const results: CaseResult[] = [];
  let workload: { group: string; w: Workload } | undefined;

  for (const [index, c] of cases.entries()) {
    progress?.next(index, caseLabel(c));
    const work = c.bench.work(c.size, c.dtype);
    const base: CaseResult = {
      kernel: c.bench.kernel, benchmark: c.bench.name, dtype: c.dtype, size: c.size, shape: c.bench.shape(c.size),
      backend: c.backend, threads: c.threads, status: 'ok', work, unit: c.bench.unit,
    };
    const series = seriesOf(c);
    const prev = last.get(series);
    const predictedMs = prev && (prev.ms * work) / prev.work;
    const remember = (ms: number) => last.set(series, { shape: base.shape, work, ms });

    if (predictedMs !== undefined && predictedMs > budgetMs) {
      remember(predictedMs); // larger sizes of this series are skipped from this prediction
      const reason = `predicted ${formatMs(predictedMs)} a call from ${prev!.shape}, ${budgetNote}`;
      results.push({ ...base, status: 'skipped', reason, predictedMs });
      continue;
    }
    try {
      if (workload?.group !== groupOf(c)) {
        workload = undefined; // let the previous inputs go before allocating the next
        workload = { group: groupOf(c), w: c.bench.prepare(c.size, c.dtype) };
      }
      const run = () => workload!.w.run(c.backend, c.threads);
      let expectedMs = predictedMs ?? 0;
      if (predictedMs === undefined || predictedMs < WARMUP_BELOW_MS) {
        expectedMs = await timeOnce(run); // warm-up, and a measured prediction
        if (expectedMs > budgetMs) {
          remember(expectedMs);
          const reason = `one call took ${formatMs(expectedMs)}, ${budgetNote}`;
          results.push({ ...base, status: 'skipped', reason, predictedMs: expectedMs });
          continue;
        }
      }
      const m = await measure(run, callsFor(expectedMs), s);
      remember(m.medianMs);
      results.push({ ...base, predictedMs, ...m });
    } catch (err) {
      results.push({ ...base, status: 'error', reason: (err as Error).message });
    }
  }
  return results;
}
