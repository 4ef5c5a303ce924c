// The workers backend's pool (issue 5): a worker that dies mid-call rejects that call with
// ERR_CK_WORKER_DIED; the pool replaces it and later calls succeed; close() ends every
// worker; an idle pool never keeps the process alive.
//
// Uses the backend's internal test hooks (dist/backends/workers.js): killOneWorker()
// terminates a busy worker as if it had crashed, workerCount() counts live workers. The
// package and the hooks are loaded with Node's own require so that they are one module
// instance (the test checks that they are).
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { refCount, randomSquare as square, squareProductCheck as productCheck } from './helpers/reference.js';
import { lastJson, runScript, expectExit } from './helpers/child.js';

const require = createRequire(import.meta.url);
const ck = require('../dist/index.js') as typeof import('../dist/index.js');
const pool = require('../dist/backends/workers.js') as { killOneWorker(): boolean; workerCount(): number };

const backend = 'workers' as const;


/** Every kernel on the workers backend, checked; resolves to a list of problems. */
async function everyKernelWorks(seed: number): Promise<string[]> {
  const bad: string[] = [];
  const x = square(120, seed);
  bad.push(...productCheck(x, (await ck.matmul(x, x, { backend })).data as Float64Array));
  const c = new Float64Array(4).fill(1);
  await ck.gemm({ m: 2, n: 2, k: 2, a: new Float64Array([1, 2, 3, 4]), b: new Float64Array([1, 0, 0, 1]), c, beta: 1 }, { backend });
  if (String(Array.from(c)) !== '2,3,4,5') bad.push(`gemm ${Array.from(c)}`);
  const data = new Int16Array(300_000).map((_, i) => (i * 31) % 200 - 100);
  const want = refCount(Array.from(data.subarray(0, 300_000)), -10.5, 20);
  const got = await ck.countInRange(data, -10.5, 20, { backend });
  if (got !== want) bad.push(`countInRange ${got} != ${want}`);
  const rows = await ck.countInRangeByRow({ data, rows: 3000, cols: 100 }, -10.5, 20, { backend });
  if (rows.reduce((s, v) => s + v, 0) !== want) bad.push('countInRangeByRow sum');
  const h = await ck.histogram(data, [-100, 0, 100], { backend });
  if (h[0] + h[1] !== 300_000) bad.push(`histogram ${Array.from(h)}`);
  return bad;
}

function expectWorkerDied(err: unknown, fn: string) {
  expect(err, String(err)).toBeInstanceOf(Error);
  expect(err).not.toBeInstanceOf(DOMException);
  expect((err as { code?: string }).code, String(err)).toBe(ck.codes.WORKER_DIED);
  expect((err as Error).message, 'the message names the function').toMatch(new RegExp(`^${fn}: `));
}

/** Threads of this process (Linux), or undefined. */
function osThreads(): number | undefined {
  return existsSync('/proc/self/task') ? readdirSync('/proc/self/task').length : undefined;
}

