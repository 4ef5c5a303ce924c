// Cancellation with AbortSignal: rejects with a DOMException named AbortError, on every backend.
import { describe, expect, it } from 'vitest';
import * as ck from '../dist/index.js';
import { backends, type Backend } from './helpers/backends.js';
import { TOL_F32, TOL_F64, gemmVectorCheck, randomFill } from './helpers/reference.js';

async function abortErrorOf(call: () => unknown): Promise<unknown> {
  let ret: unknown;
  try {
    ret = call();
  } catch (e) {
    throw new Error(`threw synchronously instead of rejecting: ${String(e)}`);
  }
  expect(ret).toBeInstanceOf(Promise);
  return (ret as Promise<unknown>).then(
    () => {
      throw new Error('resolved instead of rejecting with an AbortError');
    },
    (e: unknown) => e,
  );
}

function expectAbortError(err: unknown) {
  expect(err).toBeInstanceOf(DOMException);
  expect((err as DOMException).name).toBe('AbortError');
}

function aborted(): AbortSignal {
  const ac = new AbortController();
  ac.abort();
  return ac.signal;
}

/** Sizes that take clearly longer than the abort delay on each backend. */
const largeN = (backend: Backend) => (backend === 'native' ? 1500 : 1000);

async function checkSmallMatmul(backend: Backend) {
  const a = ck.fromRows([[1, 2], [3, 4]]);
  const b = ck.fromRows([[5, 6], [7, 8]]);
  expect(ck.toRows(await ck.matmul(a, b, { backend }))).toEqual([[19, 22], [43, 50]]);
  const m = 97;
  const x = { data: randomFill(new Float64Array(m * m), 8), rows: m, cols: m };
  const r = await ck.matmul(x, x, { backend });
  expect(
    gemmVectorCheck(
      { layout: 'row-major', transA: false, transB: false, m, n: m, k: m, alpha: 1, beta: 0, a: x.data, lda: m, b: x.data, ldb: m, c: new Float64Array(m * m), ldc: m },
      r.data,
      TOL_F64,
    ),
  ).toEqual([]);
}

