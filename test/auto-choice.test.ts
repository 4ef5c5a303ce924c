// 'auto' without the addon or the WebAssembly engine (the JS kernels as the last resort):
// small work runs inline, work worth a hand-off goes to the workers, and a count over data
// not on shared memory stays inline however large (copying it to shared memory costs as much
// as counting it). Observed through the workers backend's test hook workerCount(), in a
// child process with COREKERNELS_NATIVE=off and COREKERNELS_WASM=off.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dist = join(__dirname, '..', 'dist');

function workersAfter(call: string): number {
  const script = `
    const ck = require(${JSON.stringify(join(dist, 'index.js'))});
    const pool = require(${JSON.stringify(join(dist, 'backends', 'workers.js'))});
    (async () => {
      ${call}
      console.log(JSON.stringify({ workers: pool.workerCount() }));
      await ck.close();
    })().catch((e) => { console.error(e); process.exit(1); });`;
  const r = spawnSync(process.execPath, ['--disable-warning=CK_NATIVE_UNAVAILABLE', '-e', script], {
    env: { ...process.env, COREKERNELS_NATIVE: 'off', COREKERNELS_WASM: 'off', COREKERNELS_THREADS: '2' }, encoding: 'utf8',
  });
  expect(r.status, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { workers: number }).workers;
}

describe("'auto' without the addon or the WebAssembly engine", () => {
  it('runs a small count inline', () => {
    expect(workersAfter(`await ck.countInRange(ck.shared(Float64Array, 10000).fill(1), 0, 2);`)).toBe(0);
  });

  it('hands a large count on shared memory to the workers', () => {
    expect(workersAfter(`const r = await ck.countInRange(ck.shared(Float64Array, 1 << 20).fill(1), 0, 2);
      if (r !== 1 << 20) throw new Error('wrong count ' + r);`)).toBeGreaterThan(0);
  });

  it('keeps a large count on a plain array inline: the copy would cost what the threads save', () => {
    expect(workersAfter(`await ck.countInRange(new Float64Array(1 << 22).fill(1), 0, 2);`)).toBe(0);
  });

  it('hands a large matmul to the workers even on plain arrays, and runs a small one inline', () => {
    expect(workersAfter(`const a = ck.matrix(Float64Array, 16, 16); await ck.matmul(a, a);`)).toBe(0);
    expect(workersAfter(`const a = ck.matrix(Float64Array, 200, 200); await ck.matmul(a, a);`)).toBeGreaterThan(0);
  });

  it('never uses the workers for a Sync call', () => {
    expect(workersAfter(`const a = ck.matrix(Float64Array, 200, 200); ck.matmulSync(a, a);`)).toBe(0);
  });
});