describe('the workers pool', () => {
  it('the test hooks and the package share one module instance', async () => {
    await ck.matmul(ck.fromRows([[1]]), ck.fromRows([[2]]), { backend });
    expect(pool.workerCount()).toBeGreaterThan(0);
  });

  it('a worker that dies mid-call rejects that call promptly with ERR_CK_WORKER_DIED; the pool replaces it and later calls on every kernel succeed', async () => {
    const x = square(700, 701);
    await ck.matmul(square(8, 1), square(8, 1), { backend }); // pool started
    const call = ck.matmul(x, x, { backend }).then(
      () => 'resolved' as unknown,
      (e: unknown) => e,
    );
    await new Promise((r) => setTimeout(r, 60));
    const killedAt = performance.now();
    expect(pool.killOneWorker(), 'a worker was there to kill').toBe(true);
    const err = await call;
    const latency = performance.now() - killedAt;
    expect(err, 'the 700x700 call finished before the kill: too small').not.toBe('resolved');
    expectWorkerDied(err, 'matmul');
    console.log(`[figure] worker killed mid-call: call rejected ${latency.toFixed(1)} ms after the kill`);
    expect(latency, 'ms from the kill to the rejection').toBeLessThan(1000);

    expect(await everyKernelWorks(702)).toEqual([]);
    expect(pool.workerCount(), 'pool back to full size').toBe(ck.threads());
    // the long call itself now succeeds too
    expect(productCheck(x, (await ck.matmul(x, x, { backend })).data as Float64Array)).toEqual([]);
  });

  it.runIf(existsSync('/proc/thread-self'))("runs its threads below the event loop's priority (Linux: nice 10)", async () => {
    const nice = () => new Map(readdirSync('/proc/self/task').map((tid) => {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      return [tid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])] as const;
    }));
    const before = nice();
    await ck.countInRange(ck.shared(Float64Array, 1 << 20), 0, 1, { backend, threads: ck.threads() });
    const added = [...nice()].filter(([tid]) => !before.has(tid)).map(([, n]) => n);
    const mine = Number(readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1].split(' ')[16]);
    const workers = [...nice()].filter(([, n]) => n === mine + 10);
    expect(workers.length, `threads at nice ${mine + 10} (new threads: ${added.join(', ')})`).toBeGreaterThanOrEqual(pool.workerCount());
  });

  it('copies a large plain input in slices: an abort during the copy rejects the call, and the loop keeps turning', async () => {
    const data = new Float64Array(6 << 20).fill(1); // 48 MB, not shared: copied in 4 MiB slices
    const ac = new AbortController();
    const call = ck.countInRange(data, 0, 2, { backend, signal: ac.signal }).then(() => 'resolved' as unknown, (e: unknown) => e);
    await new Promise((r) => setImmediate(r)); // after the first slice
    ac.abort();
    const err = await call;
    expect(err).toBeInstanceOf(DOMException);
    expect((err as DOMException).name).toBe('AbortError');
    // unaborted, the same call is right, and the loop kept turning while it copied
    let turns = 0;
    const loop = setInterval(() => turns++, 0);
    expect(await ck.countInRange(data, 0, 2, { backend })).toBe(data.length);
    clearInterval(loop);
    expect(turns, 'timer turns during a 48 MB copy and count').toBeGreaterThan(0);
  });

  it("a call failing on a worker thread carries its caller's stack", async () => {
    const x = square(700, 703);
    await ck.matmul(square(8, 1), square(8, 1), { backend }); // pool started
    async function multiplyForTheReport(): Promise<void> {
      await ck.matmul(x, x, { backend });
    }
    const call = multiplyForTheReport().then(() => 'resolved' as unknown, (e: unknown) => e);
    await new Promise((r) => setTimeout(r, 60));
    expect(pool.killOneWorker(), 'a worker was there to kill').toBe(true);
    const err = await call;
    expectWorkerDied(err, 'matmul');
    const stack = String((err as Error).stack);
    expect(stack).toContain('--- called from ---');
    expect(stack.slice(stack.indexOf('--- called from ---')), 'the caller is named').toContain('multiplyForTheReport');
  });

  it("calls made right after a worker death are not disturbed by the dead call's surviving workers", async () => {
    // The dead call's other worker finishes its current tile before it sees the call is
    // cancelled. The call's control slot (tile counter + cancelled flag) must not be handed
    // to a new call before then, or that worker claims the new call's tiles. Big tiles
    // (1500x1500: ~10 ms each) make the window wide.
    const x = square(1500, 705);
    const problems: string[] = [];
    for (let round = 0; round < 4; round++) {
      const call = ck.matmul(x, x, { backend }).then(
        () => 'resolved' as unknown,
        (e: unknown) => e,
      );
      await new Promise((r) => setTimeout(r, 150));
      expect(pool.killOneWorker()).toBe(true);
      expectWorkerDied(await call, 'matmul');
      // at once, as a caller retrying would
      const data = new Float64Array(1 << 18).fill(1);
      const next = await ck.countInRange(data, 0, 2, { backend }).then(
        (c) => (c === 1 << 18 ? 'ok' : `count ${c}`),
        (e: unknown) => `${(e as { code?: string }).code}: ${(e as Error).message}`,
      );
      if (next !== 'ok') problems.push(`round ${round}: ${next}`);
    }
    expect(problems).toEqual([]);
    expect(await everyKernelWorks(706)).toEqual([]);
  });

  it('a death with many calls queued rejects only the calls that had work on the dead worker; every other call resolves correctly', async () => {
    const inputs = Array.from({ length: 10 }, (_, i) => square(260, 710 + i));
    const calls = inputs.map((x) =>
      ck.matmul(x, x, { backend }).then(
        (r) => ({ ok: true as const, problems: productCheck(x, r.data as Float64Array) }),
        (e: unknown) => ({ ok: false as const, e }),
      ),
    );
    await new Promise((r) => setTimeout(r, 40));
    expect(pool.killOneWorker()).toBe(true);
    const results = await Promise.all(calls);
    const died = results.filter((r) => !r.ok);
    const fine = results.filter((r) => r.ok);
    for (const d of died) expectWorkerDied((d as { e: unknown }).e, 'matmul');
    for (const f of fine) expect((f as { problems: string[] }).problems).toEqual([]);
    expect(died.length, 'calls rejected by the one death').toBeGreaterThanOrEqual(1);
    expect(died.length, 'one death rejects at most the calls it had tasks of (one per worker)').toBeLessThanOrEqual(2);
    expect(fine.length).toBeGreaterThanOrEqual(8);
    expect(await everyKernelWorks(720)).toEqual([]);
  });

  it('an idle worker that dies is replaced on the next call, which succeeds', async () => {
    await ck.countInRange(new Float64Array(1 << 18), 0, 1, { backend });
    const before = pool.workerCount();
    expect(pool.killOneWorker()).toBe(true);
    await new Promise((r) => setTimeout(r, 50)); // its exit is noticed
    expect(pool.workerCount()).toBe(before - 1);
    expect(await everyKernelWorks(730)).toEqual([]);
    expect(pool.workerCount()).toBe(ck.threads());
  });

  it('close() ends every worker thread (their OS threads are gone); a later call starts new ones', async () => {
    const base = ck.threads();
    try {
      ck.configure({ threads: Math.max(3, base) });
      await ck.matmul(square(200, 740), square(200, 741), { backend });
      expect(pool.workerCount()).toBe(ck.threads());
      await readFile(__filename); // libuv's pool threads exist before counting (they start on first use)
      const threadsBefore = osThreads();
      await ck.close();
      expect(pool.workerCount()).toBe(0);
      const threadsAfter = osThreads();
      if (threadsBefore !== undefined && threadsAfter !== undefined) {
        // Each worker_thread is at least one OS thread.
        expect(threadsBefore - threadsAfter, `OS threads ${threadsBefore} -> ${threadsAfter}`).toBeGreaterThanOrEqual(ck.threads());
      }
      expect(await everyKernelWorks(742)).toEqual([]);
      expect(pool.workerCount()).toBeGreaterThan(0);
    } finally {
      await ck.close();
      ck.configure({ threads: base });
    }
    expect(pool.workerCount()).toBe(0);
  });

  it('close() while a call runs settles that call (never leaves it pending), and the pool works afterwards', async () => {
    const x = square(600, 750);
    const call = ck.matmul(x, x, { backend }).then(
      (r) => ({ ok: true as const, problems: productCheck(x, r.data as Float64Array) }),
      (e: unknown) => ({ ok: false as const, e }),
    );
    await new Promise((r) => setTimeout(r, 40));
    await ck.close();
    const outcome = await Promise.race([call, new Promise((r) => setTimeout(() => r('pending'), 3000))]);
    expect(outcome, 'the call was still pending 3 s after close()').not.toBe('pending');
    const o = outcome as Awaited<typeof call>;
    if (o.ok) expect(o.problems).toEqual([]);
    else expect((o.e as { code?: string }).code, String(o.e)).toBe(ck.codes.WORKER_DIED);
    expect(await everyKernelWorks(751)).toEqual([]);
  });
});

