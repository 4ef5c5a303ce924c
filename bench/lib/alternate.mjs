// Side-by-side timing: contenders run in alternating batches (A B A B ...), the same number
// of calls per batch for all, and each one's median seconds per call is kept.
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b), h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Seconds per call of fn over reps calls, timed around the whole batch. */
export function secondsPerCall(fn, reps) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < reps; i++) fn();
  return Number(process.hrtime.bigint() - t0) / 1e9 / reps;
}

/**
 * contenders: { name: { run(reps) -> seconds per call (or a promise of it), check?() } }.
 * Each runs once (its check is taken then), then warms up in growing batches (x4) until one
 * lasts a quarter of the budget and all together `warm` seconds (a JIT's tier-up, page
 * faults and thread start-up stay out of the timed batches, and a cold first call does not
 * size them). The slowest contender's per-call time sizes the batches, the same number of
 * calls for all, to about `budget` seconds; then `rounds` alternating batches. pauseMs after
 * each batch lets a multi-threaded side's spinning threads (OpenBLAS spins ~0.1 s after a
 * call) sleep before the next side runs.
 * Returns { seconds: { name: median }, checks: { name: value }, reps }.
 */
export async function alternate(contenders, { budget = 0.25, rounds = 5, pauseMs = 0, warm = 0, maxReps = 1e6 } = {}) {
  const entries = Object.entries(contenders);
  const checks = {};
  let once = 0;
  for (const [name, c] of entries) {
    let reps = 1, seconds = await c.run(reps), spent = seconds;
    if (c.check) checks[name] = c.check();
    while ((seconds * reps < budget / 4 || spent < warm) && reps < maxReps) {
      if (seconds * reps < budget / 4) reps *= 4;
      seconds = await c.run(reps);
      spent += seconds * reps;
    }
    once = Math.max(once, seconds);
    if (pauseMs) await sleep(pauseMs);
  }
  const reps = Math.max(1, Math.min(maxReps, Math.round(budget / once)));
  const times = Object.fromEntries(entries.map(([name]) => [name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [name, c] of entries) {
      times[name].push(await c.run(reps));
      if (pauseMs) await sleep(pauseMs);
    }
  }
  return { seconds: Object.fromEntries(Object.entries(times).map(([name, t]) => [name, median(t)])), checks, reps };
}

/** A contender for a LinePeer: request(reps) is the request line; check() is the last reply's. */
export function peerContender(peer, request) {
  let last;
  return {
    run: async (reps) => { const r = await peer.timed(request(reps)); last = r.check; return r.seconds; },
    check: () => last,
  };
}
