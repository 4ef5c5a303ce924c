// Node's permission model: a process started with --permission (--experimental-permission
// on Node 20) and without --allow-addons and/or --allow-worker still gets every function,
// on the engine that is left, with one notice, and info() says why an engine is off.
import { describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { backends } from './helpers/backends.js';
import { expectExit, lastJson, root, runScript, type ChildResult } from './helpers/child.js';
import { TOL_F64, gemmVectorCheck, refCount, refCountByRow, refHistogram } from './helpers/reference.js';

/** The flag that turns the model on: --permission from Node 22 on (Node 20 knows only the experimental one). */
const PERMISSION = process.allowedNodeEnvironmentFlags.has('--permission') ? '--permission' : '--experimental-permission';
const READ_ALL = '--allow-fs-read=*';

/** The inputs, built the same way in the child and here (so this function must stay self-contained). */
function inputs() {
  const fill = (x: Float64Array, seed: number) => {
    for (let i = 0; i < x.length; i++) x[i] = (((i + 1) * (seed * 7919 + 104729)) % 2001) / 1000 - 1;
    return x;
  };
  // Large enough that 'auto' hands each async call to the workers when it may.
  const n = 160;
  const a = { data: fill(new Float64Array(n * n), 1), rows: n, cols: n };
  const b = { data: fill(new Float64Array(n * n), 2), rows: n, cols: n };
  const c0 = fill(new Float64Array(n * n), 3);
  const sharedData = fill(new Float64Array(new SharedArrayBuffer(8 * 1_200_000)), 4);
  const rows = { data: sharedData, rows: 1200, cols: 1000 };
  const edges = [-1, -0.5, 0, 0.25, 0.5, 1];
  return { n, a, b, c0, sharedData, rows, edges };
}

/** Every public function, async and Sync, under 'auto'; the results and what ran. */
const SCRIPT = `const ck = require(P);
  const workers = require(W);
  const notices = [];
  process.on('warning', (w) => { if (w.code === 'CK_NATIVE_UNAVAILABLE') notices.push(w.message); });
  const inputs = ${inputs.toString()};
  (async () => {
    const { n, a, b, c0, sharedData, rows, edges } = inputs();
    const gemmArgs = () => ({ m: n, n, k: n, alpha: 0.5, beta: 2, a: a.data, b: b.data, c: c0.slice() });
    const out = {
      matmul: Array.from((await ck.matmul(a, b)).data),
      matmulSync: Array.from(ck.matmulSync(a, b).data),
      gemm: Array.from(await ck.gemm(gemmArgs())),
      gemmSync: Array.from(ck.gemmSync(gemmArgs())),
      countInRange: await ck.countInRange(sharedData, -0.25, 0.5),
      countInRangeSync: ck.countInRangeSync(sharedData, -0.25, 0.5),
      countInRangeByRow: Array.from(await ck.countInRangeByRow(rows, -0.25, 0.5)),
      countInRangeByRowSync: Array.from(ck.countInRangeByRowSync(rows, -0.25, 0.5)),
      histogram: Array.from(await ck.histogram(sharedData, edges)),
      histogramSync: Array.from(ck.histogramSync(sharedData, edges)),
    };
    const refusal = async (backend) => {
      try {
        await ck.countInRange(sharedData, 0, 1, { backend });
        return null;
      } catch (err) {
        return { name: err.constructor.name, code: err.code, message: err.message };
      }
    };
    await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
    console.log(JSON.stringify({
      out, info: ck.info(), notices, workerThreads: workers.workerCount(),
      workersRefusal: await refusal('workers'), nativeRefusal: await refusal('native'),
      syncOnWorkers: ck.countInRangeSync(sharedData, -0.25, 0.5, { backend: 'workers' }),
    }));
  })();`;

// The suite may run with the addon switched off (CI's no-addon run): here the permission
// model must be what keeps it out, so the child does not inherit that switch.
const NATIVE_OFF = process.env.COREKERNELS_NATIVE === 'off';

function runWith(flags: string[], env: Record<string, string> = {}): Promise<ChildResult> {
  return runScript(SCRIPT, { nodeFlags: [PERMISSION, ...flags], timeoutMs: 120000, env: { ...(NATIVE_OFF ? { COREKERNELS_NATIVE: undefined } : {}), ...env } });
}

/** Every result equals the reference. */
function expectRightResults(out: Record<string, number[] | number>): void {
  const { n, a, b, c0, sharedData, rows, edges } = inputs();
  const gemm = (alpha: number, beta: number, c: Float64Array) => ({
    layout: 'row-major' as const, transA: false, transB: false, m: n, n, k: n, alpha, beta, a: a.data, lda: n, b: b.data, ldb: n, c, ldc: n,
  });
  for (const fn of ['matmul', 'matmulSync']) expect(gemmVectorCheck(gemm(1, 0, new Float64Array(n * n)), out[fn] as number[], TOL_F64), fn).toEqual([]);
  for (const fn of ['gemm', 'gemmSync']) expect(gemmVectorCheck(gemm(0.5, 2, c0), out[fn] as number[], TOL_F64), fn).toEqual([]);
  const count = refCount(sharedData, -0.25, 0.5);
  expect(count).toBeGreaterThan(0);
  expect(out.countInRange).toBe(count);
  expect(out.countInRangeSync).toBe(count);
  const byRow = refCountByRow(rows.data, rows.rows, rows.cols, -0.25, 0.5);
  expect(out.countInRangeByRow).toEqual(Array.from(byRow));
  expect(out.countInRangeByRowSync).toEqual(Array.from(byRow));
  const hist = refHistogram(sharedData, edges);
  expect(out.histogram).toEqual(hist);
  expect(out.histogramSync).toEqual(hist);
}

const noticeLines = (r: ChildResult) => r.stderr.split('\n').filter((line) => line.includes('[CK_NATIVE_UNAVAILABLE]'));
const ADDONS_FORBIDDEN = "Node's permission model forbids native addons (start node with --allow-addons to allow them)";
const WORKERS_FORBIDDEN = "Node's permission model forbids worker threads (start node with --allow-worker to allow them)";

describe(`${PERMISSION} (${process.version})`, () => {
  // With the WebAssembly engine (what 'auto' runs without the addon) and without it (COREKERNELS_WASM=off).
  describe.each([true, false])('WebAssembly engine on: %s', (wasmOn) => {
    const env: Record<string, string> = wasmOn ? {} : { COREKERNELS_WASM: 'off' };
    const engine = wasmOn ? 'WebAssembly' : 'JavaScript';

    it(`without --allow-addons: every function runs on ${wasmOn ? 'the WebAssembly engine' : 'the workers'}, with one notice saying why`, async () => {
      const r = await runWith([READ_ALL, '--allow-worker'], env);
      expectExit(r);
      const j = lastJson(r);
      expectRightResults(j.out);
      expect(j.info.native).toEqual({ loaded: false, error: ADDONS_FORBIDDEN });
      expect(j.info.workers).toEqual({ available: true });
      expect(j.info.backend).toBe(wasmOn ? 'wasm' : j.info.threads > 1 ? 'workers' : 'js');
      expect(j.info.wasm.loaded).toBe(wasmOn);
      if (j.info.threads > 1) expect(j.workerThreads).toBeGreaterThan(0);
      expect(j.notices).toEqual([`corekernels: kernels run in ${engine}, not in the native addon: ${ADDONS_FORBIDDEN}`]);
      expect(noticeLines(r)).toHaveLength(1);
      expect(j.workersRefusal).toBeNull();
      expect(j.nativeRefusal).toEqual({
        name: 'Error', code: 'ERR_CK_BACKEND_UNAVAILABLE', message: `countInRange: backend 'native' is not available: ${ADDONS_FORBIDDEN}`,
      });
    });

    it(`without --allow-addons and --allow-worker: every function runs on the calling thread${wasmOn ? ' in WebAssembly' : ''}, with one notice`, async () => {
      const r = await runWith([READ_ALL], env);
      expectExit(r);
      const j = lastJson(r);
      expectRightResults(j.out);
      expect(j.info).toMatchObject({
        backend: wasmOn ? 'wasm' : 'js', native: { loaded: false, error: ADDONS_FORBIDDEN }, workers: { available: false, error: WORKERS_FORBIDDEN },
      });
      expect(j.workerThreads).toBe(0);
      expect(j.notices).toEqual([
        `corekernels: kernels run in ${engine}, not in the native addon: ${ADDONS_FORBIDDEN}; ${WORKERS_FORBIDDEN}, so they run on the calling thread`,
      ]);
      expect(noticeLines(r)).toHaveLength(1);
      expect(j.workersRefusal).toEqual({
        name: 'Error', code: 'ERR_CK_BACKEND_UNAVAILABLE', message: `countInRange: backend 'workers' is not available: ${WORKERS_FORBIDDEN}`,
      });
      expect(j.syncOnWorkers).toBe(refCount(inputs().sharedData, -0.25, 0.5)); // a Sync twin's 'workers' is the js kernel
    });
  });

  describe.each(backends().filter((b) => b === 'native'))('with --allow-addons', (backend) => {
    it(`without --allow-worker: the ${backend} addon runs everything, no notice, and info() says the workers are off`, async () => {
      const r = await runWith([READ_ALL, '--allow-addons']);
      expectExit(r);
      const j = lastJson(r);
      expectRightResults(j.out);
      expect(j.info).toMatchObject({ backend, native: { loaded: true }, workers: { available: false, error: WORKERS_FORBIDDEN } });
      expect(j.workerThreads).toBe(0);
      expect(j.notices).toEqual([]);
      expect(noticeLines(r)).toEqual([]);
      expect(j.workersRefusal).toMatchObject({ code: 'ERR_CK_BACKEND_UNAVAILABLE' });
      expect(j.nativeRefusal).toBeNull();
    });
  });

  it("reading only the package's dist/: works, the version is 'unknown', and the addon's error says reading was refused", async () => {
    const r = await runWith([`--allow-fs-read=${path.join(root, 'dist')}${path.sep}`, '--allow-worker', '--allow-addons']);
    expectExit(r);
    const j = lastJson(r);
    expectRightResults(j.out);
    expect(j.info.version).toBe('unknown');
    expect(j.info.native.loaded).toBe(false);
    // The first binary the loader tries: the one COREKERNELS_NATIVE names (CI's cmake-js run), else the local build.
    const tried = (!NATIVE_OFF && process.env.COREKERNELS_NATIVE) || path.join(root, 'build', 'Release', 'corekernels.node');
    expect(j.info.native.error).toContain(`${tried}: Node's permission model forbids reading it`);
    expect(j.info.native.error).toContain("Let node read the package's folder (--allow-fs-read)");
    expect(noticeLines(r)).toHaveLength(1);
  });

  it('with no --allow-fs-read at all, Node itself refuses to read the package (ERR_ACCESS_DENIED)', async () => {
    const r = await runWith([]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("code: 'ERR_ACCESS_DENIED'");
    expect(r.stderr).toContain(path.join(root, 'dist', 'index.js'));
  });

  it('a worker that cannot start (a refusal has() did not foresee) rejects the call with ERR_CK_BACKEND_UNAVAILABLE, and the js backend still works', async () => {
    const r = await runScript(`const wt = require('node:worker_threads');
      wt.Worker = class { constructor() { throw Object.assign(new Error('Access to this API has been restricted'), { code: 'ERR_ACCESS_DENIED' }); } };
      const ck = require(P);
      (async () => {
        const data = new Float64Array([1, 2, 3]);
        const tries = [];
        for (let i = 0; i < 2; i++) {
          try { await ck.countInRange(data, 1, 2, { backend: 'workers' }); tries.push('resolved'); }
          catch (err) { tries.push({ name: err.constructor.name, code: err.code, message: err.message, cause: err.cause?.code }); }
        }
        console.log(JSON.stringify({ tries, js: await ck.countInRange(data, 1, 2, { backend: 'js' }) }));
      })();`);
    expectExit(r);
    const refused = {
      name: 'Error', code: 'ERR_CK_BACKEND_UNAVAILABLE', cause: 'ERR_ACCESS_DENIED',
      message: 'countInRange: no worker thread could start: Access to this API has been restricted',
    };
    expect(lastJson(r)).toEqual({ tries: [refused, refused], js: 2 });
  });
});
