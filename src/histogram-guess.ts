// The uniform-edges fast path of histogram: a bin index computed from x, not searched.
// The kernels (native/count/kernels/hist.h and kernels/count.ts) compute
//   guess(x) = trunc(clamp((x - first) * scale, 0, nbins - 1))
// in doubles and then correct it by one step against the thresholds. That is exact only
// when the guess is never off by more than one, so this checks it for the actual
// thresholds: guess is monotone in x, hence checking each non-empty bin's least and
// greatest element value is enough. Edges that fail (not uniform enough) are searched.
import { upperBound, type ElementKind } from './bounds';

export interface BinGuess {
  first: number;
  scale: number;
}

export function guessBin(g: BinGuess, lastBin: number, x: number): number {
  let t = (x - g.first) * g.scale;
  t = t > 0 ? t : 0; // also NaN -> 0
  t = t < lastBin ? t : lastBin;
  return Math.trunc(t);
}

/**
 * The guess for these edges and element-domain thresholds, or undefined when the edges
 * are not uniform enough (or the elements are 64-bit integers, which a double does not hold).
 */
export function uniformGuess(kind: ElementKind, edges: readonly number[], lower: readonly number[], upper: number): BinGuess | undefined {
  if (kind.bigint) return undefined;
  const first = edges[0], last = edges[edges.length - 1];
  const g = { first, scale: (edges.length - 1) / (last - first) };
  if (!Number.isFinite(first) || !Number.isFinite(last) || !(g.scale > 0 && g.scale < Infinity)) return undefined;
  const lastBin = lower.length - 1;
  for (let i = 0; i <= lastBin; i++) {
    const greatest = i < lastBin ? (upperBound(kind, lower[i + 1], true) as number) : upper;
    if (greatest < lower[i]) continue; // no element value falls in this bin
    if (guessBin(g, lastBin, lower[i]) < i - 1 || guessBin(g, lastBin, greatest) > i + 1) return undefined;
  }
  return g;
}
