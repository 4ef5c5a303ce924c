// Numbers as the tables and the chart print them: three significant digits, units that
// keep the digits few.

/** 0.0123 -> "12.3 µs", 8600 -> "8.60 s". */
export function formatMs(ms: number): string {
  if (ms < 1) return `${sig(ms * 1000)} µs`;
  if (ms < 1000) return `${sig(ms)} ms`;
  return `${sig(ms / 1000)} s`;
}

/** Three significant digits, without exponent notation. */
export function sig(x: number): string {
  if (x === 0 || !Number.isFinite(x)) return String(x);
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(x))));
  return x.toFixed(Math.min(digits, 6));
}

export const formatRatio = (x: number) => `${sig(x)}×`;
export const formatPercent = (x: number) => `${Math.round(x * 100)}%`;
