// The bench chart, one self-contained SVG: throughput against size per backend (one panel
// per function with several sizes), throughput at a single size as bars, and speedup
// against threads per backend. Colours are the Okabe–Ito set, readable with colour blindness.
import type { Backend } from '../args';
import { benchmarkNamed } from '../bench/benchmarks';
import type { BenchReport, CaseResult } from '../bench/report';
import { groups, describeMachine } from './table';
import { sig } from './format';
import { axes, el, linearScale, logScale, pointScale, text, type Box } from './svg';

const BACKEND_COLOR: Record<Backend, string> = { native: '#0072b2', wasm: '#009e73', workers: '#e69f00', js: '#cc79a7' };
const PALETTE = ['#0072b2', '#d55e00', '#009e73', '#e69f00', '#cc79a7', '#56b4e9', '#f0e442', '#000000'];
const PANEL_W = 480, PANEL_H = 330;
const MARGIN = { left: 66, right: 16, top: 72, bottom: 48 };

const STYLE = `
  text { font-family: system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; fill: #222; }
  .title { font-size: 18px; font-weight: 600; } .sub { font-size: 12px; fill: #555; }
  .ptitle { font-size: 14px; font-weight: 600; } .tick { font-size: 11px; fill: #555; }
  .axis { font-size: 12px; fill: #333; } .legend { font-size: 12px; } .value { font-size: 11px; fill: #333; }
  .grid { stroke: #e6e6e6; stroke-width: 1; } .frame { fill: none; stroke: #999; stroke-width: 1; }
  .ideal { stroke: #999; stroke-width: 1.5; stroke-dasharray: 5 4; fill: none; }`;

interface Series {
  label: string;
  color: string;
  dashed: boolean;
  points: [number, number][];
}

/** Tick labels without trailing zeros: 0.5, 2, 10. */
const tick = (v: number) => String(Number(sig(v)));
const ok = (r: CaseResult) => r.status === 'ok' && r.throughput !== undefined;
const backendLabel = (backend: Backend, threads: number) => (backend === 'js' ? 'js' : `${backend} ×${threads}`);
const plotBox = (x: number, y: number, top = MARGIN.top): Box => ({
  x: x + MARGIN.left, y: y + top, w: PANEL_W - MARGIN.left - MARGIN.right, h: PANEL_H - top - MARGIN.bottom,
});
const LEGEND_W = PANEL_W - MARGIN.left - MARGIN.right;

type LegendItem = { label: string; color: string; dashed?: boolean };
const CHAR_W = 7; // average glyph width of the 12px legend font

function legendItem(x: number, y: number, it: LegendItem): string {
  return el('line', { x1: x, x2: x + 20, y1: y - 4, y2: y - 4, stroke: it.color, 'stroke-width': 3,
    'stroke-dasharray': it.dashed ? '5 3' : undefined }) + text(x + 25, y, it.label, { class: 'legend' });
}

/** Items in equal columns, as many per row as fit; returns the drawing and the rows used. */
function legendRows(x: number, y: number, items: LegendItem[]): { svg: string; rows: number } {
  const col = 34 + CHAR_W * Math.max(...items.map((it) => it.label.length));
  const perRow = Math.max(1, Math.floor(LEGEND_W / col));
  const svg = items.map((it, i) => legendItem(x + (i % perRow) * col, y + Math.floor(i / perRow) * 16, it)).join('');
  return { svg, rows: Math.ceil(items.length / perRow) };
}

function lines(series: Series[], x: (v: number) => number, y: (v: number) => number): string {
  return series.map((s) => {
    const pts = s.points.map(([a, b]) => `${x(a)},${y(b)}`).join(' ');
    const dots = s.points.map(([a, b]) => el('circle', { cx: x(a), cy: y(b), r: 3.2, fill: s.color }));
    return el('polyline', { points: pts, fill: 'none', stroke: s.color, 'stroke-width': 2.4,
      'stroke-dasharray': s.dashed ? '6 4' : undefined }) + dots.join('');
  }).join('');
}

/** The thread counts a line is drawn for: one thread and the most measured (js has one). */
function lineThreads(rs: CaseResult[], backend: Backend): number[] {
  const ts = [...new Set(rs.filter((r) => r.backend === backend).map((r) => r.threads))];
  return [...new Set([Math.max(...ts), Math.min(...ts)])];
}

