#!/usr/bin/env bash
# Builds and runs one kernel folder's C++ test without Node (count.sh and gemv.sh name theirs):
#   native  every x86-64 ISA table this CPU has under ASan + UBSan (-O2), the test run once per
#           COREKERNELS_ISA value; then a TSan build (-O1, which also once exposed a GCC
#           mask-spill miscompile) run on the best table (avx512, or the best the CPU has)
#   arm64   cross-compiled with aarch64-linux-gnu-g++ and run under qemu-aarch64 (the NEON
#           table and the drivers on it)
# Usage: kernel-test.sh NAME FOLDER [native|arm64|all] SOURCES...   FOLDER is native/FOLDER,
# whose kernels/avx2.cc and kernels/avx512.cc get their ISA flags; SOURCES are the rest (the
# test, the drivers, the portable and NEON tables, the runtime pieces). arm64 is skipped with
# a note when the cross compiler or qemu is missing. Exit status non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
name=$1 folder=native/$2 what=$3
shift 3
common=("$@")
out=${CK_TEST_OUT:-$(mktemp -d)}
flags=(-std=c++17 -Wall -Wextra -pthread)

isa_flags() {  # the per-file ISA flags binding.gyp gives kernels/avx2.cc and kernels/avx512.cc
  case $1 in
    "$folder/kernels/avx512.cc") echo "-mavx512f -mavx512bw -mavx512dq -mavx512vl -mavx2 -mfma -mpopcnt" ;;
    "$folder/kernels/avx2.cc") echo "-mavx2 -mfma -mpopcnt" ;;
  esac
}

build() {  # build CXX BUILD FILES... -- FLAGS...: one object per file, compiled side by side (the
  # machine's cores), then linked; the kernel tables' files are most of the compile time
  local cxx=$1 build=$2 files=() objs=() pids=() status=0
  shift 2
  while [[ $1 != -- ]]; do files+=("$1"); shift; done
  shift
  mkdir -p "$out/$build"
  for f in "${files[@]}"; do
    local o="$out/$build/$(echo "$f" | tr / _).o"
    # shellcheck disable=SC2046
    "$cxx" "${flags[@]}" "$@" $([[ $cxx == aarch64* ]] || isa_flags "$f") -c "$f" -o "$o" &
    objs+=("$o") pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || status=1; done
  [[ $status -eq 0 ]] || return 1
  "$cxx" "${flags[@]}" "$@" "${objs[@]}" -o "$out/$name-$build"
}

native_with() {  # native_with BUILD "ISAS" FLAGS...: build with FLAGS and run on each of ISAS
  local build=$1 isas=$2
  shift 2
  build "${CXX:-g++}" "$build" "${common[@]}" "$folder/kernels/avx2.cc" "$folder/kernels/avx512.cc" -- "$@"
  for isa in $isas; do echo -n "$name $build $isa: "; COREKERNELS_ISA=$isa "$out/$name-$build"; done
}

# ASan+UBSan check every ISA's kernels; TSan, which watches the drivers and the pool (the same
# code above every ISA table), runs the best one: its three runs took 400 of count.sh's 820 s.
native() {
  native_with asan "generic avx2 avx512" -O2 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
  native_with tsan "avx512" -O1 -g -fsanitize=thread
}

arm64() {
  if ! command -v aarch64-linux-gnu-g++ >/dev/null || ! command -v qemu-aarch64 >/dev/null; then
    echo "arm64: skipped (needs g++-aarch64-linux-gnu and qemu-user)"
    return 0
  fi
  build aarch64-linux-gnu-g++ arm64 "${common[@]}" "$folder/kernels/avx2.cc" "$folder/kernels/avx512.cc" -- -O2
  qemu-aarch64 -L /usr/aarch64-linux-gnu "$out/$name-arm64"
}

case $what in
  native) native ;;
  arm64) arm64 ;;
  all) native; arm64 ;;
  *) echo "usage: $0 NAME FOLDER [native|arm64|all] SOURCES..." >&2; exit 2 ;;
esac
