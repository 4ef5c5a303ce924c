// The bench command's machinery without timing real kernels: skipping by prediction,
// derived metrics, tables and chart. A fake benchmark whose call takes `size` ms keeps
// it fast and deterministic.
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { Benchmark } from '../dist/cli/bench/benchmarks.js';
import type { Case } from '../dist/cli/bench/plan.js';
import { derive, SCHEMA, type BenchReport, type CaseResult } from '../dist/cli/bench/report.js';
import { runCases } from '../dist/cli/bench/runner.js';
import { renderChart } from '../dist/cli/render/chart.js';
import { renderTables } from '../dist/cli/render/table.js';

function fake(run: () => Promise<unknown>): Benchmark {
  return {
    name: 'matmul', kernel: 'matmul', about: 'a fake', unit: 'GFLOP/s', sizeName: 'n',
    defaultSizes: [], dtypes: ['f64'], defaultDtypes: ['f64'], work: (size) => size, shape: String, prepare: () => ({ run }),
  };
}
/** A case whose call takes `size` ms. */
const at = (size: number): Case => ({ bench: fake(() => sleep(size)), size, dtype: 'f64', backend: 'js', threads: 1 });

describe('runCases', () => {
  const settings = { timeBudgetS: 0.1, minSamples: 3, sampleMs: 1 };

  it('times three calls when they fit the budget, fewer when they do not, and skips a call predicted over it', async () => {
    // budget 100 ms: 3 calls of 20 ms fit; 2 of 40 ms (predicted 40 from 20); 160 ms predicted from 40 is over.
    const results = await runCases([at(20), at(40), at(160), at(320)], settings);
    expect(results.map((r) => [r.status, r.samples])).toEqual([['ok', 3], ['ok', 2], ['skipped', undefined], ['skipped', undefined]]);
    expect(results[0].medianMs).toBeGreaterThanOrEqual(19);
    expect(results[1].predictedMs).toBeGreaterThanOrEqual(38);
    expect(results[2].reason).toMatch(/^predicted 1\d\d ms a call from 40, over the 0.1 s budget \(--time-budget\)$/);
    expect(results[3].reason).toMatch(/from 160,/); // chained from the prediction, never run
  });

  it('skips a case with nothing smaller to predict from after one call over the budget, and says so', async () => {
    const [r] = await runCases([at(120)], settings);
    expect(r.status).toBe('skipped');
    expect(r.reason).toMatch(/^one call took 1\d\d ms, over the 0.1 s budget/);
  });

  it('reports a failing case as an error and goes on', async () => {
    const failing: Case = { ...at(1), bench: fake(() => Promise.reject(new Error('boom'))) };
    const results = await runCases([failing, at(2)], settings);
    expect(results.map((r) => [r.status, r.reason])).toEqual([['error', 'boom'], ['ok', undefined]]);
  });
});

const result = (backend: CaseResult['backend'], threads: number, medianMs: number | undefined, extra: Partial<CaseResult> = {}): CaseResult => ({
  kernel: 'matmul', benchmark: 'matmul', dtype: 'f64', size: 1024, shape: '1024', backend, threads, unit: 'GFLOP/s',
  work: 2 * 1024 ** 3, status: medianMs === undefined ? 'skipped' : 'ok', medianMs, madMs: medianMs && medianMs / 100,
  samples: 3, ...extra,
});

function report(results: CaseResult[]): BenchReport {
  return {
    schema: SCHEMA, version: '0.0.0', date: '2026-01-01T00:00:00.000Z', command: 'corekernels bench',
    machine: { cpu: 'Test CPU', cpus: 2, availableParallelism: 2, platform: 'linux', arch: 'x64', node: 'v20.0.0' },
    info: { version: '0.0.0', backend: 'native', native: { loaded: true, isa: 'avx2', build: 'prebuilt', openmp: false }, engine: 'native', wasm: { loaded: true, simd: 'relaxed' }, threads: 2 },
    settings: { timeBudgetS: 10, minSamples: 3, sampleMs: 250 }, wallSeconds: 1, results: derive(results),
  };
}

describe('derive', () => {
  it('gives throughput, speedup over one-thread js and efficiency over the same backend on one thread', () => {
    const [js, n1, n2] = derive([result('js', 1, 800), result('native', 1, 100), result('native', 2, 80)]);
    expect(js.speedupVsJs).toBe(1);
    expect(n1.throughput).toBeCloseTo((2 * 1024 ** 3) / 0.1 / 1e9);
    expect(n2.speedupVsJs).toBe(10);
    expect(n2.efficiency).toBeCloseTo(100 / (2 * 80));
    expect(n2.speedupEstimated).toBeUndefined();
  });

  it('marks a speedup estimated when js was skipped and only predicted', () => {
    const [, n1] = derive([result('js', 1, undefined, { predictedMs: 9000, reason: 'too slow' }), result('native', 1, 100)]);
    expect(n1).toMatchObject({ speedupVsJs: 90, speedupEstimated: true });
  });
});

describe('renderTables and renderChart', () => {
  const rep = report([
    result('js', 1, undefined, { predictedMs: 9000, reason: 'predicted 9.00 s a call from 512' }),
    result('native', 1, 100), result('native', 2, 55),
    { ...result('native', 1, 10), size: 512, shape: '512' }, { ...result('native', 2, 6), size: 512, shape: '512' },
  ]);

  it('prints a Markdown table per function with the skipped case explained under it', () => {
    const md = renderTables(rep);
    expect(md).toContain('### matmul · f64');
    expect(md).toMatch(/\| +n \| backend +\| threads \| +median \| spread \| GFLOP\/s \| vs js ×1 \| efficiency \|/);
    expect(md).toMatch(/\| 1024 \| native +\| +2 \| +55\.0 ms \| +±1\.0% \| +39\.0 \| +~164× \| +91% \|/);
    expect(md).toContain('- skipped: js ×1 at n = 1024: predicted 9.00 s a call from 512');
  });

  it('draws a standalone SVG with no NaN and no external references', () => {
    const svg = renderChart(rep);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).not.toMatch(/NaN|Infinity|href=/);
    expect(svg).toContain('matmul f64: GFLOP/s by size');
    expect(svg).toContain('native: speedup over its own single thread');
  });
});
