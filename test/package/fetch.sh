# Sourced by the package scripts (arm64.sh; runtimes.sh can share it): fetches a runtime
# binary from the npm registry into a cache shared between runs and between checkouts.
#   fetch PACKAGE VERSION BINARY   prints the path of BINARY inside PACKAGE@VERSION
# VERSION may be a tag or a range (the newest version it names). npm pack, since npm install
# refuses these os/cpu-specific packages; unpacked once into $COREKERNELS_CI_CACHE (default
# ~/.cache/corekernels-ci). Several runs may fetch at once: each unpacks into a folder of its
# own and renames it into place.
fetch() {
  local pkg=$1 version=$2 bin=$3 cache=${COREKERNELS_CI_CACHE:-$HOME/.cache/corekernels-ci} dir tmp
  version=$(npm view "$pkg@$version" version --json | node -e '
    const all = [].concat(JSON.parse(require("fs").readFileSync(0, "utf8"))); // in no particular order
    console.log(all.sort((a, b) => a.localeCompare(b, "en", { numeric: true })).pop());') &&
    [ -n "$version" ] || { echo "npm view $pkg@$2 failed" >&2; return 1; }
  dir=$cache/$(sed 's|^@||; s|/|-|' <<<"$pkg")-$version
  if [ ! -d "$dir" ]; then
    mkdir -p "$cache" && tmp=$(mktemp -d "$cache/.fetch.XXXXXX") || return 1
    if ! (cd "$tmp" && npm pack "$pkg@$version" > pack.log 2>&1 && tar -xzf ./*.tgz && rm ./*.tgz pack.log); then
      cat "$tmp/pack.log" >&2; rm -rf "$tmp"; echo "npm pack $pkg@$version failed" >&2; return 1
    fi
    mv -T "$tmp" "$dir" 2>/dev/null || rm -rf "$tmp" # another run got there first
  fi
  find "$dir/package" -type f -name "$bin" -perm -u+x | head -n 1 | grep . || { echo "no $bin in $dir" >&2; return 1; }
}
