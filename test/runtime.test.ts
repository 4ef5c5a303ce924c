// Runtime: configure, threads, info, close, environment variables, event-loop friendliness,
// process exit without close(), the addon in worker_threads, the workers backend's pool.
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ck from '../dist/index.js';
import { backends, nativeLoaded, type Backend } from './helpers/backends.js';
import { TOL_F64, gemmVectorCheck, randomFill } from './helpers/reference.js';

const root = path.resolve(__dirname, '..');
const entry = path.join(root, 'dist', 'index.js');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };

interface ChildResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  killed: boolean;
}

/** Run `node -e code` with the package's entry point bound to P, and env changes (undefined deletes). */
function runNode(
  code: string,
  env: Record<string, string | undefined> = {},
  timeoutMs = 30000,
  nodeFlags: string[] = [],
): Promise<ChildResult> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete childEnv[k];
    else childEnv[k] = v;
  }
  const script = `const P = ${JSON.stringify(entry)};\n${code}`;
  return new Promise((resolve) => {
    execFile(process.execPath, [...nodeFlags, '-e', script], { env: childEnv, timeout: timeoutMs, cwd: root }, (err, stdout, stderr) => {
      const e = err as (Error & { code?: number | string; signal?: string; killed?: boolean }) | null;
      resolve({
        code: e ? (typeof e.code === 'number' ? e.code : null) : 0,
        signal: e?.signal ?? null,
        stdout: String(stdout),
        stderr: String(stderr),
        killed: Boolean(e?.killed),
      });
    });
  });
}

