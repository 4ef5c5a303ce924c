// The `corekernels` command runs straight from a clone after any rebuild: tsc writes files
// without the execute bit, so every script that compiles goes through `build:ts`, which
// marks the package's bins executable (scripts/executable-bins.mjs).
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string>; scripts: Record<string, string> };
const bins = Object.entries(pkg.bin);
const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('the package bins', () => {
  it('there is a bin to check', () => {
    expect(bins.map(([name]) => name)).toEqual(['corekernels']);
  });

  it.each(bins)('%s (%s) is executable after the build and runs by itself', (_, file) => {
    const path = join(root, file);
    expect(statSync(path).mode & 0o111, `${file} has lost its execute bits`).toBe(0o111);
    expect(readFileSync(path, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    const r = spawnSync(path, ['--version'], { encoding: 'utf8' }); // the shell's way: exec, no `node` in front
    expect(r.error).toBeUndefined();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${pkg.version}\n`);
  });

  it('every script that compiles goes through build:ts, which marks the bins executable', () => {
    const compiling = Object.entries(pkg.scripts).filter(([, cmd]) => /\btsc\b/.test(cmd)).map(([name]) => name);
    expect(compiling).toEqual(['build:ts']);
    expect(pkg.scripts['build:ts']).toBe('tsc -p tsconfig.json && node scripts/executable-bins.mjs');
    // prepare runs on `npm install` in a clone and on `npm pack` (after prepack deletes dist/).
    for (const name of ['prepare', 'pretest', 'build']) expect(pkg.scripts[name], name).toMatch(/(^|&& )npm run build:ts\b/);
  });

  it('scripts/executable-bins.mjs sets the execute bits of every bin and keeps the other bits', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ck-bins-'));
    made.push(dir);
    mkdirSync(join(dir, 'scripts'));
    mkdirSync(join(dir, 'dist', 'cli'), { recursive: true });
    copyFileSync(join(root, 'scripts', 'executable-bins.mjs'), join(dir, 'scripts', 'executable-bins.mjs'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ bin: { a: 'dist/cli/main.js', b: 'dist/other.js' } }));
    for (const [file, mode] of [['dist/cli/main.js', 0o644], ['dist/other.js', 0o600]] as const) {
      writeFileSync(join(dir, file), '#!/usr/bin/env node\n');
      chmodSync(join(dir, file), mode);
    }
    const r = spawnSync(process.execPath, [join(dir, 'scripts', 'executable-bins.mjs')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(statSync(join(dir, 'dist/cli/main.js')).mode & 0o777).toBe(0o755);
    expect(statSync(join(dir, 'dist/other.js')).mode & 0o777).toBe(0o711);
  });
});
