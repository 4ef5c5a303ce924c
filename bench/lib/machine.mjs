// What the machine is (for the head of a report) and its ceilings as peak.c prints them.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** The first processor's model name, family/model and SIMD flags from /proc/cpuinfo. */
export function cpuDescription() {
  let text = '';
  try { text = readFileSync('/proc/cpuinfo', 'utf8'); } catch { return 'unknown CPU (no /proc/cpuinfo)'; }
  const field = (name) => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(text)?.[1]?.trim();
  const flags = new Set((field('flags') ?? '').split(/\s+/));
  const simd = ['avx2', 'fma', 'avx512f', 'avx512_fp16', 'f16c'].filter((f) => flags.has(f));
  const cpus = (text.match(/^processor\s*:/gm) ?? []).length;
  return `${field('model name') ?? 'unknown'} (${field('vendor_id') ?? '?'} family ${field('cpu family') ?? '?'} model ${field('model') ?? '?'}), ` +
    `${cpus} logical CPUs, ${simd.join(' ') || 'no AVX2'}`;
}

export const hasCpuFlag = (flag) => {
  try { return new RegExp(`^flags\\s*:.*\\b${flag}\\b`, 'm').test(readFileSync('/proc/cpuinfo', 'utf8')); } catch { return false; }
};

/** peak.c's lines: read bandwidth (GB/s) and peak f64 GFLOP/s, each indexed by threads - 1. */
export function parsePeak(text) {
  const byThreads = (re) => {
    const out = [];
    for (const m of text.matchAll(re)) out[Number(m[1]) - 1] = Number(m[2]);
    return out;
  };
  return {
    bandwidth: byThreads(/read bandwidth threads=(\d+) GB\/s=([\d.]+)/g),
    gflops: byThreads(/peak f64 threads=(\d+) gflops=([\d.]+)/g),
  };
}

export function runPeak(file = '/tmp/ck-peers/peak') {
  const text = execFileSync(file, { encoding: 'utf8' });
  const peak = parsePeak(text);
  if (!peak.bandwidth.length) throw new Error(`no bandwidth lines in the output of ${file}:\n${text}`);
  return peak;
}
