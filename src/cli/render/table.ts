// The report as Markdown: a table per function and element type, padded so it also reads
// well in a terminal, and pasted as-is into the README by scripts/bench-readme.mjs.
import { benchmarkNamed } from '../bench/benchmarks';
import type { BenchReport, CaseResult } from '../bench/report';
import { formatMs, formatPercent, formatRatio, sig } from './format';

type Row = string[];

function markdownTable(header: Row, align: ('l' | 'r')[], rows: Row[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const pad = (cell: string, i: number) => (align[i] === 'r' ? cell.padStart(widths[i]) : cell.padEnd(widths[i]));
  const line = (r: Row) => `| ${r.map(pad).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (align[i] === 'r' ? `${'-'.repeat(w + 1)}:` : `:${'-'.repeat(w + 1)}`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

function row(r: CaseResult): Row {
  const lead = [r.shape, r.backend, String(r.threads)];
  if (r.status !== 'ok') return [...lead, r.status, '—', '—', '—', '—'];
  const spread = (r.samples ?? 0) < 3 ? `${r.samples} call${r.samples === 1 ? '' : 's'}`
    : `±${((100 * r.madMs!) / r.medianMs!).toFixed(1)}%`;
  return [
    ...lead,
    formatMs(r.medianMs!),
    spread,
    sig(r.throughput!),
    r.speedupVsJs === undefined ? '—' : `${r.speedupEstimated ? '~' : ''}${formatRatio(r.speedupVsJs)}`,
    r.efficiency === undefined ? '—' : formatPercent(r.efficiency),
  ];
}

/** Results grouped by function and element type, in the order they ran. */
export function groups(results: readonly CaseResult[]): CaseResult[][] {
  const byKey = new Map<string, CaseResult[]>();
  for (const r of results) {
    const k = `${r.benchmark}|${r.dtype}`;
    byKey.set(k, [...(byKey.get(k) ?? []), r]);
  }
  return [...byKey.values()];
}

function section(rs: CaseResult[]): string {
  const first = rs[0];
  const bench = benchmarkNamed(first.benchmark);
  const sizeName = bench?.sizeName ?? 'size';
  const header = [sizeName, 'backend', 'threads', 'median', 'spread', first.unit, 'vs js ×1', 'efficiency'];
  const table = markdownTable(header, ['r', 'l', 'r', 'r', 'r', 'r', 'r', 'r'], rs.map(row));
  const notes = rs
    .filter((r) => r.status !== 'ok')
    .map((r) => `- ${r.status}: ${r.backend} ×${r.threads} at ${sizeName} = ${r.shape}: ${r.reason}`);
  return [`### ${first.benchmark} · ${first.dtype} — ${bench?.about ?? ''}`, '', table, ...(notes.length ? ['', ...notes] : [])].join('\n');
}

export function describeMachine(rep: BenchReport): string {
  const n = rep.info.native;
  const native = n.loaded ? `native ${n.isa} (${n.build} build)` : `native not loaded (${n.error})`;
  return `corekernels ${rep.version} · Node ${rep.machine.node} · ${rep.machine.platform}-${rep.machine.arch} · ` +
    `${rep.machine.cpu} × ${rep.machine.cpus} · threads() = ${rep.info.threads} · ${native}`;
}

export const LEGEND = [
  '- median: of at least 3 timed calls (tinybench), fewer for calls too long for the time budget; spread: median absolute deviation / median.',
  '- vs js ×1: the js backend on one thread / this (~: js was skipped there, its time is predicted from a smaller size).',
  '- efficiency: this backend on 1 thread / (threads × this); 100% is perfect scaling.',
];

/** Every table, with the machine line above and the legend below. */
export function renderTables(rep: BenchReport): string {
  const parts = [describeMachine(rep), ...groups(rep.results).map(section), LEGEND.join('\n')];
  return parts.join('\n\n') + '\n';
}
