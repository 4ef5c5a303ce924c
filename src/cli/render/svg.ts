// Just enough SVG to draw the bench chart with no dependency and no network: elements,
// scales with readable ticks, and axes.

export type Attrs = Record<string, string | number | undefined>;

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function el(tag: string, attrs: Attrs, ...children: string[]): string {
  const a = Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escape(typeof v === 'number' ? String(Math.round(v * 100) / 100) : v!)}"`)
    .join('');
  return children.length === 0 ? `<${tag}${a}/>` : `<${tag}${a}>${children.join('')}</${tag}>`;
}

export const text = (x: number, y: number, s: string, attrs: Attrs = {}) => el('text', { x, y, ...attrs }, escape(s));

export interface Scale {
  (v: number): number;
  ticks: number[];
}

/** Powers of ten and the 2s and 5s between them, as many as fit the domain. */
function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++)
    for (const m of [1, 2, 5]) {
      const t = m * 10 ** e;
      if (t >= lo && t <= hi) ticks.push(t);
    }
  return ticks.length >= 2 ? ticks : [lo, hi];
}

/** A log10 scale over [min, max] with a little room either side, onto [r0, r1]. */
export function logScale(min: number, max: number, r0: number, r1: number): Scale {
  const lo = Math.log10(min / 1.5), hi = Math.log10(max * 1.5);
  const f = ((v: number) => r0 + ((Math.log10(v) - lo) / (hi - lo || 1)) * (r1 - r0)) as Scale;
  f.ticks = logTicks(10 ** lo, 10 ** hi);
  return f;
}

/** A log scale whose ticks are exactly the given values (sizes, thread counts). */
export function pointScale(values: number[], r0: number, r1: number): Scale {
  const lo = Math.log2(Math.min(...values)), hi = Math.log2(Math.max(...values));
  const pad = hi > lo ? (hi - lo) * 0.06 : 1;
  const f = ((v: number) => r0 + ((Math.log2(v) - lo + pad) / (hi - lo + 2 * pad)) * (r1 - r0)) as Scale;
  f.ticks = [...new Set(values)].sort((a, b) => a - b);
  return f;
}

/** A linear scale from 0 to a round number at or above max. */
export function linearScale(max: number, r0: number, r1: number): Scale {
  const step = niceStep(max / 5);
  const top = Math.max(step, Math.ceil(max / step) * step);
  const f = ((v: number) => r0 + (v / top) * (r1 - r0)) as Scale;
  f.ticks = Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step);
  return f;
}

function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw || 1));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Gridlines and tick labels for both axes, and the axis titles. */
export function axes(box: Box, x: Scale, y: Scale, fmtX: (v: number) => string, fmtY: (v: number) => string,
  titleX: string, titleY: string): string {
  const parts: string[] = [];
  for (const t of y.ticks) {
    const py = y(t);
    parts.push(el('line', { x1: box.x, x2: box.x + box.w, y1: py, y2: py, class: 'grid' }));
    parts.push(text(box.x - 6, py + 4, fmtY(t), { class: 'tick', 'text-anchor': 'end' }));
  }
  for (const t of x.ticks) {
    const px = x(t);
    parts.push(el('line', { x1: px, x2: px, y1: box.y, y2: box.y + box.h, class: 'grid' }));
    parts.push(text(px, box.y + box.h + 16, fmtX(t), { class: 'tick', 'text-anchor': 'middle' }));
  }
  parts.push(el('rect', { x: box.x, y: box.y, width: box.w, height: box.h, class: 'frame' }));
  parts.push(text(box.x + box.w / 2, box.y + box.h + 34, titleX, { class: 'axis', 'text-anchor': 'middle' }));
  const cy = box.y + box.h / 2;
  parts.push(text(box.x - 46, cy, titleY, { class: 'axis', 'text-anchor': 'middle', transform: `rotate(-90 ${box.x - 46} ${cy})` }));
  return parts.join('');
}
