#!/usr/bin/env node
// Builds the Linux prebuilds the tarball ships: prebuilds/linux-<arch>/corekernels.node.
//   node scripts/prebuild-linux.mjs [x64] [arm64]     (default: both)
// Each architecture is compiled by Debian's <triplet>-g++ (the native compiler for one, a
// cross compiler for the other) against the Node-API headers of node-api-headers, so neither
// binary depends on the host's Node, its headers or its CPU. The sources, defines and flags
// are read from binding.gyp, so the prebuilds and a local `node-gyp rebuild` compile the
// same code the same way. Objects go to build/prebuild-<arch>/, leaving a developer's
// build/Release alone. A missing compiler is an error: the tarball must not silently ship
// without an architecture.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { gyp, root, variable } from './binding-gyp.mjs';

const require = createRequire(join(root, 'package.json'));

const triplets = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' };
const apt = { x64: 'g++-x86-64-linux-gnu', arm64: 'g++-aarch64-linux-gnu' };
const addon = gyp.targets.find((t) => t.target_name === 'corekernels');

/** Every translation unit for `arch`, each with the extra flags it compiles with. */
function units(arch) {
  const list = [...addon.sources, ...variable('ck_linux_sources')].map((file) => ({ file, flags: [] }));
  // The per-ISA files are always linked (off x64 they are stubs); their flags are x64's only.
  for (const isa of ['avx2', 'avx512']) {
    for (const file of variable(`ck_${isa}_sources`)) list.push({ file, flags: arch === 'x64' ? variable(`ck_${isa}_cflags`) : [] });
  }
  return list;
}

const compileFlags = [
  ...gyp.target_defaults.cflags_cc.filter((f) => !f.startsWith('<@')),
  ...variable('ck_common_cflags'),
  '-fPIC',
  '-pthread',
  ...addon.defines.map((d) => `-D${d.startsWith('COREKERNELS_BUILD=') ? 'COREKERNELS_BUILD="prebuilt"' : d}`),
  `-I${require('node-api-headers').include_dir}`,
  `-I${require('node-addon-api').include_dir}`,
];

function run(cmd, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}`))));
  });
}

/** Runs the jobs, at most `width` at a time. */
async function inParallel(jobs, width) {
  const queue = [...jobs];
  const lanes = Array.from({ length: Math.min(width, queue.length) }, async () => {
    while (queue.length > 0) await queue.shift()();
  });
  await Promise.all(lanes);
}

function requireTool(tool, arch) {
  if (spawnSync(tool, ['--version'], { stdio: 'ignore' }).status !== 0) {
    throw new Error(
      `${tool} not found: the linux-${arch} prebuild needs it (Debian: apt-get install ${apt[arch]}). ` +
        'The tarball must carry every Linux prebuild, so packing stops here.',
    );
  }
}

async function build(arch) {
  const cxx = `${triplets[arch]}-g++`, strip = `${triplets[arch]}-strip`;
  requireTool(cxx, arch);
  requireTool(strip, arch);
  const objDir = join(root, 'build', `prebuild-${arch}`);
  rmSync(objDir, { recursive: true, force: true });
  mkdirSync(objDir, { recursive: true });
  const objects = [];
  const jobs = units(arch).map(({ file, flags }) => {
    const obj = join(objDir, file.replace(/[/\\]/g, '_').replace(/\.cc$/, '.o'));
    objects.push(obj);
    return () => run(cxx, [...compileFlags, ...flags, '-c', file, '-o', obj]);
  });
  console.log(`linux-${arch}: compiling ${jobs.length} files with ${cxx}`);
  await inParallel(jobs, availableParallelism());
  const outDir = join(root, 'prebuilds', `linux-${arch}`);
  mkdirSync(outDir, { recursive: true });
  const out = join(outDir, 'corekernels.node');
  // -shared without --no-undefined: napi_* resolve against the host process at load.
  await run(cxx, ['-shared', '-pthread', '-o', out, ...objects, ...variable('ck_linux_ldflags')]);
  await run(strip, ['--strip-all', out]);
  console.log(`linux-${arch}: ${out}`);
}

if (process.platform !== 'linux') {
  console.error('prebuild-linux.mjs builds the Linux prebuilds and runs on Linux only');
  process.exit(1);
}
const wanted = process.argv.slice(2);
const arches = wanted.length > 0 ? wanted : Object.keys(triplets);
for (const arch of arches) {
  if (!(arch in triplets)) {
    console.error(`unknown architecture '${arch}' (known: ${Object.keys(triplets).join(', ')})`);
    process.exit(2);
  }
}
try {
  for (const arch of arches) await build(arch);
} catch (err) {
  console.error(`prebuild-linux: ${err.message}`);
  process.exit(1);
}
