#!/usr/bin/env bash
# The package as a user receives it. Packs the tarball (prepack builds the prebuilds), then
# installs it into empty folders and checks: the contents, the shipped binaries' glibc and
# libstdc++ needs (scripts/check-symbols.sh), ESM and CommonJS users, strict
# TypeScript users on the shipped types only, the CLI, --ignore-scripts, and an install
# where nothing can compile and no prebuild fits. One "PASS name" or "FAIL name" line per
# check; exits 1 if any failed.
set -uo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
here=$repo/test/package
work=$(mktemp -d "${TMPDIR:-/tmp}/ck-package.XXXXXX")
trap 'rm -rf "$work"' EXIT
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false npm_config_loglevel=error
failed=0

check() { # check NAME COMMAND...: runs it quietly; on failure shows the end of its output
  local name=$1 out; shift
  if out=$("$@" 2>&1); then echo "PASS $name"; else
    echo "FAIL $name"; printf '%s\n' "$out" | tail -n 40 | sed 's/^/    /'; failed=$((failed + 1))
  fi
}
in_dir() { (cd "$1" && shift && "$@"); }
fresh_app() { mkdir -p "$1" && printf '{ "name": "app", "private": true }\n' > "$1/package.json"; }

# --- pack -------------------------------------------------------------------------------
echo "packing (prepack compiles the prebuilds; this takes a while)"
mkdir -p "$work/dist"
if ! npm pack --pack-destination "$work/dist" > "$work/pack.log" 2>&1; then
  echo "FAIL npm pack"; tail -n 40 "$work/pack.log" | sed 's/^/    /'; exit 1
