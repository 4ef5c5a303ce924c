// Async calls on the native backend: one too small to be worth a thread wake-up runs at once
// on the calling thread (its promise is still async); a larger one goes to the job runner.
// Observed through the addon's count of pending jobs, with the package and its loader
// required as one module instance.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { nativeLoaded } from './helpers/backends.js';
import { describeExit, lastJson, runScript } from './helpers/child.js';
import { randomSquare as square, squareProductCheck as wrong } from './helpers/reference.js';

const require = createRequire(import.meta.url);
const ck = require('../dist/index.js') as typeof import('../dist/index.js');
const loader = require('../dist/backends/native.js') as { native(): { addon?: { info(): { pending: number } } } };


describe.runIf(nativeLoaded())('async calls on the native backend', () => {
  it('run a tiny call inline and queue a large one, both correct and both still async', async () => {
    const pending = () => loader.native().addon!.info().pending;
    expect(pending()).toBe(0);
    const tinyIn = square(16, 1), bigIn = square(300, 2);
    let settled = false;
    const tiny = ck.matmul(tinyIn, tinyIn, { backend: 'native' }).then((r) => ((settled = true), r));
    expect(pending(), 'the tiny call did not go to the job runner').toBe(0);
    expect(settled, 'its promise settles later, as any promise').toBe(false);
    const big = ck.matmul(bigIn, bigIn, { backend: 'native' });
    expect(pending(), 'the large call did').toBe(1);
    const [t, b] = await Promise.all([tiny, big]);
    expect(wrong(tinyIn, t.data as Float64Array)).toEqual([]);
    expect(wrong(bigIn, b.data as Float64Array)).toEqual([]);
    expect(pending()).toBe(0);
  });

  it('still rejects a tiny call whose signal is already aborted', async () => {
    const x = square(4, 3);
    await expect(ck.matmul(x, x, { backend: 'native', signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe.runIf(nativeLoaded())('the native pool when idle', () => {
  it('spins only briefly after work: an idle process uses next to no CPU', async () => {
    const r = await runScript(`
      const ck = require(P);
      const a = ck.matrix(Float64Array, 400, 400);
      (async () => {
        for (let i = 0; i < 5; i++) { ck.matmulSync(a, a, { threads: 2 }); await ck.matmul(a, a, { threads: 2 }); }
        await new Promise((r) => setTimeout(r, 20)); // past any spin after the last region
        const before = process.cpuUsage();
        await new Promise((r) => setTimeout(r, 300));
        const used = process.cpuUsage(before);
        console.log(JSON.stringify({ cpuMs: (used.user + used.system) / 1000 }));
      })();`, { env: { COREKERNELS_THREADS: '2' } });
    expect(r.code, describeExit(r)).toBe(0);
    const { cpuMs } = lastJson(r) as { cpuMs: number };
    console.log(`[figure] CPU used by an idle process over 300 ms after multi-threaded calls: ${cpuMs.toFixed(1)} ms`);
    expect(cpuMs, 'CPU ms used while idle for 300 ms').toBeLessThan(30);
  });
});