function lastJson(r: ChildResult): any {
  expect(r.killed, `child timed out; stderr: ${r.stderr}`).toBe(false);
  expect(r.code, `child failed; stderr: ${r.stderr}`).toBe(0);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

const defaultThreads = process.env.COREKERNELS_THREADS ? Number(process.env.COREKERNELS_THREADS) : os.availableParallelism();

describe('threads / configure / info', () => {
  it('threads() defaults to COREKERNELS_THREADS, else the CPU quota (test/cpu-quota.test.ts), else os.availableParallelism()', () => {
    const source = ck.info().threadsSource;
    if (process.env.COREKERNELS_THREADS) expect(source).toBe('env');
    else expect(['cgroup', 'cpus']).toContain(source);
    if (source === 'cgroup') expect(ck.threads()).toBeLessThanOrEqual(defaultThreads);
    else expect(ck.threads()).toBe(defaultThreads);
    expect(ck.info().threads).toBe(ck.threads());
  });

  it('info() has the documented shape', () => {
    const info = ck.info();
    expect(info.version).toBe(pkg.version);
    expect(['native', 'wasm', 'workers', 'js']).toContain(info.backend);
    expect(info.engine).toBe(info.native.loaded ? 'native' : info.wasm.loaded ? 'wasm' : 'js');
    expect(typeof info.wasm.loaded).toBe('boolean');
    if (info.wasm.loaded) expect(['relaxed', 'simd128']).toContain(info.wasm.simd);
    else expect(info.wasm.error!.length).toBeGreaterThan(0);
    expect(typeof info.native.loaded).toBe('boolean');
    expect(Number.isInteger(info.threads) && info.threads >= 1).toBe(true);
    expect(['env', 'configure', 'cgroup', 'cpus']).toContain(info.threadsSource);
    expect(info.workers).toEqual({ available: true }); // no permission model here (test/permission.test.ts)
    if (info.native.loaded) {
      expect(typeof info.native.isa).toBe('string');
      expect(info.native.isa!.length).toBeGreaterThan(0);
      expect(info.native.cpu!.length).toBeGreaterThan(0);
      expect(['node-gyp', 'cmake-js', 'prebuilt']).toContain(info.native.build);
      if (info.native.openmp !== undefined) expect(typeof info.native.openmp).toBe('boolean');
    } else {
      expect(typeof info.native.error).toBe('string');
      expect(info.native.error!.length).toBeGreaterThan(0);
    }
  });

  it("info().backend is what 'auto' uses: native when loaded, else wasm, else workers (unless COREKERNELS_BACKEND says otherwise)", () => {
    const env = process.env.COREKERNELS_BACKEND;
    const want = env && env !== 'auto' ? env : nativeLoaded() ? 'native' : ck.info().wasm.loaded ? 'wasm' : 'workers';
    expect(ck.info().backend).toBe(want);
  });

  it('configure({threads}) changes threads() and info().threads, and bounds opts.threads', async () => {
    const start = ck.threads();
    try {
      ck.configure({ threads: 3 });
      expect(ck.threads()).toBe(3);
      expect(ck.info().threads).toBe(3);
      for (const backend of backends()) {
        expect(await ck.countInRange(new Float64Array([1, 2]), 0, 5, { backend, threads: 3 })).toBe(2);
        await expect(ck.countInRange(new Float64Array([1, 2]), 0, 5, { backend, threads: 4 })).rejects.toThrow(RangeError);
      }
      ck.configure({ threads: 1 });
      expect(ck.threads()).toBe(1);
      for (const backend of backends()) {
        const r = await ck.matmul(ck.fromRows([[1, 2]]), ck.fromRows([[3], [4]]), { backend });
        expect(ck.toRows(r)).toEqual([[11]]);
        expect(() => ck.countInRangeSync(new Float64Array([1]), 0, 5, { backend, threads: 2 })).toThrow(RangeError);
      }
      ck.configure({ threads: 1024 });
      expect(ck.threads()).toBe(1024);
      ck.configure({});
      expect(ck.threads()).toBe(1024);
      expect(ck.info().threadsSource).toBe('configure');
    } finally {
      ck.configure({ threads: start });
    }
    expect(ck.threads()).toBe(start);
  });

  it('configure({backend}) changes what auto uses; every backend still computes correctly', async () => {
    const original = ck.info().backend;
    try {
      for (const backend of backends()) {
        ck.configure({ backend });
        expect(ck.info().backend).toBe(backend);
        const r = await ck.matmul(ck.fromRows([[1, 2], [3, 4]]), ck.fromRows([[5, 6], [7, 8]]));
        expect(ck.toRows(r)).toEqual([[19, 22], [43, 50]]);
        expect(await ck.countInRange(new Int8Array([1, 2, 3]), 1.5, 9)).toBe(2);
      }
      ck.configure({ backend: 'auto' });
      expect(ck.info().backend).toBe(original);
    } finally {
      ck.configure({ backend: 'auto' });
    }
  });
});

describe('close', () => {
  it('resolves, can be called twice, and every backend works afterwards', async () => {
    for (const backend of backends()) await ck.matmul(ck.fromRows([[1]]), ck.fromRows([[2]]), { backend });
    await expect(ck.close()).resolves.toBeUndefined();
    await expect(ck.close()).resolves.toBeUndefined();
    for (const backend of backends()) {
      expect(ck.toRows(await ck.matmul(ck.fromRows([[1, 2]]), ck.fromRows([[3], [4]]), { backend }))).toEqual([[11]]);
      expect(await ck.countInRange(new Uint16Array([1, 2, 3]), 2, 3, { backend })).toBe(2);
      expect(Array.from(await ck.histogram(new Float32Array([0.5, 1.5]), [0, 1, 2], { backend }))).toEqual([1, 1]);
    }
    await ck.close();
  });
});

describe.each(backends())('event-loop friendliness on the %s backend', (backend: Backend) => {
  it('keeps the event loop running during a long async matmul', async () => {
    const n = backend === 'native' ? 1000 : 500;
    const a = { data: randomFill(new Float64Array(n * n), 21), rows: n, cols: n };
    let timerFired = false;
    setTimeout(() => {
      timerFired = true;
    }, 1);
    let last = performance.now();
    let maxGap = 0;
    const iv = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
    }, 2);
    const r = await ck.matmul(a, a, { backend });
    clearInterval(iv);
    maxGap = Math.max(maxGap, performance.now() - last);
    expect(timerFired, 'a 1 ms timer fired before the call resolved').toBe(true);
    expect(maxGap, 'longest stall of the event loop (ms)').toBeLessThan(250);
    expect(
      gemmVectorCheck(
        { layout: 'row-major', transA: false, transB: false, m: n, n, k: n, alpha: 1, beta: 0, a: a.data, lda: n, b: a.data, ldb: n, c: new Float64Array(n * n), ldc: n },
        r.data,
        TOL_F64,
      ),
    ).toEqual([]);
  });
});

