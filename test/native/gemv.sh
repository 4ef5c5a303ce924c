#!/usr/bin/env bash
# Builds and runs the matrix-vector C++ test (test/native/gemv_test.cc) without Node:
#   native  every x86-64 ISA table this CPU has, built twice (ASan + UBSan at -O2, TSan at
#           -O1), the driver run once per COREKERNELS_ISA value
#   arm64   cross-compiled with aarch64-linux-gnu-g++ and run under qemu-aarch64 (the NEON
#           table and the driver on it)
# Usage: test/native/gemv.sh [native|arm64|all]   (default all; arm64 is skipped with a
# note when the cross compiler or qemu is missing). Exit status non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
what=${1:-all}
out=${CK_TEST_OUT:-$(mktemp -d)}
common=(test/native/gemv_test.cc native/gemv/gemv.cc native/gemv/select.cc native/gemv/kernels/generic.cc
  native/gemv/kernels/neon.cc native/runtime/pool.cc native/runtime/cpu.cc)
flags=(-std=c++17 -Wall -Wextra -pthread)

native_with() {  # native_with NAME FLAGS...: build with FLAGS and run on every ISA
  local cxx=${CXX:-g++} name=$1
  shift
  "$cxx" "${flags[@]}" "$@" -c native/gemv/kernels/avx2.cc -o "$out/avx2-$name.o" -mavx2 -mfma -mpopcnt
  "$cxx" "${flags[@]}" "$@" -c native/gemv/kernels/avx512.cc -o "$out/avx512-$name.o" \
    -mavx512f -mavx512bw -mavx512dq -mavx512vl -mavx2 -mfma -mpopcnt
  "$cxx" "${flags[@]}" "$@" "${common[@]}" "$out/avx2-$name.o" "$out/avx512-$name.o" -o "$out/gemv-$name"
  for isa in generic avx2 avx512; do echo -n "$name $isa: "; COREKERNELS_ISA=$isa "$out/gemv-$name"; done
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
  aarch64-linux-gnu-g++ "${flags[@]}" -O2 "${common[@]}" native/gemv/kernels/avx2.cc native/gemv/kernels/avx512.cc \
    -o "$out/gemv-arm64"
  qemu-aarch64 -L /usr/aarch64-linux-gnu "$out/gemv-arm64"
}

case $what in
  native) native ;;
  arm64) arm64 ;;
  all) native; arm64 ;;
  *) echo "usage: $0 [native|arm64|all]" >&2; exit 2 ;;
esac
