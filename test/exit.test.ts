// How a process that uses corekernels ends (issue 5), each case in a fresh child process:
// - a script that makes one call and returns exits as soon as its work is done: no pool
//   thread, worker or native handle keeps it alive, and no close() is needed;
// - a call still pending does keep it alive until the call settles (the result arrives);
// - process.exit(code) while a native kernel (or a workers / js call) is running exits at
//   once with that code and without a crash signal.
//
// runtime.test.ts has one child that uses every backend and exits within 20 s; this file
// times each backend and call shape on its own and covers process.exit() mid-kernel.
import { describe, expect, it } from 'vitest';
import { backends, nativeLoaded, type Backend } from './helpers/backends.js';
import { lastJson, runScript, type ChildResult, expectExit, UNDER_SANITIZER } from './helpers/child.js';

/** Node starts in ~50 ms; a script doing one small call must be gone well within this. */
const ONE_CALL_WALL_MS = 2000;
/** From the end of the script's work (its last callback) to the 'exit' event. */
const DONE_TO_EXIT_MS = 300;
/**
 * From process.exit() to the process being gone. Under ASan, LeakSanitizer scans the heap at
 * exit (1053 ms seen with a 3000x3000 matmul's operands on a loaded machine).
 */
const EXIT_CALL_TO_GONE_MS = UNDER_SANITIZER ? 3000 : 1000;

const CRASH = /FATAL|Assertion|Segmentation|terminate called|core dumped|Aborted|libc\+\+abi/;

function expectCleanExit(r: ChildResult, code: number) {
  expectExit(r, code);
  expect(r.stderr, 'stderr of the child').not.toMatch(CRASH);
}

// One call, then nothing: the 'exit' event must follow the call's last callback at once.
const oneCallScripts: Record<string, (backend: Backend) => string> = {
  'an async matmul': (backend) => `
    const ck = require(P);
    const m = ck.matrix(Float64Array, 300, 300); m.data.fill(1);
    ck.matmul(m, m, { backend: '${backend}' }).then((r) => report(r.data[0] === 300 && r.data[89999] === 300));`,
  'an async countInRange': (backend) => `
    const ck = require(P);
    const d = new Int32Array(1 << 21).map((_, i) => i % 100);
    ck.countInRange(d, 10, 19, { backend: '${backend}' }).then((c) => report(c === 209720));`,
  'a call aborted mid-way': (backend) => `
    const ck = require(P);
    const m = ck.matrix(Float64Array, 900, 900); m.data.fill(1);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 30);
    ck.matmul(m, m, { backend: '${backend}', signal: ac.signal }).then(() => report(true), (e) => report(e.name === 'AbortError'));`,
  'a Sync call only': (backend) => `
    const ck = require(P);
    const m = ck.matrix(Float64Array, 200, 200); m.data.fill(1);
    const r = ck.matmulSync(m, m, { backend: '${backend}' });
    const c = ck.countInRangeSync(new Float64Array(1 << 20).fill(2), 1, 3, { backend: '${backend}' });
    report(r.data[0] === 200 && c === 1 << 20);`,
};

const REPORT = `
  const fs = require('node:fs');
  let doneAt = 0, ok = false;
  function report(v) { ok = v; doneAt = performance.now(); }
  process.on('exit', () => fs.writeSync(1, JSON.stringify({ ok, doneAt, exitAt: performance.now() }) + '\\n'));`;