function sizePanel(rs: CaseResult[], x0: number, y0: number): string {
  const first = rs[0];
  const box = plotBox(x0, y0);
  const good = rs.filter(ok);
  const series: Series[] = [];
  for (const backend of ['native', 'wasm', 'workers', 'js'] as Backend[]) {
    if (!good.some((r) => r.backend === backend)) continue;
    const ts = lineThreads(good, backend);
    for (const t of ts) {
      const points = good.filter((r) => r.backend === backend && r.threads === t).map((r): [number, number] => [r.size, r.throughput!]);
      series.push({ label: backendLabel(backend, t), color: BACKEND_COLOR[backend], dashed: t !== ts[0], points });
    }
  }
  const sizes = rs.map((r) => r.size), tp = good.map((r) => r.throughput!);
  const x = pointScale(sizes, box.x, box.x + box.w);
  const y = logScale(Math.min(...tp), Math.max(...tp), box.y + box.h, box.y);
  const shapeOf = new Map(rs.map((r) => [r.size, r.shape]));
  const skipped = rs.filter((r) => r.status === 'skipped').length;
  const sizeName = benchmarkNamed(first.benchmark)?.sizeName ?? 'size';
  return [
    text(x0 + MARGIN.left, y0 + 20, `${first.benchmark} ${first.dtype}: ${first.unit} by size (higher is better)`, { class: 'ptitle' }),
    legendRows(x0 + MARGIN.left, y0 + 42, series).svg,
    axes(box, x, y, (v) => shapeOf.get(v) ?? String(v), tick, sizeName === 'n' ? 'n (n×n matrices)' : sizeName,
      `${first.unit} (log scale)`),
    lines(series, x, y),
    skipped ? text(box.x + box.w - 6, box.y + 16, `${skipped} slow case(s) skipped, see the table`, { class: 'tick', 'text-anchor': 'end' }) : '',
  ].join('');
}

function barPanel(sets: CaseResult[][], x0: number, y0: number): string {
  const box = plotBox(x0, y0);
  box.x += 70; box.w -= 70; // room for the bar labels
  const rows: { label: string; group?: string; r: CaseResult }[] = [];
  for (const rs of sets) {
    const good = rs.filter(ok);
    for (const backend of ['native', 'wasm', 'workers', 'js'] as Backend[])
      for (const t of good.some((r) => r.backend === backend) ? lineThreads(good, backend) : []) {
        const r = good.find((g) => g.backend === backend && g.threads === t)!;
        rows.push({ label: backendLabel(backend, t), group: rows.some((x) => x.r.benchmark === r.benchmark && x.r.dtype === r.dtype) ? undefined : `${r.benchmark} ${r.dtype} ${r.shape}`, r });
      }
  }
  const unit = sets[0][0].unit;
  const x = linearScale(Math.max(...rows.map((r) => r.r.throughput!)), box.x, box.x + box.w);
  const band = (box.h - 6) / (rows.length + sets.length), parts: string[] = [];
  let y = box.y + 6; // clear of the frame
  for (const row of rows) {
    if (row.group) {
      parts.push(text(box.x + 4, y + band * 0.7, row.group, { class: 'legend', 'font-weight': 600 }));
      y += band;
    }
    const w = x(row.r.throughput!) - box.x;
    parts.push(el('rect', { x: box.x, y: y + band * 0.15, width: w, height: band * 0.7, fill: BACKEND_COLOR[row.r.backend],
      'fill-opacity': row.r.threads === 1 && row.r.backend !== 'js' ? 0.55 : 1 }));
    parts.push(text(box.x - 6, y + band * 0.65, row.label, { class: 'tick', 'text-anchor': 'end' }));
    parts.push(text(box.x + w + 4, y + band * 0.65, `${sig(row.r.throughput!)}`, { class: 'value' }));
    y += band;
  }
  const ticks = x.ticks.map((t) => el('line', { x1: x(t), x2: x(t), y1: box.y, y2: box.y + box.h, class: 'grid' }) +
    text(x(t), box.y + box.h + 16, tick(t), { class: 'tick', 'text-anchor': 'middle' }));
  return [
    text(x0 + MARGIN.left, y0 + 20, `${unit} at one size (higher is better)`, { class: 'ptitle' }),
    text(x0 + MARGIN.left, y0 + 40, 'paler bars: one thread', { class: 'sub' }),
    ...ticks, ...parts,
    el('rect', { x: box.x, y: box.y, width: box.w, height: box.h, class: 'frame' }),
    text(box.x + box.w / 2, box.y + box.h + 34, unit, { class: 'axis', 'text-anchor': 'middle' }),
  ].join('');
}

