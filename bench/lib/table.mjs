// The target table: each line sets our time against the best peer's for the same work, shown
// in the line's unit, as a ratio of speeds (>= 1 means ours is faster) against a target.
const UNITS = {
  'GB/s': { show: (work, s) => `${(work / s / 1e9).toFixed(1)} GB/s` },
  'GFLOP/s': { show: (work, s) => `${(work / s / 1e9).toFixed(1)} GFLOP/s` },
  'us': { show: (_work, s) => `${(s * 1e6).toFixed(s < 1e-4 ? 2 : 1)} µs` },
  'ms': { show: (_work, s) => `${(s * 1e3).toFixed(2)} ms` },
};

/** seconds per call in a unit: `show('GB/s', bytes, s)`. */
export function show(unit, work, seconds) {
  if (!UNITS[unit]) throw new Error(`unknown unit ${unit}`);
  return UNITS[unit].show(work, seconds);
}

/**
 * name: the case; unit: a key of UNITS; work: bytes or flops of one call; ours: seconds per call;
 * peers: { label: seconds per call } (the best is the fastest); target: the least ratio, or
 * undefined for a line shown for information; agree: false when the results differed.
 */
export function targetLine({ name, unit, work = 0, ours, peers, target, agree = true }) {
  const [label, best] = Object.entries(peers).reduce((a, b) => (b[1] < a[1] ? b : a));
  const ratio = best / ours;
  const met = !agree ? 'NO (results differ)' : target === undefined ? '-' : ratio >= target ? 'yes' : 'NO';
  return {
    name, corekernels: show(unit, work, ours), peer: `${show(unit, work, best)} (${label})`, ratio: ratio.toFixed(3),
    target: target === undefined ? 'info' : `>= ${target.toFixed(2)}`, met,
  };
}

export function formatTable(lines) {
  const head = ['case', 'corekernels', 'best peer (which)', 'ratio', 'target', 'met?'];
  const body = lines.map((l) => [l.name, l.corekernels, l.peer, l.ratio, l.target, l.met]);
  return [head, head.map(() => '---'), ...body].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/** "N of M targets met", naming the missed ones. */
export function summary(lines) {
  const scored = lines.filter((l) => l.target !== 'info');
  const missed = scored.filter((l) => l.met !== 'yes');
  return `${scored.length - missed.length} of ${scored.length} targets met` + (missed.length ? `; missed: ${missed.map((l) => l.name).join('; ')}` : '');
}
