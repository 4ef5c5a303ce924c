// numpy itself, for the tests that compare with it: the first python3 on PATH (or Debian's)
// that imports numpy. CI installs python3-numpy where none does.
import { execFileSync } from 'node:child_process';

// Not the sanitizer runtime the ASan/TSan runs preload into node: python is not built for it.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'LD_PRELOAD'));

export const python: string | undefined = ['python3', '/usr/bin/python3'].find((py) => {
  try {
    execFileSync(py, ['-c', 'import numpy'], { stdio: 'ignore', env });
    return true;
  } catch {
    return false;
  }
});

/** Runs a python script with numpy, `input` on its stdin; its stdout. */
export function runNumpy(script: string, input: Uint8Array): string {
  if (!python) throw new Error('no python3 with numpy on PATH');
  return execFileSync(python, ['-c', script], { input, env }).toString();
}