/** For one backend: each function's speedup over its own single thread, at its largest fully measured size. */
function scalingPanel(results: CaseResult[], backend: Backend, x0: number, y0: number): string {
  const series: Series[] = [];
  for (const rs of groups(results.filter((r) => r.backend === backend))) {
    const threads = [...new Set(rs.map((r) => r.threads))];
    const sizes = [...new Set(rs.filter((r) => ok(r) && r.efficiency !== undefined).map((r) => r.size))]
      .filter((s) => threads.every((t) => rs.some((r) => r.size === s && r.threads === t && ok(r))));
    if (sizes.length === 0) continue;
    const size = Math.max(...sizes), at = rs.filter((r) => r.size === size);
    series.push({
      label: `${at[0].benchmark} ${at[0].dtype}`, color: PALETTE[series.length % PALETTE.length], dashed: false,
      points: at.map((r): [number, number] => [r.threads, r.efficiency! * r.threads]),
    });
  }
  const legend = legendRows(x0 + MARGIN.left, y0 + 60, series);
  const box = plotBox(x0, y0, 60 + 16 * legend.rows);
  const threads = results.filter((r) => r.backend === backend).map((r) => r.threads);
  const maxT = Math.max(...threads);
  const x = pointScale(threads, box.x, box.x + box.w);
  const y = linearScale(Math.max(maxT, ...series.flatMap((s) => s.points.map((p) => p[1]))) * 1.05, box.y + box.h, box.y);
  const ideal = el('polyline', { points: x.ticks.map((t) => `${x(t)},${y(t)}`).join(' '), class: 'ideal' });
  return [
    text(x0 + MARGIN.left, y0 + 18, `${backend}: speedup over its own single thread`, { class: 'ptitle' }),
    text(x0 + MARGIN.left, y0 + 40, `each function at its largest size; dashed: ideal (speedup = threads)`, { class: 'sub' }),
    axes(box, x, y, String, tick, 'threads', 'speedup'),
    legend.svg, ideal, lines(series, x, y),
  ].join('');
}

export function renderChart(rep: BenchReport): string {
  const all = groups(rep.results);
  const bySize = all.filter((rs) => new Set(rs.map((r) => r.size)).size > 1 && rs.some(ok));
  const single = all.filter((rs) => new Set(rs.map((r) => r.size)).size === 1 && rs.some(ok));
  const scaling = (['native', 'wasm', 'workers'] as Backend[]).filter((b) =>
    new Set(rep.results.filter((r) => r.backend === b && ok(r)).map((r) => r.threads)).size > 1);
  const panels: ((x: number, y: number) => string)[] = [
    ...bySize.map((rs) => (x: number, y: number) => sizePanel(rs, x, y)),
    ...(single.length ? [(x: number, y: number) => barPanel(single, x, y)] : []),
    ...scaling.map((b) => (x: number, y: number) => scalingPanel(rep.results, b, x, y)),
  ];
  const top = 64, cols = Math.min(2, Math.max(1, panels.length));
  const width = cols * PANEL_W + 20, height = top + Math.ceil(panels.length / cols) * (PANEL_H + 10) + 30;
  const body = panels.map((draw, i) => draw(10 + (i % cols) * PANEL_W, top + Math.floor(i / cols) * (PANEL_H + 10)));
  return el('svg', { xmlns: 'http://www.w3.org/2000/svg', width, height, viewBox: `0 0 ${width} ${height}` },
    el('style', {}, STYLE),
    el('rect', { width, height, fill: '#fff' }),
    text(20, 28, 'corekernels bench', { class: 'title' }),
    text(20, 48, describeMachine(rep), { class: 'sub' }),
    ...body,
    text(20, height - 10, `${rep.command} · ${rep.date.slice(0, 10)} · ${rep.wallSeconds} s`, { class: 'sub' }),
  ) + '\n';
}
