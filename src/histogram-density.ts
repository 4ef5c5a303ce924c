// histogram's `density`: numpy's `n / np.diff(edges) / n.sum()`, with numpy's own order of
// operations, so a density equals numpy's bit for bit whenever the counts or sums do.

/** numpy's pairwise summation of float64 (pairwise_sum_DOUBLE): 8 running sums up to 128 elements, halves above. */
export function pairwiseSum(a: ArrayLike<number>, from = 0, n = a.length): number {
  if (n < 8) {
    let s = 0;
    for (let i = from; i < from + n; i++) s += a[i];
    return s;
  }
  if (n <= 128) {
    const r = [a[from], a[from + 1], a[from + 2], a[from + 3], a[from + 4], a[from + 5], a[from + 6], a[from + 7]];
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] += a[from + i + j];
    let s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; i++) s += a[from + i];
    return s;
  }
  let half = Math.floor(n / 2);
  half -= half % 8;
  return pairwiseSum(a, from, half) + pairwiseSum(a, from + half, n - half);
}

/**
 * Turns counts (or weight sums) into a density in place: counts[i] / width[i] / total. The
 * widths are differences of the edges in their own type: float32 when numpy's edges are
 * float32 (a bin count over float32 data, or float32 edges).
 */
export function toDensity(counts: Float64Array, edges: ArrayLike<number>, float32Edges: boolean): Float64Array {
  const total = pairwiseSum(counts);
  for (let i = 0; i < counts.length; i++) {
    const width = float32Edges ? Math.fround(edges[i + 1] - edges[i]) : edges[i + 1] - edges[i];
    counts[i] = counts[i] / width / total;
  }
  return counts;
}
