// Without the addon (COREKERNELS_NATIVE=off, as when it could not be built), every function
// still answers, info() says why, and one notice, not one per call, tells the user.
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const fixture = join(__dirname, 'fixtures', 'every-function.cjs');

function run(backend: string) {
  const r = spawnSync(process.execPath, [fixture, backend], {
    env: { ...process.env, COREKERNELS_NATIVE: 'off' }, encoding: 'utf8',
  });
  expect(r.status, r.stderr).toBe(0);
  return { ...(JSON.parse(r.stdout) as { from: string; info: { native: { loaded: boolean; error?: string }; backend: string }; wrong: string[] }), stderr: r.stderr };
}

const notices = (stderr: string) => stderr.match(/\[CK_NATIVE_UNAVAILABLE\] Warning: corekernels: kernels run in (WebAssembly|JavaScript)/g) ?? [];

describe('without the native addon', () => {
  it('answers every function on auto, and notices once for twenty calls', () => {
    const { info, wrong, stderr } = run('auto');
    expect(wrong).toEqual([]);
    expect(info.native).toEqual({ loaded: false, error: 'disabled by COREKERNELS_NATIVE=off' });
    expect(info.backend).not.toBe('native');
    expect(notices(stderr)).toHaveLength(1);
    expect(stderr).toContain('disabled by COREKERNELS_NATIVE=off');
  });

  it('answers every function on the workers backend, without a notice since the caller chose it', () => {
    const { wrong, stderr } = run('workers');
    expect(wrong).toEqual([]);
    expect(notices(stderr)).toHaveLength(0);
  });

  it('lets the notice be silenced by its code', () => {
    const out = execFileSync(process.execPath, ['--disable-warning=CK_NATIVE_UNAVAILABLE', fixture, 'auto'], {
      env: { ...process.env, COREKERNELS_NATIVE: 'off' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(JSON.parse(out).wrong).toEqual([]);
  });
});
