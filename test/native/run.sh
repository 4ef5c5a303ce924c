#!/usr/bin/env bash
# Builds and runs the native GEMM test (gemm_test.cc) outside Node:
#   run.sh host    on this machine, every ISA path the CPU has (x64: generic, avx2, avx512)
#   run.sh arm64   cross-compiled with Debian's aarch64 g++ and run under qemu-user (generic, neon)
#   run.sh         both
# Each run happens twice: with the caches the OS reports, and with tiny ones
# (COREKERNELS_CACHE) so every blocking path — many depth blocks, B split into regions —
# is reached at test sizes. SAN=address,undefined (or thread) builds with sanitizers.
# Needs: g++; for arm64 `apt-get install g++-aarch64-linux-gnu qemu-user`.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${OUT:-$root/build/native-test}
mkdir -p "$out"

sources=(native/runtime/cpu.cc native/runtime/tuning.cc native/runtime/cache.cc native/runtime/pool.cc
  native/gemm/gemm.cc native/gemm/batch.cc native/gemm/buffer.cc native/gemm/driver.cc native/gemm/plan.cc native/gemm/blocking.cc
  native/gemm/kernels/select.cc native/gemm/kernels/generic.cc native/gemm/half_gemm.cc native/gemm/half_batch.cc native/runtime/half.cc
  test/native/gemm_test.cc)
x64_sources=(native/gemm/kernels/avx2.cc native/gemm/kernels/avx512.cc)
arm64_sources=(native/gemm/kernels/neon.cc)

# The same per-file ISA flags binding.gyp and CMakeLists.txt give kernels/avx2*.cc and avx512*.cc.
isa_flags() {
  case $(basename "$1") in
    avx512*) echo "-mavx512f -mavx512dq -mavx512bw -mavx512vl -mavx2 -mfma -mpopcnt" ;;
    avx2*) echo "-mavx2 -mfma -mpopcnt" ;;
  esac
}

build() { # build CXX NAME FILES...: one object per file with its own flags, then link
  local cxx=$1 name=$2; shift 2
  local dir="$out/$name" objs=() pids=() flags=(-std=c++17 -O2 -g -Wall -Wextra -pthread)
  [[ -n ${SAN:-} ]] && flags+=(-fsanitize="$SAN" -fno-omit-frame-pointer)
  mkdir -p "$dir"
  for f in "$@"; do
    local o="$dir/$(echo "$f" | tr / _).o"
    # shellcheck disable=SC2046
    "$cxx" "${flags[@]}" $(isa_flags "$f") -c "$root/$f" -o "$o" &
    objs+=("$o") pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
  "$cxx" "${flags[@]}" "${objs[@]}" -o "$dir/gemm_test"
}

run_twice() { # run_twice LABEL COMMAND...
  local label=$1; shift
  echo "== $label, OS cache sizes"
  "$@"
  echo "== $label, COREKERNELS_CACHE=4K,32K,256K"
  COREKERNELS_CACHE=4K,32K,256K "$@" --quick
}

target=${1:-all}
t0=$SECONDS
if [[ $target == host || $target == all ]]; then
  extra=()
  [[ $(uname -m) == x86_64 ]] && extra=("${x64_sources[@]}")
  [[ $(uname -m) == aarch64 ]] && extra=("${arm64_sources[@]}")
  build "${CXX:-g++}" host "${sources[@]}" "${extra[@]}"
  run_twice "host ($(uname -m))" "$out/host/gemm_test"
fi
if [[ $target == arm64 || $target == all ]]; then
  build aarch64-linux-gnu-g++ arm64 "${sources[@]}" "${arm64_sources[@]}"
  # Under qemu every product is emulated (~20x slower): the quick set (150 random problems a
  # kernel table and dtype) with both cache sizes, where the host runs the full 500.
  run_twice "arm64 (qemu-user)" qemu-aarch64 -L /usr/aarch64-linux-gnu "$out/arm64/gemm_test" --quick
fi
echo "native gemm tests passed in $((SECONDS - t0)) s"