// Only the native backend runs kernels through libuv (Napi::AsyncWorker): its queued kernels
// must not hold the libuv threads that fs, dns and crypto share. (The workers backend computes
// on worker_threads and the js backend on the main thread, in slices; neither touches libuv's pool.)
describe.each(backends().filter((b) => b === 'native'))('libuv threadpool on the %s backend', (backend: Backend) => {
  it('does not starve the libuv threadpool: fs completes while 8 kernels are queued', async () => {
    // Each kernel must outlast a readFile (four threadpool round trips) by a wide margin, or
    // a fast one finishing first says nothing about starvation: 800³ takes ~7 ms on AVX-512.
    const n = 1600;
    const a = { data: randomFill(new Float64Array(n * n), 22), rows: n, cols: n };
    const order: string[] = [];
    const calls = Array.from({ length: 8 }, (_, i) => ck.matmul(a, a, { backend }).then(() => order.push(`matmul${i}`)));
    const fsDone = readFile(path.join(root, 'package.json')).then(() => order.push('fs'));
    await Promise.all([...calls, fsDone]);
    expect(order.indexOf('fs'), order.join(',')).toBe(0);
  });
});

describe('environment and processes', () => {
  it('COREKERNELS_THREADS=3 sets threads()', async () => {
    const r = await runNode(`const ck = require(P); console.log(JSON.stringify({ t: ck.threads(), i: ck.info().threads }));`, {
      COREKERNELS_THREADS: '3',
    });
    expect(lastJson(r)).toEqual({ t: 3, i: 3 });
  });

  it('without COREKERNELS_THREADS or a CPU quota, threads() is os.availableParallelism()', async () => {
    const r = await runNode(
      `const ck = require(P); console.log(JSON.stringify({ t: ck.threads(), want: require('node:os').availableParallelism() }));`,
      { COREKERNELS_THREADS: undefined, COREKERNELS_TEST_CGROUP_ROOT: path.join(root, 'no-such-folder') },
    );
    const j = lastJson(r);
    expect(j.t).toBe(j.want);
  });

  it("COREKERNELS_CPU picks the native tuning table's row by name (info().native.cpu); an unknown name leaves the detected row; every row counts exactly", async () => {
    // Per-row counts of 16-wide float64 and 5-wide int32 rows (both per-row paths), a total
    // and a histogram, large enough for two threads, native against the js backend.
    const code = `const ck = require(P);
      const f = new Float64Array(16 * 40000).map((_, i) => ((i * 7919) % 1000) / 1000);
      const n = new Int32Array(5 * 200000).map((_, i) => (i * 2654435761) % 10);
      const same = (a, b) => JSON.stringify(Array.from(a)) === JSON.stringify(Array.from(b));
      const all = (backend) => [
        ck.countInRangeByRowSync({ data: f, rows: 40000, cols: 16 }, 0.25, 0.75, { backend }),
        ck.countInRangeByRowSync({ data: n, rows: 200000, cols: 5 }, 4, 8, { backend }),
        [ck.countInRangeSync(f, 0.25, 0.75, { backend })],
        ck.histogramSync(f, 64, { range: [0, 1], backend }),
      ];
      const native = ck.info().native.loaded ? all('native') : [], js = all('js');
      console.log(JSON.stringify({ cpu: ck.info().native.cpu ?? null, exact: native.every((r, i) => same(r, js[i])) }));`;
    const own = ck.info().native.cpu ?? null;
    if (nativeLoaded()) expect(typeof own).toBe('string');
    else expect(own).toBe(null);
    for (const row of ['amd-zen4', 'intel-spr', 'generic']) {
      expect(lastJson(await runNode(code, { COREKERNELS_CPU: row }))).toEqual({ cpu: nativeLoaded() ? row : null, exact: true });
    }
    // The detected row, whatever this process's own COREKERNELS_CPU (CI runs a suite with one).
    const detected = lastJson(await runNode(code, { COREKERNELS_CPU: undefined }));
    expect(detected).toEqual({ cpu: process.env.COREKERNELS_CPU ? expect.any(String) : own, exact: true });
    expect(lastJson(await runNode(code, { COREKERNELS_CPU: 'no-such-cpu' }))).toEqual({ cpu: detected.cpu, exact: true });
  });

  it('an environment value that cannot be used is ignored with a CK_BAD_ENV warning naming it; a usable one warns nothing', async () => {
    const code = `const seen = [];
      process.on('warning', (w) => seen.push({ code: w.code, message: w.message }));
      const ck = require(P);
      const info = ck.info();
      setImmediate(() => console.log(JSON.stringify({ seen, threads: info.threads, backend: info.backend, isa: info.native.isa ?? null, cpu: info.native.cpu ?? null })));`;
    const clean = { COREKERNELS_THREADS: undefined, COREKERNELS_BACKEND: undefined, COREKERNELS_ISA: undefined, COREKERNELS_CPU: undefined };
    const detected = lastJson(await runNode(code, clean));
    expect(detected.seen).toEqual([]);
    const bad = lastJson(await runNode(code, { ...clean, COREKERNELS_THREADS: 'many', COREKERNELS_BACKEND: 'gpu', COREKERNELS_ISA: 'avx1024', COREKERNELS_CPU: 'no-such-cpu' }));
    const warned = (name: string, value: string) => ({ code: 'CK_BAD_ENV', message: expect.stringContaining(`ignoring ${name}=${JSON.stringify(value)}`) });
    expect(bad.seen).toEqual(expect.arrayContaining([warned('COREKERNELS_THREADS', 'many'), warned('COREKERNELS_BACKEND', 'gpu')]));
    // What the ignored values leave: the detected thread count, backend, instruction set and row.
    expect({ threads: bad.threads, backend: bad.backend, isa: bad.isa, cpu: bad.cpu }).toEqual({ threads: detected.threads, backend: detected.backend, isa: detected.isa, cpu: detected.cpu });
    if (nativeLoaded()) {
      expect(bad.seen).toEqual(expect.arrayContaining([warned('COREKERNELS_ISA', 'avx1024'), warned('COREKERNELS_CPU', 'no-such-cpu')]));
      expect(bad.seen).toHaveLength(4);
      expect(bad.seen.find((w: { message: string }) => w.message.includes('COREKERNELS_ISA')).message).toContain(`running ${detected.isa}`);
      // Values the addon takes: no warning, and info() shows them.
      const good = lastJson(await runNode(code, { ...clean, COREKERNELS_ISA: 'generic', COREKERNELS_CPU: 'generic' }));
      expect(good).toMatchObject({ seen: [], isa: 'generic', cpu: 'generic' });
    } else {
      expect(bad.seen).toHaveLength(2);
    }
  });

  it('COREKERNELS_BACKEND selects what auto uses', async () => {
    const code = `const ck = require(P);
      (async () => {
        const r = await ck.matmul(ck.fromRows([[1, 2]]), ck.fromRows([[3], [4]]));
        console.log(JSON.stringify({ b: ck.info().backend, r: ck.toRows(r) }));
      })();`;
    expect(lastJson(await runNode(code, { COREKERNELS_BACKEND: 'js' }))).toEqual({ b: 'js', r: [[11]] });
    expect(lastJson(await runNode(code, { COREKERNELS_BACKEND: 'workers' }))).toEqual({ b: 'workers', r: [[11]] });
    const auto = lastJson(await runNode(code, { COREKERNELS_BACKEND: undefined }));
    expect(auto).toEqual({ b: nativeLoaded() ? 'native' : ck.info().wasm.loaded ? 'wasm' : 'workers', r: [[11]] });
    if (ck.info().wasm.loaded) expect(lastJson(await runNode(code, { COREKERNELS_BACKEND: 'wasm' }))).toEqual({ b: 'wasm', r: [[11]] });
  });

  it('a process that used every backend exits by itself, without close()', async () => {
    const code = `const ck = require(P);
      (async () => {
        const out = {};
        for (const backend of ${JSON.stringify(backends())}) {
          const r = await ck.matmul(ck.fromRows([[1, 2], [3, 4]]), ck.fromRows([[1], [1]]), { backend });
          const c = await ck.countInRange(new Int32Array([1, 2, 3]), 2, 3, { backend });
          const h = await ck.histogram(new Float64Array([1, 2]), [0, 1.5, 3], { backend });
          const big = ck.matrix(Float64Array, 300, 300);
          await ck.matmul(big, big, { backend });
          out[backend] = [ck.toRows(r), c, Array.from(h)];
        }
        console.log(JSON.stringify(out));
      })();`;
    const started = Date.now();
    const r = await runNode(code, {}, 20000);
    const j = lastJson(r);
    for (const backend of backends()) expect(j[backend]).toEqual([[[3], [7]], 2, [1, 1]]);
    expect(Date.now() - started).toBeLessThan(20000);
  });

  it('idle pool threads sleep: no CPU is burnt between calls', async () => {
    const code = `const ck = require(P);
      (async () => {
        for (const backend of ${JSON.stringify(backends())}) {
          const m = ck.matrix(Float64Array, 200, 200);
          await ck.matmul(m, m, { backend });
          await ck.countInRange(new Float64Array(1 << 20), 0, 1, { backend });
        }
        await new Promise((r) => setTimeout(r, 200));
        const before = process.cpuUsage();
        const t0 = performance.now();
        await new Promise((r) => setTimeout(r, 600));
        const used = process.cpuUsage(before);
        console.log(JSON.stringify({ cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - t0 }));
      })();`;
    const j = lastJson(await runNode(code));
    // A single spinning thread would burn about as much CPU time as wall time.
    expect(j.cpuMs, `CPU time while idle for ${Math.round(j.wallMs)} ms`).toBeLessThan(0.25 * j.wallMs);
  });

  it('keeps inputs alive for the whole call: dropping them in JS and forcing GC is safe', async () => {
    const code = `const ck = require(P);
      const settle = async (p) => {
        let done = false;
        p.then(() => (done = true), () => (done = true));
        while (!done) {
          globalThis.gc();
          new Float64Array(1 << 18).fill(-7); // reuse whatever was freed
          await new Promise((r) => setImmediate(r));
        }
        return p;
      };
      (async () => {
        const out = {};
        for (const backend of ${JSON.stringify(backends())}) {
          const n = 500;
          const m = await settle(ck.matmul(
            { data: new Float64Array(n * n).fill(1), rows: n, cols: n },
            { data: new Float64Array(n * n).fill(2), rows: n, cols: n }, { backend }));
          const c = await settle(ck.countInRange(new Float32Array(1 << 20).fill(3), 2.5, 3.5, { backend }));
          const h = await settle(ck.histogram(new Int16Array(1 << 20).fill(4), [0, 4, 5], { backend }));
          out[backend] = [m.data.every((v) => v === 2 * n), c, Array.from(h)];
        }
        console.log(JSON.stringify(out));
      })();`;
    const j = lastJson(await runNode(code, {}, 60000, ['--expose-gc']));
    for (const backend of backends()) expect(j[backend], backend).toEqual([true, 1 << 20, [0, 1 << 20]]);
  });

  it('loads and runs in worker_threads (the addon is context-aware) alongside the main thread', async () => {
    const backend = nativeLoaded() ? 'native' : 'js';
    const code = `const ck = require(P);
      const { Worker } = require('node:worker_threads');
      const src = \`
        const ck = require(\${JSON.stringify(P)});
        const { parentPort } = require('node:worker_threads');
        (async () => {
          const r = await ck.matmul(ck.fromRows([[1, 2], [3, 4]]), ck.fromRows([[5, 6], [7, 8]]), { backend: '${backend}' });
          const s = ck.matmulSync(ck.fromRows([[2]]), ck.fromRows([[3]]), { backend: '${backend}' });
          parentPort.postMessage({ loaded: ck.info().native.loaded, r: ck.toRows(r), s: ck.toRows(s) });
        })();\`;
      (async () => {
        const main = await ck.matmul(ck.fromRows([[1]]), ck.fromRows([[4]]), { backend: '${backend}' });
        const results = await Promise.all([0, 1].map(() => new Promise((resolve, reject) => {
          const w = new Worker(src, { eval: true });
          w.once('message', resolve);
          w.once('error', reject);
        })));
        console.log(JSON.stringify({ main: ck.toRows(main), mainLoaded: ck.info().native.loaded, results }));
      })();`;
    const j = lastJson(await runNode(code));
    expect(j.main).toEqual([[4]]);
    expect(j.results).toHaveLength(2);
    for (const w of j.results) {
      expect(w.loaded).toBe(j.mainLoaded);
      expect(w.r).toEqual([[19, 22], [43, 50]]);
      expect(w.s).toEqual([[6]]);
    }
  });

  it("explicit backend 'workers' really uses the worker pool, even for tiny inputs", async () => {
    const code = `const wt = require('node:worker_threads');
      let constructed = 0, posted = 0;
      const Orig = wt.Worker;
      wt.Worker = class extends Orig {
        constructor(...a) { super(...a); constructed++; }
        postMessage(...a) { posted++; return super.postMessage(...a); }
      };
      const portPost = wt.MessagePort.prototype.postMessage;
      wt.MessagePort.prototype.postMessage = function (...a) { posted++; return portPost.apply(this, a); };
      const ck = require(P);
      (async () => {
        const sync = ck.countInRangeSync(new Int8Array([1, 2]), 0, 1, { backend: 'workers' });
        const syncMatmul = ck.toRows(ck.matmulSync(ck.fromRows([[3]]), ck.fromRows([[2]]), { backend: 'workers' }));
        const afterSync = { constructed, posted };
        const first = await ck.matmul(ck.fromRows([[1]]), ck.fromRows([[2]]), { backend: 'workers' });
        const mid = { constructed, posted };
        const c = await ck.countInRange(new Int8Array([1, 2]), 0, 1, { backend: 'workers' });
        const after = { constructed, posted };
        console.log(JSON.stringify({ sync, syncMatmul, afterSync, first: ck.toRows(first), c, mid, after }));
        await ck.close();
      })();`;
    const j = lastJson(await runNode(code));
    expect(j.sync).toBe(1);
    expect(j.syncMatmul).toEqual([[6]]);
    expect(j.afterSync.posted, 'Sync twins with backend workers run on the calling thread').toBe(0);
    expect(j.first).toEqual([[2]]);
    expect(j.c).toBe(1);
    expect(j.mid.constructed, 'worker threads started by a tiny workers call').toBeGreaterThan(0);
    expect(j.after.posted, 'messages sent to the pool by a tiny countInRange').toBeGreaterThan(j.mid.posted);
  });
});
