// The `corekernels` command as a user runs it: exit codes, info, and the shape of --json.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const main = join(__dirname, '..', 'dist', 'cli', 'main.js');
const cwd = mkdtempSync(join(tmpdir(), 'ck-cli-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [main, ...args], { cwd, env: { ...process.env, ...env }, encoding: 'utf8' });
}

describe('corekernels', () => {
  it('prints help with exit code 0', () => {
    const r = cli(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: corekernels <command>/);
    for (const flag of ['--sizes', '--dtype', '--threads', '--backends', '--json', '--chart', '--time-budget']) expect(r.stdout).toContain(flag);
  });

  it('exits 2 on a usage mistake and points at --help', () => {
    const r = cli(['bench', '--bogus']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^corekernels: Unknown option '--bogus'.*\nRun 'corekernels --help'/s);
  });

  it('info prints the backend, native state and threads, and --json prints info()', () => {
    const text = cli(['info'], { COREKERNELS_THREADS: '3' });
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^corekernels \d+\.\d+\.\d+\nbackend +(native|wasm|workers|js)/);
    expect(text.stdout).toMatch(/\nwasm +(loaded · (relaxed|simd128) SIMD|not loaded: .+)/);
    expect(text.stdout).toMatch(/\nnative +(loaded · ISA \w+ · (node-gyp|cmake-js|prebuilt) build|not loaded: .+)/);
    expect(text.stdout).toContain('workers  available\nthreads  3 (COREKERNELS_THREADS=3)');
    const json = JSON.parse(cli(['info', '--json']).stdout);
    expect(Object.keys(json).sort()).toEqual(['backend', 'engine', 'native', 'threads', 'threadsSource', 'version', 'wasm', 'workers']);
    expect(typeof json.native.loaded).toBe('boolean');
  });

  it('info says why when the addon did not load', () => {
    const r = cli(['info'], { COREKERNELS_NATIVE: 'off' });
    expect(r.stdout).toContain('native   not loaded: disabled by COREKERNELS_NATIVE=off');
  });

  it('bench --json - writes only JSON to stdout, one result per case, and the chart', () => {
    const r = cli(['bench', 'matmul', '--sizes', '8,16', '--dtype', 'f64', '--backends', 'workers,js', '--threads', '1',
      '--json', '-', '--chart', 'c.svg']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const rep = JSON.parse(r.stdout);
    expect(rep).toMatchObject({ schema: 'corekernels-bench/1', command: expect.stringMatching(/^corekernels bench matmul /) });
    expect(Object.keys(rep).sort()).toEqual(['command', 'date', 'info', 'machine', 'results', 'schema', 'settings', 'version', 'wallSeconds']);
    expect(rep.results.map((x: { size: number; backend: string }) => `${x.size} ${x.backend}`)).toEqual(['8 js', '8 workers', '16 js', '16 workers']);
    for (const x of rep.results) {
      expect(x).toMatchObject({ kernel: 'matmul', benchmark: 'matmul', dtype: 'f64', status: 'ok', threads: 1, unit: 'GFLOP/s' });
      expect(x.samples).toBeGreaterThanOrEqual(3);
      for (const k of ['medianMs', 'madMs', 'minMs', 'maxMs', 'throughput', 'speedupVsJs', 'efficiency']) expect(typeof x[k]).toBe('number');
    }
    expect(readFileSync(join(cwd, 'c.svg'), 'utf8')).toMatch(/^<svg /);
  });

  it('bench prints Markdown tables and writes the chart where asked', () => {
    const r = cli(['bench', 'count', '--sizes', '1k', '--backends', 'js', '--chart', 'count.svg']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('### countInRangeByRow · i32');
    expect(r.stdout).toContain('### countInRange · f64');
    expect(r.stderr).toContain(`chart: ${join(cwd, 'count.svg')}`);
    expect(existsSync(join(cwd, 'count.svg'))).toBe(true);
  });
});