describe.each(backends())('cancellation on the %s backend', (backend) => {
  it('an already-aborted signal rejects every function with AbortError and does no work', async () => {
    const out = new Float64Array(4).fill(5);
    expectAbortError(await abortErrorOf(() => ck.matmul(ck.fromRows([[1, 2], [3, 4]]), ck.fromRows([[1, 0], [0, 1]]), { backend, signal: aborted(), out })));
    expect(Array.from(out)).toEqual([5, 5, 5, 5]);

    const c = new Float32Array(4).fill(5);
    expectAbortError(
      await abortErrorOf(() =>
        ck.gemm({ m: 2, n: 2, k: 2, a: new Float32Array([1, 2, 3, 4]), b: new Float32Array([1, 0, 0, 1]), c }, { backend, signal: aborted() }),
      ),
    );
    expect(Array.from(c)).toEqual([5, 5, 5, 5]);

    expectAbortError(await abortErrorOf(() => ck.countInRange(new Int32Array([1, 2, 3]), 0, 5, { backend, signal: aborted() })));

    const counts = new Uint32Array(2).fill(9);
    expectAbortError(
      await abortErrorOf(() =>
        ck.countInRangeByRow({ data: new Uint8Array([1, 2, 3, 4]), rows: 2, cols: 2 }, 0, 5, { backend, signal: aborted(), out: counts }),
      ),
    );
    expect(Array.from(counts)).toEqual([9, 9]);

    expectAbortError(await abortErrorOf(() => ck.histogram(new Float64Array([1, 2, 3]), [0, 2, 4], { backend, signal: aborted() })));

    await checkSmallMatmul(backend);
  });

  it('aborting during a large matmul rejects promptly with AbortError; the next call works', async () => {
    const n = largeN(backend);
    const a = { data: randomFill(new Float64Array(n * n), 1), rows: n, cols: n };
    const b = { data: randomFill(new Float64Array(n * n), 2), rows: n, cols: n };
    const out = new Float64Array(n * n);
    const ac = new AbortController();
    let abortedAt = 0;
    const timer = setTimeout(() => {
      abortedAt = performance.now();
      ac.abort();
    }, 20);
    const err = await abortErrorOf(() => ck.matmul(a, b, { backend, signal: ac.signal, out }));
    const settledAt = performance.now();
    clearTimeout(timer);
    expectAbortError(err);
    expect(abortedAt).toBeGreaterThan(0);
    expect(settledAt - abortedAt, 'time from abort to rejection (ms)').toBeLessThan(1500);
    await checkSmallMatmul(backend);
  });

  it('aborting during a large f32 col-major gemm rejects with AbortError; the next gemm is correct', async () => {
    const n = largeN(backend);
    const a = randomFill(new Float32Array(n * n), 3);
    const b = randomFill(new Float32Array(n * n), 4);
    const c = new Float32Array(n * n);
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), 20);
    const err = await abortErrorOf(() => ck.gemm({ layout: 'col-major', transA: true, m: n, n, k: n, a, b, c }, { backend, signal: ac.signal }));
    clearTimeout(timer);
    expectAbortError(err);

    const m = 61;
    const x = randomFill(new Float32Array(m * m), 5);
    const y = new Float32Array(m * m).fill(1);
    const y0 = Float64Array.from(y);
    await ck.gemm({ layout: 'col-major', transA: true, m, n: m, k: m, a: x, b: x, c: y, beta: 2 }, { backend });
    expect(
      gemmVectorCheck(
        { layout: 'col-major', transA: true, transB: false, m, n: m, k: m, alpha: 1, beta: 2, a: x, lda: m, b: x, ldb: m, c: y0, ldc: m },
        y,
        TOL_F32,
      ),
    ).toEqual([]);
  });

  it('aborting one call does not disturb a concurrent one', async () => {
    const n = backend === 'native' ? 900 : 400;
    const a = { data: randomFill(new Float64Array(n * n), 6), rows: n, cols: n };
    const keep = ck.matmul(a, a, { backend });
    const ac = new AbortController();
    const doomed = ck.matmul(a, a, { backend, signal: ac.signal });
    setTimeout(() => ac.abort(), 5);
    expectAbortError(await doomed.then(() => 'resolved', (e: unknown) => e));
    const r = await keep;
    expect(
      gemmVectorCheck(
        { layout: 'row-major', transA: false, transB: false, m: n, n, k: n, alpha: 1, beta: 0, a: a.data, lda: n, b: a.data, ldb: n, c: new Float64Array(n * n), ldc: n },
        r.data,
        TOL_F64,
      ),
    ).toEqual([]);
  });

  it('aborting a call queued behind a long one rejects it promptly, not when the long one ends', async () => {
    // DESIGN: the signal "cancels queued or running work". The first call keeps the pool busy
    // for far longer than the abort takes to land, so the aborted second call must reject first.
    // wasm runs 700³ in ~35 ms on two threads, close to the 20 ms the abort waits: 1200³ keeps it busy.
    const n = backend === 'native' ? 2000 : backend === 'wasm' ? 1200 : 700;
    const a = { data: randomFill(new Float64Array(n * n), 9), rows: n, cols: n };
    const t0 = performance.now();
    const events: string[] = [];
    const long = ck.matmul(a, a, { backend }).then((r) => {
      events.push('long resolved');
      return r;
    });
    const ac = new AbortController();
    const queued = ck.matmul(a, a, { backend, signal: ac.signal }).then(
      () => 'resolved',
      (e: unknown) => {
        events.push('queued rejected');
        return e;
      },
    );
    let abortedAt = 0;
    setTimeout(() => {
      abortedAt = performance.now() - t0;
      ac.abort();
    }, 20);
    const err = await queued;
    const rejectedAt = performance.now() - t0;
    expectAbortError(err);
    const r = await long;
    const longAt = performance.now() - t0;
    const timeline = `abort at ${abortedAt.toFixed(0)} ms, rejected at ${rejectedAt.toFixed(0)} ms, long call done at ${longAt.toFixed(0)} ms`;
    expect(events, timeline).toEqual(['queued rejected', 'long resolved']);
    // Not merely first: well before the long call ends (not by a whisker as its tasks drain).
    expect(rejectedAt - abortedAt, timeline).toBeLessThan(0.5 * (longAt - abortedAt));
    expect(r.data.length).toBe(n * n);
  });

  it('aborting after completion changes nothing', async () => {
    const ac = new AbortController();
    const r = await ck.countInRange(new Float64Array([1, 2, 3]), 2, 3, { backend, signal: ac.signal });
    ac.abort();
    expect(r).toBe(2);
    await new Promise((res) => setTimeout(res, 10));
    expect(await ck.countInRange(new Float64Array([1, 2, 3]), 2, 3, { backend, signal: ac.signal }).catch((e: unknown) => e)).toBeInstanceOf(DOMException);
  });
});
