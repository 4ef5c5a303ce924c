// Node's permission model (--permission; --experimental-permission on Node 20) can forbid
// native addons and worker threads. Each engine that is refused says so in words a user can
// act on, where the refusal itself only says "access denied".

type Scope = 'addon' | 'worker';
const FLAG: Record<Scope, string> = { addon: '--allow-addons', worker: '--allow-worker' };
const WHAT: Record<Scope, string> = { addon: 'native addons', worker: 'worker threads' };

/** Why `scope` is off: the sentence info() and the notice carry. */
export function forbiddenBy(scope: Scope): string {
  return `Node's permission model forbids ${WHAT[scope]} (start node with ${FLAG[scope]} to allow them)`;
}

/**
 * Whether the permission model forbids worker threads. The 'worker' scope is known to
 * process.permission.has() on every Node line we support; Bun and Deno have no
 * process.permission.
 */
export function workersForbidden(): boolean {
  const permission = (process as { permission?: { has(scope: string): boolean } }).permission;
  try {
    return permission?.has('worker') === false;
  } catch {
    return false;
  }
}

/**
 * A refusal by the permission model: ERR_DLOPEN_DISABLED from loading an addon,
 * ERR_ACCESS_DENIED from starting a worker or reading a file.
 */
export function isPermissionRefusal(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ERR_DLOPEN_DISABLED' || code === 'ERR_ACCESS_DENIED';
}
