// Dispatch cost of the workers backend against a raw postMessage round trip, measured side
// by side (A B A B) in one run, in two regimes: back to back (the worker stays awake) and
// with an idle gap before each call (the worker has gone to sleep, as in a server between
// requests). Usage: node bench/workers-dispatch.mjs
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
const ck = createRequire(import.meta.url)('../dist/index.js');

const ROUNDS = 9, CALLS = 2000, IDLE_CALLS = 200, IDLE_GAP_MS = 3;
import { setTimeout as sleep } from 'node:timers/promises';
const echo = new Worker('const { parentPort } = require("node:worker_threads"); parentPort.on("message", (m) => parentPort.postMessage(m));', { eval: true });
const roundTrip = () => new Promise((resolve) => { echo.once('message', resolve); echo.postMessage(1); });
const data = ck.shared(Float64Array, 64);
const call = () => ck.countInRange(data, 0, 1, { backend: 'workers', threads: 1 });

async function time(fn) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i++) await fn();
  return Number(process.hrtime.bigint() - t0) / 1e3 / CALLS; // microseconds per call
}
async function timeIdle(fn) { // median latency of calls made after an idle gap
  const lat = [];
  for (let i = 0; i < IDLE_CALLS; i++) {
    await sleep(IDLE_GAP_MS);
    const t0 = process.hrtime.bigint();
    await fn();
    lat.push(Number(process.hrtime.bigint() - t0) / 1e3);
  }
  return median(lat);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

await time(roundTrip); await time(call); // warm both up
for (const [regime, measure] of [['back to back', time], [`after ${IDLE_GAP_MS} ms idle`, timeIdle]]) {
  const raw = [], ours = [];
  for (let r = 0; r < ROUNDS; r++) { raw.push(await measure(roundTrip)); ours.push(await measure(call)); }
  console.log(`${regime}: raw postMessage round trip ${median(raw).toFixed(1)} us, workers backend call ${median(ours).toFixed(1)} us, ratio ${(median(ours) / median(raw)).toFixed(2)}x`);
}
await echo.terminate();
await ck.close();
