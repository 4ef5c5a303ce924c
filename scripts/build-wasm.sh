#!/usr/bin/env bash
# Builds the WebAssembly engine from the native/ kernel sources: two modules, relaxed SIMD
# and baseline SIMD128 (src/backends/wasm.ts picks one at load), into wasm/ or the folder
# given as $1. Needs Debian's clang-19, lld-19 and the wasm32 libc++ and wasi-libc headers
# (apt-get install clang-19 lld-19 libc++-19-dev-wasm32 wasi-libc); no libc or libc++ is
# linked (native/wasm/runtime.cc says why). The output is byte-for-byte reproducible: no
# debug info, no names section, no absolute paths (CI rebuilds and compares: --check).
#
#   scripts/build-wasm.sh            rebuild wasm/*.wasm
#   scripts/build-wasm.sh --check    rebuild into a temp folder; fail if wasm/ differs
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if [[ "${1:-}" == "--check" ]]; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  "$0" "$tmp"
  status=0
  for f in "$tmp"/*.wasm; do
    if ! cmp -s "$f" "wasm/$(basename "$f")"; then
      echo "wasm/$(basename "$f") differs from a fresh build: run scripts/build-wasm.sh and commit" >&2
      status=1
    fi
  done
  [[ $status == 0 ]] && echo "wasm/*.wasm match their sources"
  exit $status
fi

out="${1:-wasm}"
mkdir -p "$out"
CXX="${CXX_WASM:-clang++-19}"
LD="${LD_WASM:-wasm-ld-19}"
LIBCXX=/usr/lib/llvm-19/include/wasm32-wasi/c++/v1
LIBC=/usr/include/wasm32-wasi
for need in "$LIBCXX/vector" "$LIBC/stdlib.h"; do
  [[ -e "$need" ]] || { echo "missing $need: apt-get install libc++-19-dev-wasm32 wasi-libc" >&2; exit 1; }
done

sources=(
  native/gemm/gemm.cc native/gemm/batch.cc native/gemm/plan.cc native/gemm/blocking.cc native/gemm/buffer.cc native/gemm/driver.cc
  native/gemm/half_gemm.cc native/gemm/half_batch.cc
  native/gemm/kernels/wasm.cc
  native/count/count.cc native/count/kernels/wasm.cc native/runtime/half.cc
  native/gemv/gemv.cc native/gemv/kernels/wasm.cc
  native/wasm/heap.cc native/wasm/runtime.cc native/wasm/exports.cc
)

# Worker threads instantiate the same module on the same memory, each with its own stack
# and thread-local block: the stack pointer and the TLS set-up are exported for that
# (src/backends/wasm.ts, instantiateThread).
# Pages of 64 KiB. The stack (1 MiB) and data sit below the heap; the memory may grow to the
# last page below 4 GiB (native/wasm/heap.cc never uses that one).
INITIAL_PAGES=64
MAX_PAGES=65535

build() {
  local name="$1"; shift
  local objs="$(mktemp -d)"
  local flags=(--target=wasm32-wasi -nostdinc++ -isystem "$LIBCXX" -isystem "$LIBC" -std=c++17 -O3 -DNDEBUG -fno-math-errno -Wall -Wextra
    -msimd128 -matomics -mbulk-memory -mmutable-globals -fno-exceptions -fno-rtti -ffile-prefix-map="$root"=. "$@")
  local objects=()
  for src in "${sources[@]}"; do
    local obj="$objs/$(echo "$src" | tr / _).o"
    "$CXX" "${flags[@]}" -c "$src" -o "$obj"
    objects+=("$obj")
  done
  "$LD" --no-entry --import-memory --shared-memory --initial-memory=$((INITIAL_PAGES * 65536)) \
    --max-memory=$((MAX_PAGES * 65536)) -z stack-size=1048576 --strip-all --gc-sections \
    --export=__stack_pointer --export=__wasm_init_tls --export=__tls_size --export=__tls_align \
    "${objects[@]}" -o "$out/corekernels-$name.wasm"
  rm -rf "$objs"
}

build relaxed -mrelaxed-simd
build simd128
ls -l "$out"/corekernels-*.wasm
