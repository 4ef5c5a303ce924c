// `corekernels bench`: plan the cases, run them, then print the tables (or write JSON) and
// the chart. Exit code 1 when a case failed, so CI notices.
import { writeFileSync } from 'node:fs';
import { arch, availableParallelism, cpus, platform } from 'node:os';
import { resolve } from 'node:path';
import { close, info, threads } from '../../index';
import type { BenchArgs } from '../args';
import { renderChart } from '../render/chart';
import { renderTables } from '../render/table';
import { plan } from './plan';
import { progressBar } from './progress';
import { derive, SCHEMA, type BenchReport } from './report';
import { DEFAULT_SETTINGS, runCases } from './runner';

function machine(): BenchReport['machine'] {
  const cpu = cpus()[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
  return { cpu, cpus: cpus().length, availableParallelism: availableParallelism(), platform: platform(), arch: arch(), node: process.version };
}

export async function runBench(args: BenchArgs, argv: readonly string[]): Promise<number> {
  const cases = plan(args, { maxThreads: threads(), native: info().native, wasm: info().wasm });
  const settings = { ...DEFAULT_SETTINGS, timeBudgetS: args.timeBudget };
  const quiet = args.json !== undefined;
  if (!quiet) process.stderr.write(`corekernels bench: ${cases.length} cases; tables follow when they are done.\n`);
  const bar = quiet ? undefined : progressBar(cases.length);
  const interrupted = () => {
    bar?.stop(); // give the terminal its cursor back
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  const started = performance.now();
  let results;
  try {
    results = await runCases(cases, settings, bar);
  } finally {
    bar?.stop();
    process.removeListener('SIGINT', interrupted);
  }
  const report: BenchReport = {
    schema: SCHEMA,
    version: info().version,
    date: new Date().toISOString(),
    command: ['corekernels', 'bench', ...argv].join(' '),
    machine: machine(),
    info: info(),
    settings,
    wallSeconds: Math.round((performance.now() - started) / 100) / 10,
    results: derive(results),
  };
  if (args.json === '-') process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else if (args.json !== undefined) writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(`${renderTables(report)}\nwall time ${report.wallSeconds} s\n`);
  if (args.chart !== undefined) {
    writeFileSync(args.chart, renderChart(report));
    if (!quiet) process.stderr.write(`chart: ${resolve(args.chart)}\n`);
  }
  await close();
  return report.results.some((r) => r.status === 'error') ? 1 : 0;
}
