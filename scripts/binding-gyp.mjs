#!/usr/bin/env node
// binding.gyp, read by the builds that do not go through node-gyp (scripts/prebuild-linux.mjs,
// CMakeLists.txt), so the sources and flags are written once, there.
//   node scripts/binding-gyp.mjs VARIABLE   prints a list variable as a CMake list (a;b;c)
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// JSON apart from its '#' comment lines.
export const gyp = JSON.parse(
  readFileSync(join(root, 'binding.gyp'), 'utf8')
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n'),
);

/** A list variable, with node-gyp's <(module_root_dir) filled in. */
export function variable(name) {
  const value = gyp.variables[name];
  if (!Array.isArray(value)) throw new Error(`binding.gyp has no list variable '${name}'`);
  return value.map((item) => item.replaceAll('<(module_root_dir)', root));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(variable(process.argv[2]).join(';'));
}
