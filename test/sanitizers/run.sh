#!/usr/bin/env bash
# Builds the addon with sanitizers (cmake-js, into build-<kind>/) and runs vitest against it.
# Usage: test/sanitizers/run.sh asan|tsan [vitest filters...]
# Node itself is not instrumented, so the sanitizer runtime is preloaded into it.
set -euo pipefail
cd "$(dirname "$0")/../.."
kind=${1:?usage: run.sh asan|tsan [vitest args]}
shift
here=test/sanitizers
case $kind in
  asan)
    flags=address,undefined
    preload="$(g++ -print-file-name=libasan.so) $(g++ -print-file-name=libubsan.so)"
    export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=86:suppressions=$PWD/$here/asan.supp"
    export LSAN_OPTIONS="suppressions=$PWD/$here/lsan.supp:exitcode=87"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=88"
    # The RSS leak test measures the release build (every other run has it); here RSS is
    # ASan's allocator, and LeakSanitizer checks every process for leaks exactly instead.
    extra=(--exclude test/leak.test.ts)
    ;;
  tsan)
    flags=thread
    preload=$(g++ -print-file-name=libtsan.so)
    extra=()
    export TSAN_OPTIONS="halt_on_error=1:exitcode=89:second_deadlock_stack=1:suppressions=$PWD/$here/tsan.supp"
    ;;
  *) echo "unknown sanitizer '$kind' (asan or tsan)" >&2; exit 2 ;;
esac
npx tsc -p tsconfig.json
npx cmake-js compile --out "build-$kind" --CDCK_SANITIZE="$flags" >/dev/null
addon="$PWD/build-$kind/Release/corekernels.node"
# Only the test processes get the preload (see vitest.config.mts), not npx or vitest itself.
CK_TEST_PRELOAD="$preload" COREKERNELS_NATIVE="$addon" COREKERNELS_REQUIRE_NATIVE=1 \
  node node_modules/vitest/vitest.mjs run "${extra[@]}" "$@"