describe.each(backends())('a script using the %s backend', (backend: Backend) => {
  it.each(Object.keys(oneCallScripts))('that makes %s and returns exits as soon as its work is done, without close()', async (name) => {
    const r = await runScript(REPORT + oneCallScripts[name](backend), { timeoutMs: 20000 });
    expectCleanExit(r, 0);
    const j = lastJson(r);
    expect(j.ok, 'the call gave the right result').toBe(true);
    expect(j.doneAt, 'the work finished').toBeGreaterThan(0);
    const gap = j.exitAt - j.doneAt;
    console.log(`[figure] exit after ${name} on ${backend}: 'exit' ${gap.toFixed(1)} ms after the work, process wall ${r.wallMs.toFixed(0)} ms`);
    expect(gap, "ms from the call's last callback to the 'exit' event").toBeLessThan(DONE_TO_EXIT_MS);
    expect(r.wallMs, 'wall time of the whole child process (ms)').toBeLessThan(ONE_CALL_WALL_MS);
  });

  it('stays alive while a call is pending with nothing else to do, and delivers its result', async () => {
    const n = backend === 'native' ? 1000 : 400;
    const r = await runScript(
      `const ck = require(P);
       const m = ck.matrix(Float64Array, ${n}, ${n}); m.data.fill(1);
       ck.matmul(m, m, { backend: '${backend}' }).then((r) => console.log(JSON.stringify({ first: r.data[0], last: r.data[${n * n - 1}] })));`,
      { timeoutMs: 30000 },
    );
    expectCleanExit(r, 0);
    expect(lastJson(r)).toEqual({ first: n, last: n });
  });
});

// process.exit(code) while a call is running. The kernel would take seconds; the process must
// be gone well before, with the code asked for, and the call's callback never runs.
const exitDuring: { backend: Backend; n: number; code: number }[] = [
  { backend: 'native', n: 3000, code: 7 },
  { backend: 'native', n: 3000, code: 0 },
  { backend: 'workers', n: 900, code: 7 },
  { backend: 'js', n: 900, code: 7 },
];

describe.each(exitDuring.filter((c) => backends().includes(c.backend)))('process.exit($code) during a running $backend call', ({ backend, n, code }) => {
  it(`exits promptly with code ${code} and no crash signal while a ${n}x${n} matmul runs`, async () => {
    const r = await runScript(
      `const fs = require('node:fs');
       const ck = require(P);
       const m = ck.matrix(Float64Array, ${n}, ${n}); m.data.fill(1);
       // and a second call queued behind the first
       ck.matmul(m, m, { backend: '${backend}' }).then(() => fs.writeSync(1, 'finished\\n'));
       ck.countInRange(new Float64Array(1 << 22), 0, 1, { backend: '${backend}' }).then(() => fs.writeSync(1, 'count finished\\n'));
       setTimeout(() => { fs.writeSync(1, 'exiting\\n'); process.exit(${code}); }, 150);`,
      { timeoutMs: 30000 },
    );
    expectCleanExit(r, code);
    const lines = r.lines.map((l) => l.text);
    expect(lines, 'the long call was still running at process.exit()').not.toContain('finished');
    const exiting = r.lines.find((l) => l.text === 'exiting');
    expect(exiting, 'the child reached process.exit()').toBeDefined();
    const gone = r.wallMs - exiting!.at;
    console.log(`[figure] process.exit(${code}) during a ${backend} ${n}x${n} matmul: gone ${gone.toFixed(0)} ms after the call`);
    expect(gone, 'ms from process.exit() to the process being gone').toBeLessThan(EXIT_CALL_TO_GONE_MS);
  });
});

describe.skipIf(!nativeLoaded())('process.exit() with native work queued from several places', () => {
  it('exits with the requested code while native kernels run in the main thread and in a worker thread', async () => {
    const r = await runScript(
      `const fs = require('node:fs');
       const ck = require(P);
       const { Worker } = require('node:worker_threads');
       const m = ck.matrix(Float64Array, 2500, 2500); m.data.fill(1);
       ck.matmul(m, m, { backend: 'native' });
       const w = new Worker('const ck = require(' + JSON.stringify(P) + '); const m = ck.matrix(Float64Array, 2500, 2500); m.data.fill(1); ck.matmul(m, m, { backend: "native" }); require("node:worker_threads").parentPort.postMessage("go");', { eval: true });
       w.once('message', () => setTimeout(() => { fs.writeSync(1, 'exiting\\n'); process.exit(9); }, 50));`,
      { timeoutMs: 30000 },
    );
    expectCleanExit(r, 9);
    const exiting = r.lines.find((l) => l.text === 'exiting');
    expect(exiting).toBeDefined();
    expect(r.wallMs - exiting!.at, 'ms from process.exit() to the process being gone').toBeLessThan(EXIT_CALL_TO_GONE_MS);
  });
});
