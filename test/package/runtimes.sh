#!/usr/bin/env bash
# The packed tarball on every JavaScript runtime we support: installs it with --ignore-scripts
# into an empty folder (so only the shipped prebuild can give the addon) and runs smoke.mjs
# there on the host's Node, on Bun and on Deno (the latest of each from the npm registry,
# cached by version). Exits 1 if any runtime fails.
#   bash test/package/runtimes.sh [corekernels-x.y.z.tgz]    (no tarball: packs this checkout)
# Environment: RUNTIMES="node bun deno" (which to run); NODE (the node command, default
# node, e.g. "qemu-aarch64 -L /usr/aarch64-linux-gnu /path/to/arm64/bin/node"); BUN_VERSION,
# DENO_VERSION (a version, range or tag; default latest); COREKERNELS_CI_CACHE (default
# ~/.cache/corekernels-ci); SMOKE_TIMEOUT (seconds a runtime may take, default 900);
# REQUIRE_NATIVE (default 1: each runtime must load the shipped prebuild).
set -uo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
work=$(mktemp -d "${TMPDIR:-/tmp}/ck-runtimes.XXXXXX")
trap 'rm -rf "$work"' EXIT
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false npm_config_loglevel=error
runtimes=${RUNTIMES:-node bun deno}

tgz=${1:-}
if [ -z "$tgz" ]; then
  echo "packing (prepack compiles the prebuild; this takes a while)"
  npm pack --pack-destination "$work" > "$work/pack.log" 2>&1 || { tail -n 40 "$work/pack.log"; echo "FAIL npm pack"; exit 1; }
  tgz=$(echo "$work"/corekernels-*.tgz)
fi
tgz=$(realpath "$tgz") || exit 1

# shellcheck source=fetch.sh
source "$repo/test/package/fetch.sh"

app=$work/app
mkdir -p "$app" && printf '{ "name": "app", "private": true }\n' > "$app/package.json"
(cd "$app" && npm install --ignore-scripts "$tgz" > "$work/install.log" 2>&1) || { cat "$work/install.log"; echo "FAIL npm install"; exit 1; }
cp "$repo/test/package/smoke.mjs" "$app/"
echo "installed $(basename "$tgz") with --ignore-scripts into $app"

# Deno 2: the package.json beside the script puts it in "manual" node_modules mode, so the
# bare 'corekernels' resolves to the folder npm installed, no flag needed (and no deno.lock
# is written). No update check, and a cache folder of its own so nothing outside is written.
export DENO_NO_UPDATE_CHECK=1 DENO_DIR=$work/deno-dir
summary=() failed=0
for rt in $runtimes; do
  case $rt in
    node) read -ra cmd <<<"${NODE:-node}"; cmd+=(smoke.mjs) ;;
    bun) bin=$(fetch @oven/bun-linux-x64 "${BUN_VERSION:-latest}" bun) || { summary+=("bun: FAILED to fetch"); failed=1; continue; }
      cmd=("$bin" smoke.mjs) ;;
    deno) bin=$(fetch @deno/linux-x64-glibc "${DENO_VERSION:-latest}" deno) || { summary+=("deno: FAILED to fetch"); failed=1; continue; }
      cmd=("$bin" run -A smoke.mjs) ;;
    *) echo "unknown runtime $rt"; exit 2 ;;
  esac
  version=$("${cmd[@]:0:${#cmd[@]}-1}" --version | head -n 1) # the command without its script
  echo "::: smoke on $rt ($version): ${cmd[*]}"
  t0=$SECONDS
  if (cd "$app" && REQUIRE_NATIVE=${REQUIRE_NATIVE:-1} timeout "${SMOKE_TIMEOUT:-900}" "${cmd[@]}"); then
    summary+=("$rt ($version): ok, $((SECONDS - t0)) s")
  else
    summary+=("$rt ($version): FAILED (exit $?), $((SECONDS - t0)) s"); failed=1
  fi
done
echo "::: runtimes"
printf '%s\n' "${summary[@]}"
exit $failed