fi
tgz=$(echo "$work"/dist/*.tgz)
tar -tzf "$tgz" | sed 's|^package/||' | sort > "$work/files.txt"
unpacked_kb=$(tar -tvzf "$tgz" | awk '{ s += $3 } END { print int(s / 1024) }')
echo "PASS npm pack: $(basename "$tgz"), $(( $(stat -c %s "$tgz") / 1024 )) kB packed, ${unpacked_kb} kB unpacked, $(wc -l < "$work/files.txt") files"

contents() {
  local want missing=0
  for want in package.json README.md binding.gyp dist/index.js dist/index.d.ts dist/cli/main.js dist/backends/worker-entry.js \
    native/addon/addon.cc wasm/corekernels-relaxed.wasm wasm/corekernels-simd128.wasm prebuilds/linux-x64/corekernels.node prebuilds/linux-arm64/corekernels.node; do
    grep -qxF "$want" "$work/files.txt" || { echo "missing: $want"; missing=1; }
  done
  if grep -E '^(src|test|build|build-cmake|scripts|docs|node_modules|\.ci)/|\.map$|\.tsbuildinfo$|\.o$' "$work/files.txt"; then
    echo "^ files a user does not need"; missing=1
  fi
  return $missing
}
check "tarball holds what users need and nothing else" contents
# prepack deleted dist/ and prepare rebuilt it: the clone's own command must still run.
check "npx corekernels in the clone after npm pack" in_dir "$repo" sh -c 'npx --no corekernels info | grep -q "^corekernels "'
check "publint" in_dir "$repo" npx --no publint run --strict "$tgz"
shipped_binaries() { # every .node in the tarball, as a user on an old Linux receives it
  mkdir -p "$work/shipped" && tar -xzf "$tgz" -C "$work/shipped" &&
    (cd "$work/shipped/package" && bash "$repo/scripts/check-symbols.sh" $(find . -name '*.node' | sort)) | tee "$work/symbols.txt"
}
check "every shipped binary needs glibc <= 2.28 and no libstdc++" shipped_binaries
sed -n 's/^PASS /    /p' "$work/symbols.txt" # the versions each one needs, for the log

# --- a normal install: prebuilt binary, no compiling ---------------------------------------
app=$work/app
fresh_app "$app"
check "npm install <tarball> into an empty folder" in_dir "$app" npm install "$tgz" @types/node@20
check "install used the prebuild (no build/ folder, info().native.build is 'prebuilt')" in_dir "$app" node -e '
  const i = require("corekernels").info();
  if (!i.native.loaded || i.native.build !== "prebuilt") throw new Error(JSON.stringify(i));
  if (require("fs").existsSync("node_modules/corekernels/build")) throw new Error("install compiled the addon");'
check "CommonJS: require() answers every function" in_dir "$app" node "$repo/test/fixtures/every-function.cjs" auto corekernels
check "ESM: import (named, namespace, default)" in_dir "$app" sh -c "cp '$here/consumer.mjs' . && node consumer.mjs"
ts_consumer() {
  cp "$here/consumer.ts" consumer.mts && cp "$here/consumer.ts" consumer.cts && cp "$here/consumer.ts" consumer.ts &&
    cp "$here/tsconfig.$1.json" . && node "$repo/node_modules/typescript/bin/tsc" -p "tsconfig.$1.json"
}
check "TypeScript strict, moduleResolution node16 (.mts and .cts)" in_dir "$app" ts_consumer node16
check "TypeScript strict, moduleResolution bundler" in_dir "$app" ts_consumer bundler
check "npx corekernels info" in_dir "$app" sh -c 'npx --no corekernels info | grep -q "^native   loaded"'
check "npx corekernels bench (tiny, --json)" in_dir "$app" sh -c \
  'npx --no corekernels bench matmul --sizes 16 --threads 1 --json - --no-chart | node -e "
    const r = JSON.parse(require(\"fs\").readFileSync(0, \"utf8\"));
    if (!r.results.length || r.results.some((x) => x.status !== \"ok\")) throw new Error(JSON.stringify(r.results));"'

# --- npm install --ignore-scripts: the prebuild still loads --------------------------------
fresh_app "$work/noscripts"
check "npm install --ignore-scripts still loads the prebuild" in_dir "$work/noscripts" sh -c \
  "npm install --ignore-scripts '$tgz' >/dev/null && node -e 'if (require(\"corekernels\").info().native.build !== \"prebuilt\") process.exit(1)'"

# --- no prebuild for this platform and no compiler: install succeeds, workers serve ----------
mkdir -p "$work/repack" && tar -xzf "$tgz" -C "$work/repack" && rm -rf "$work/repack/package/prebuilds"
tar -czf "$work/no-prebuild.tgz" -C "$work/repack" package
nocc=$work/bin # PATH with node, npm and sh only: no python, make, cc or g++
mkdir -p "$nocc" && for tool in node npm sh; do ln -s "$(command -v $tool)" "$nocc/$tool"; done
fresh_app "$work/nocc"
check "npm install without a compiler or a prebuild succeeds" in_dir "$work/nocc" env PATH="$nocc" npm install "$work/no-prebuild.tgz"
check "info() says why the addon is missing" in_dir "$work/nocc" node -e '
  const n = require("corekernels").info().native;
  if (n.loaded || !/did not load/.test(n.error)) throw new Error(JSON.stringify(n));'
check "workers backend answers every function" in_dir "$work/nocc" node "$repo/test/fixtures/every-function.cjs" workers corekernels
check "without the addon, auto runs the shipped WebAssembly engine" in_dir "$work/nocc" node -e '
  const i = require("corekernels").info();
  if (i.engine !== "wasm" || !i.wasm.loaded) throw new Error(JSON.stringify(i));'
check "wasm backend answers every function" in_dir "$work/nocc" node "$repo/test/fixtures/every-function.cjs" wasm corekernels
one_notice() {
  local err; err=$(node "$repo/test/fixtures/every-function.cjs" auto corekernels 2>&1 >/dev/null) || return 1
  [ "$(grep -c 'CK_NATIVE_UNAVAILABLE' <<<"$err")" = 1 ] || { echo "expected one notice, got:"; echo "$err"; return 1; }
}
check "one notice for twenty calls on auto" in_dir "$work/nocc" one_notice

echo "package check: $failed failed"
[ "$failed" = 0 ]
