// threads() follows a container's CPU quota: cgroup v1 and v2 files faked in temp folders,
// read through cpuQuota(root) directly, and through COREKERNELS_TEST_CGROUP_ROOT in child
// processes for threads(), info(), the CLI and the native pool's size.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cpuQuota, threadsForQuota } from '../dist/cpu-quota.js';
import { backends } from './helpers/backends.js';
import { expectExit, lastJson, root, runScript } from './helpers/child.js';

const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A folder standing for '/', holding the given files (absolute paths inside it). */
function fakeRoot(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ck-cgroup-'));
  made.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, dirname(path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const V2_MOUNT = '30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate\n';
const V1_MOUNTS = [
  '31 23 0:28 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755',
  '35 31 0:32 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,cpu,cpuacct',
  '36 31 0:33 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:16 - cgroup cgroup rw,memory',
  '',
].join('\n');

/** A cgroup v2 process in /pod/app, with cpu.max files along the way. */
function v2(cpuMax: Record<string, string>, cgroup = '/pod/app'): string {
  const files: Record<string, string> = { '/proc/self/cgroup': `0::${cgroup}\n`, '/proc/self/mountinfo': V2_MOUNT };
  for (const [dir, text] of Object.entries(cpuMax)) files[join('/sys/fs/cgroup', dir, 'cpu.max')] = text;
  return fakeRoot(files);
}

/** A cgroup v1 process in /docker/abc with its cpu controller's quota and period. */
function v1(quota: string, period = '100000'): string {
  return fakeRoot({
    '/proc/self/cgroup': '12:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n1:name=systemd:/docker/abc\n0::/docker/abc\n',
    '/proc/self/mountinfo': V1_MOUNTS,
    '/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us': `${quota}\n`,
    '/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us': `${period}\n`,
  });
}

describe('cpuQuota: cgroup v2', () => {
  it('reads "200000 100000" in cpu.max as 2 CPUs', () => {
    expect(cpuQuota(v2({ '/pod/app': '200000 100000\n' }))).toEqual({ cpus: 2, file: '/sys/fs/cgroup/pod/app/cpu.max' });
  });

  it('reads "max 100000" as no limit', () => {
    expect(cpuQuota(v2({ '/pod/app': 'max 100000\n', '/pod': 'max 100000\n' }))).toBeUndefined();
  });

  it("takes the smallest limit from the process's cgroup up: a parent's limit applies below it", () => {
    const r = v2({ '/pod/app': 'max 100000\n', '/pod': '150000 100000\n', '/': '400000 100000\n' });
    expect(cpuQuota(r)).toEqual({ cpus: 1.5, file: '/sys/fs/cgroup/pod/cpu.max' });
    const leafTighter = v2({ '/pod/app': '50000 100000\n', '/pod': '150000 100000\n' });
    expect(cpuQuota(leafTighter)).toEqual({ cpus: 0.5, file: '/sys/fs/cgroup/pod/app/cpu.max' });
  });

  it("reads the namespace's root (\"0::/\") in a container with its own cgroup namespace", () => {
    expect(cpuQuota(v2({ '/': '300000 100000\n' }, '/'))).toEqual({ cpus: 3, file: '/sys/fs/cgroup/cpu.max' });
  });

  it('uses /sys/fs/cgroup when mountinfo cannot be read, and a mount point from mountinfo when it can', () => {
    const noMountinfo = fakeRoot({ '/proc/self/cgroup': '0::/app\n', '/sys/fs/cgroup/app/cpu.max': '100000 100000\n' });
    expect(cpuQuota(noMountinfo)).toEqual({ cpus: 1, file: '/sys/fs/cgroup/app/cpu.max' });
    const elsewhere = fakeRoot({
      '/proc/self/cgroup': '0::/app\n',
      '/proc/self/mountinfo': '40 23 0:38 / /run/cg\\040two rw,relatime - cgroup2 cgroup2 rw\n',
      '/run/cg two/app/cpu.max': '250000 100000\n',
    });
    expect(cpuQuota(elsewhere)).toEqual({ cpus: 2.5, file: '/run/cg two/app/cpu.max' });
  });
});

describe('cpuQuota: cgroup v1', () => {
  it('reads cpu.cfs_quota_us / cpu.cfs_period_us of the cpu controller', () => {
    expect(cpuQuota(v1('300000'))).toEqual({ cpus: 3, file: '/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us' });
    expect(cpuQuota(v1('25000', '50000'))).toEqual({ cpus: 0.5, file: '/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us' });
  });

  it('reads quota -1 as no limit, and prefers v1 over the "0::" line of a hybrid system', () => {
    const r = v1('-1');
    writeFileSync(join(r, 'sys/fs/cgroup/cpu.max'), '100000 100000\n'); // v2 has no cpu controller on a hybrid system
    expect(cpuQuota(r)).toBeUndefined();
  });

  it("reads the mount's own folder when the mount shows the process's cgroup (no cgroup namespace)", () => {
    const r = fakeRoot({
      '/proc/self/cgroup': '4:cpu,cpuacct:/docker/abc\n',
      '/proc/self/mountinfo': '35 31 0:32 /docker/abc /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpuacct,cpu\n',
      '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '150000\n',
      '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n',
    });
    expect(cpuQuota(r)).toEqual({ cpus: 1.5, file: '/sys/fs/cgroup/cpu/cpu.cfs_quota_us' });
  });
});

describe('cpuQuota: odd or missing files mean no limit, never a throw', () => {
  const cases: [string, () => string][] = [
    ['nothing at all', () => fakeRoot({})],
    ['/proc/self/cgroup missing', () => fakeRoot({ '/proc/self/mountinfo': V2_MOUNT, '/sys/fs/cgroup/cpu.max': '100000 100000' })],
    ['cpu.max missing', () => v2({})],
    ['cpu.max "banana"', () => v2({ '/pod/app': 'banana' })],
    ['cpu.max with one field', () => v2({ '/pod/app': '200000' })],
    ['cpu.max with three fields', () => v2({ '/pod/app': '200000 100000 7' })],
    ['cpu.max quota 0', () => v2({ '/pod/app': '0 100000' })],
    ['cpu.max quota negative', () => v2({ '/pod/app': '-5 100000' })],
    ['cpu.max period 0', () => v2({ '/pod/app': '200000 0' })],
    ['cpu.max in exponent form', () => v2({ '/pod/app': '2e5 1e5' })],
    ['cpu.max empty', () => v2({ '/pod/app': '' })],
    ['cfs_quota_us garbage', () => v1('lots')],
    ['cfs_period_us 0', () => v1('100000', '0')],
    ['cfs_period_us garbage', () => v1('100000', '1.5')],
    ['/proc/self/cgroup garbage', () => fakeRoot({ '/proc/self/cgroup': '::::\n\0\n:cpu\n', '/proc/self/mountinfo': 'x - y\n - \n' })],
    ['v1 cpu line without a cpu mount', () => fakeRoot({ '/proc/self/cgroup': '4:cpu:/a\n', '/proc/self/mountinfo': V2_MOUNT })],
    ['/proc/self/cgroup is a folder', () => fakeRoot({ '/proc/self/cgroup/x': '' })],
  ];
  it.each(cases)('%s', (_, make) => {
    expect(cpuQuota(make())).toBeUndefined();
  });
});

describe('threadsForQuota', () => {
  it.each([
    [1.5, 8, 2],
    [0.1, 8, 1],
    [2, 8, 2],
    [2.0001, 8, 3],
    [64, 8, 8],
    [1, 1, 1],
  ])('%s CPUs on a %s-CPU machine: %s threads (rounded up, at least 1, at most the CPUs)', (quota, cpus, want) => {
    expect(threadsForQuota(quota, cpus)).toBe(want);
  });
});

describe('threads() and info() in a process with a CPU quota', () => {
  const report = `const ck = require(P);
    console.log(JSON.stringify({ threads: ck.threads(), info: ck.info(), cpus: require('node:os').availableParallelism() }));`;
  const run = (cgroupRoot: string, env: Record<string, string | undefined> = {}, code = report) =>
    runScript(code, { env: { COREKERNELS_THREADS: undefined, COREKERNELS_TEST_CGROUP_ROOT: cgroupRoot, ...env } });

  it("follows the quota (0.1 CPU: 1 thread) and says it came from the cgroup", async () => {
    const r = await run(v2({ '/pod/app': '10000 100000' }));
    expectExit(r);
    const j = lastJson(r);
    expect(j.threads).toBe(1);
    expect(j.info).toMatchObject({ threads: 1, threadsSource: 'cgroup' });
  });

  it('a quota above the CPUs leaves os.availableParallelism(), from the cpus', async () => {
    const r = await run(v1(String(100000 * (availableParallelism() + 1))));
    const j = lastJson(r);
    expect(j.threads).toBe(j.cpus);
    expect(j.info.threadsSource).toBe('cpus');
  });

  it('no quota: os.availableParallelism(), from the cpus', async () => {
    const j = lastJson(await run(v2({ '/pod/app': 'max 100000' })));
    expect(j.info).toMatchObject({ threads: j.cpus, threadsSource: 'cpus' });
  });

  it('COREKERNELS_THREADS and configure({ threads }) win over the quota, and say so', async () => {
    const limited = v2({ '/pod/app': '10000 100000' });
    const env = lastJson(await run(limited, { COREKERNELS_THREADS: '3' }));
    expect(env.info).toMatchObject({ threads: 3, threadsSource: 'env' });
    const configured = lastJson(await run(limited, {}, `const ck = require(P); ck.configure({ threads: 5 });
      console.log(JSON.stringify(ck.info()));`));
    expect(configured).toMatchObject({ threads: 5, threadsSource: 'configure' });
    const backendOnly = lastJson(await run(limited, {}, `const ck = require(P); ck.configure({ backend: 'js' });
      console.log(JSON.stringify(ck.info()));`));
    expect(backendOnly).toMatchObject({ threads: 1, threadsSource: 'cgroup' });
  });

  it('`corekernels info` prints where the thread count came from', async () => {
    const cli = (cgroupRoot: string) => {
      const env: NodeJS.ProcessEnv = { ...process.env, COREKERNELS_TEST_CGROUP_ROOT: cgroupRoot };
      delete env.COREKERNELS_THREADS;
      return spawnSync(process.execPath, [join(root, 'dist', 'cli', 'main.js'), 'info'], { env, encoding: 'utf8' });
    };
    const quota = cli(v2({ '/pod': '50000 100000' }));
    expect(quota.status, quota.stderr).toBe(0);
    expect(quota.stdout).toContain(
      `threads  1 (the container's CPU quota: 0.5 CPUs in /sys/fs/cgroup/pod/cpu.max, rounded up; os.availableParallelism() = ${availableParallelism()})`);
    const none = cli(fakeRoot({}));
    expect(none.stdout).toContain(`threads  ${availableParallelism()} (os.availableParallelism() = ${availableParallelism()})`);
  });

});

// The native pool starts threads() - 1 helper threads for a large call (Linux lists a
// process's threads in /proc/self/task): with a 1-CPU quota a multiply starts none.
describe.each(backends().filter((b) => b === 'native'))('the %s pool under a CPU quota', (backend) => {
  it('is sized by the same number as threads()', async () => {
    const code = `const ck = require(P);
      const tasks = () => require('node:fs').readdirSync('/proc/self/task').length;
      const m = ck.matrix(Float64Array, 400, 400);
      const before = tasks();
      ck.matmulSync(m, m, { backend: '${backend}' });
      console.log(JSON.stringify({ threads: ck.threads(), started: tasks() - before }));`;
    const env = { COREKERNELS_THREADS: undefined };
    for (const cpus of new Set([1, Math.min(2, availableParallelism())])) {
      const r = await runScript(code, { env: { ...env, COREKERNELS_TEST_CGROUP_ROOT: v2({ '/pod/app': `${cpus * 100000} 100000` }) } });
      expectExit(r);
      expect(lastJson(r)).toEqual({ threads: cpus, started: cpus - 1 });
    }
  });
});
