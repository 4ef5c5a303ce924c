#!/usr/bin/env bash
# Builds and runs the count kernels' C++ test (test/native/count_kernels.cc) without Node,
# with the half conversions of runtime/half.cc on every path this CPU has:
#   native  every x86-64 ISA table this CPU has, built twice (ASan + UBSan at -O2; TSan at
#           -O1, which also once exposed a GCC mask-spill miscompile), drivers run once per
#           COREKERNELS_ISA value
#   arm64   cross-compiled with aarch64-linux-gnu-g++ and run under qemu-aarch64 (the NEON
#           table and the drivers on it)
# Usage: test/native/count.sh [native|arm64|all]   (default all; arm64 is skipped with a
# note when the cross compiler or qemu is missing). Exit status non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
what=${1:-all}
out=${CK_TEST_OUT:-$(mktemp -d)}
common=(test/native/count_kernels.cc native/count/count.cc native/count/select.cc native/count/kernels/generic.cc
  native/count/kernels/neon.cc native/runtime/pool.cc native/runtime/cpu.cc native/runtime/half.cc)
flags=(-std=c++17 -Wall -Wextra -pthread)

native_with() {  # native_with NAME FLAGS...: build with FLAGS and run on every ISA
  local cxx=${CXX:-g++} name=$1
  shift
  "$cxx" "${flags[@]}" "$@" -c native/count/kernels/avx2.cc -o "$out/avx2-$name.o" -mavx2 -mfma -mpopcnt
  "$cxx" "${flags[@]}" "$@" -c native/count/kernels/avx512.cc -o "$out/avx512-$name.o" \
    -mavx512f -mavx512bw -mavx512dq -mavx512vl -mavx2 -mfma -mpopcnt
  "$cxx" "${flags[@]}" "$@" "${common[@]}" "$out/avx2-$name.o" "$out/avx512-$name.o" -o "$out/count-$name"
  for isa in generic avx2 avx512; do echo -n "$name: "; COREKERNELS_ISA=$isa "$out/count-$name"; done
}

native() {
  native_with asan -O2 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
  native_with tsan -O1 -g -fsanitize=thread
}

arm64() {
  if ! command -v aarch64-linux-gnu-g++ >/dev/null || ! command -v qemu-aarch64 >/dev/null; then
    echo "arm64: skipped (needs g++-aarch64-linux-gnu and qemu-user)"
    return 0
  fi
  aarch64-linux-gnu-g++ "${flags[@]}" -O2 "${common[@]}" native/count/kernels/avx2.cc native/count/kernels/avx512.cc \
    -o "$out/count-arm64"
  qemu-aarch64 -L /usr/aarch64-linux-gnu "$out/count-arm64"
}

case $what in
  native) native ;;
  arm64) arm64 ;;
  all) native; arm64 ;;
  *) echo "usage: $0 [native|arm64|all]" >&2; exit 2 ;;
esac
