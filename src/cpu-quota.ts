// The CPU quota of the process's cgroup, as Go (GOMAXPROCS since 1.25) and the JVM read it:
// a container limited to 2 CPUs on a 64-core node gets throttled if it runs 64 busy threads,
// and os.availableParallelism() counts the node's CPUs on Node 20 (libuv reads the affinity
// mask, not the CFS quota). Every read is guarded: an odd or unreadable file means no limit.
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';

/** What limits the process: CPUs as a fraction (quota / period), with the file it came from. */
export interface CpuQuota {
  cpus: number;
  file: string;
}

function read(root: string, file: string): string | undefined {
  try {
    return readFileSync(posix.join(root, file), 'utf8');
  } catch {
    return undefined; // missing, or refused (the permission model without --allow-fs-read)
  }
}

/** quota/period in CPUs, or undefined for "no limit" and for anything that does not parse. */
function ratio(quota: string, period: string): number | undefined {
  if (!/^\d+$/.test(quota) || !/^\d+$/.test(period)) return undefined; // "max", "-1", garbage
  const q = Number(quota), p = Number(period);
  return q > 0 && p > 0 ? q / p : undefined;
}

/** cgroup v2: cpu.max is "max 100000" (no limit) or "<quota> <period>". */
function v2Limit(root: string, dir: string): number | undefined {
  const fields = read(root, posix.join(dir, 'cpu.max'))?.trim().split(/\s+/);
  return fields?.length === 2 ? ratio(fields[0], fields[1]) : undefined;
}

/** cgroup v1: cpu.cfs_quota_us is -1 for no limit. */
function v1Limit(root: string, dir: string): number | undefined {
  const quota = read(root, posix.join(dir, 'cpu.cfs_quota_us'))?.trim();
  const period = read(root, posix.join(dir, 'cpu.cfs_period_us'))?.trim();
  return quota === undefined || period === undefined ? undefined : ratio(quota, period);
}

interface Mount {
  /** The cgroup path this mount shows at its mount point (not '/' without a cgroup namespace). */
  root: string;
  point: string;
  fstype: string;
  superOptions: string[];
}

/** mountinfo escapes spaces and the like as \040. */
const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));

/** The cgroup mounts of /proc/self/mountinfo: "id parent dev root point opts [tags...] - fstype source superopts". */
function cgroupMounts(root: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of read(root, '/proc/self/mountinfo')?.split('\n') ?? []) {
    const [left, right] = line.split(' - ');
    if (right === undefined) continue;
    const l = left.split(' '), r = right.split(' ');
    if (l.length < 5 || r.length < 3 || (r[0] !== 'cgroup' && r[0] !== 'cgroup2')) continue;
    mounts.push({ root: unescape(l[3]), point: unescape(l[4]), fstype: r[0], superOptions: r[2].split(',') });
  }
  return mounts;
}

/**
 * The smallest limit from the process's cgroup up to the top of its mount: a parent's limit
 * applies to every cgroup below it.
 */
function smallestUpward(root: string, mount: Mount, cgroupPath: string, limit: (root: string, dir: string) => number | undefined,
  file: string): CpuQuota | undefined {
  // Without a cgroup namespace the mount shows the cgroup tree from mount.root down.
  const rel = mount.root !== '/' && (cgroupPath === mount.root || cgroupPath.startsWith(`${mount.root}/`))
    ? cgroupPath.slice(mount.root.length) : cgroupPath;
  let best: CpuQuota | undefined;
  for (let dir = posix.join(mount.point, rel); ; dir = posix.dirname(dir)) {
    const cpus = limit(root, dir);
    if (cpus !== undefined && (best === undefined || cpus < best.cpus)) best = { cpus, file: posix.join(dir, file) };
    if (dir === mount.point || dir === '/' || !dir.startsWith(mount.point)) return best;
  }
}

/**
 * The CPU quota that applies to this process, or undefined when there is none (or it cannot
 * be read). `root` prefixes every path read: '/' in use, a directory of fake files in tests.
 */
export function cpuQuota(root = '/'): CpuQuota | undefined {
  try {
    const lines = (read(root, '/proc/self/cgroup') ?? '').split('\n');
    const mounts = cgroupMounts(root);
    // "hierarchy-id:controllers:path". On a hybrid system the cpu controller sits on v1 even
    // though a "0::" line exists, so v1's cpu line comes first.
    for (const line of lines) {
      const [id, controllers, ...path] = line.split(':');
      if (id === '0' || controllers === undefined || !controllers.split(',').includes('cpu')) continue;
      const mount = mounts.find((m) => m.fstype === 'cgroup' && m.superOptions.includes('cpu'));
      if (mount) return smallestUpward(root, mount, path.join(':'), v1Limit, 'cpu.cfs_quota_us');
    }
    const unified = lines.find((line) => line.startsWith('0::'));
    if (unified === undefined) return undefined;
    const mount = mounts.find((m) => m.fstype === 'cgroup2') ?? { root: '/', point: '/sys/fs/cgroup', fstype: 'cgroup2', superOptions: [] };
    return smallestUpward(root, mount, unified.slice(3).trim(), v2Limit, 'cpu.max');
  } catch {
    return undefined; // never let an odd /proc stop the package loading
  }
}

/** Threads for a quota: rounded up (1.5 CPUs -> 2), at least 1, never more than `cpus`. */
export function threadsForQuota(quota: number, cpus: number): number {
  return Math.max(1, Math.min(cpus, Math.ceil(quota)));
}
