# Sourced by the package scripts (arm64.sh, runtimes.sh):
#   fetch PACKAGE VERSION BINARY   prints the path of BINARY inside PACKAGE@VERSION
# VERSION may be a tag or a range; scripts/fetch-runtime.sh downloads it once into the cache
# ($COREKERNELS_CI_CACHE, default ~/.cache/corekernels-ci).
fetch() {
  local dir
  dir=$(bash "$(dirname "${BASH_SOURCE[0]}")/../../scripts/fetch-runtime.sh" "$1@$2") || return 1
  find "$dir" -type f -name "$3" -perm -u+x | head -n 1 | grep . || { echo "no $3 in $dir" >&2; return 1; }
}
