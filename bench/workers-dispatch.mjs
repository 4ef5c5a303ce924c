// Dispatch cost of the workers backend against a raw postMessage round trip to a worker,
// call by call (A B A B), in two regimes: back to back, and after an idle gap (a server
// between requests).
//
//   taskset -c 0 node bench/workers-dispatch.mjs   # the software cost: every thread on one CPU
//   node bench/workers-dispatch.mjs                # as the scheduler places threads
//
// Pin it to compare the software: unpinned, on this VM a round trip takes ~10 us when the
// worker shares the caller's CPU and ~80-90 us when it must be woken on the other one (an
// idle-CPU wake-up), and which of the two workers (the echo worker, ours) lands where sticks
// for a whole run, so the unpinned ratio says where the threads landed, not what either
// side costs.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { setTimeout as sleep } from 'node:timers/promises';
const ck = createRequire(import.meta.url)('../dist/index.js');

const CALLS = 4000, IDLE_CALLS = 400, IDLE_GAP_MS = 3;
const echo = new Worker('const { parentPort } = require("node:worker_threads"); parentPort.on("message", (m) => parentPort.postMessage(m));', { eval: true });
const roundTrip = () => new Promise((resolve) => { echo.once('message', resolve); echo.postMessage(1); });
const data = ck.shared(Float64Array, 64);
const call = () => ck.countInRange(data, 0, 1, { backend: 'workers', threads: 1 });
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function latency(fn) {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e3; // microseconds
}

async function compare(regime, calls, gapMs) {
  const raw = [], ours = [];
  for (let i = 0; i < calls; i++) {
    // Alternate which goes first, so neither always follows the other.
    const pair = i % 2 === 0 ? [[raw, roundTrip], [ours, call]] : [[ours, call], [raw, roundTrip]];
    for (const [into, fn] of pair) {
      if (gapMs) await sleep(gapMs);
      into.push(await latency(fn));
    }
  }
  const r = median(raw), o = median(ours);
  console.log(`${regime}: raw postMessage round trip ${r.toFixed(1)} us, workers backend call ${o.toFixed(1)} us (medians of ${calls}), ratio ${(o / r).toFixed(2)}x (target <= 1.2x)`);
}

for (let i = 0; i < 500; i++) { await roundTrip(); await call(); } // warm up: JIT, worker start
await compare('back to back', CALLS, 0);
await compare(`after ${IDLE_GAP_MS} ms idle`, IDLE_CALLS, IDLE_GAP_MS);
await echo.terminate();
await ck.close();