describe('an idle pool never keeps the process alive', () => {
  it('a process whose pool is idle (after calls, a worker death and a replacement, with 4 workers) exits promptly without close()', async () => {
    const r = await runScript(
      `const fs = require('node:fs');
       const ck = require(P);
       const pool = require(W);
       ck.configure({ threads: 4 });
       let doneAt = 0;
       process.on('exit', () => fs.writeSync(1, JSON.stringify({ doneAt, exitAt: performance.now(), workers: pool.workerCount() }) + '\\n'));
       (async () => {
         const m = ck.matrix(Float64Array, 500, 500); m.data.fill(1);
         const first = ck.matmul(m, m, { backend: 'workers' }).catch((e) => e.code);
         await new Promise((r) => setTimeout(r, 30));
         pool.killOneWorker();
         const code = await first;
         await new Promise((r) => setTimeout(r, 300)); // (the dead call's other worker winds down)
         const r = await ck.matmul(m, m, { backend: 'workers' });
         const c = await ck.countInRange(new Float64Array(1 << 20).fill(1), 0, 2, { backend: 'workers' });
         fs.writeSync(1, JSON.stringify({ code, ok: r.data[0] === 500 && c === 1 << 20 }) + '\\n');
         doneAt = performance.now();
       })();`,
      { timeoutMs: 20000 },
    );
    expectExit(r);
    const lines = r.lines.map((l) => JSON.parse(l.text));
    expect(lines[0]).toEqual({ code: 'ERR_CK_WORKER_DIED', ok: true });
    const j = lastJson(r);
    expect(j.workers, 'workers alive (idle) at exit').toBe(4);
    console.log(`[figure] idle pool of ${j.workers}: 'exit' ${(j.exitAt - j.doneAt).toFixed(1)} ms after the last call, process wall ${r.wallMs.toFixed(0)} ms`);
    expect(j.exitAt - j.doneAt, "ms from the last call to the 'exit' event").toBeLessThan(300);
    expect(r.wallMs).toBeLessThan(5000);
  });
});
