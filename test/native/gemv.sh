#!/usr/bin/env bash
# The matrix-vector C++ test (test/native/gemv_test.cc): see kernel-test.sh.
# Usage: test/native/gemv.sh [native|arm64|all]   (default all)
set -euo pipefail
cd "$(dirname "$0")/../.."
exec bash test/native/kernel-test.sh gemv gemv "${1:-all}" test/native/gemv_test.cc native/gemv/gemv.cc \
  native/gemv/select.cc native/gemv/kernels/generic.cc native/gemv/kernels/neon.cc native/runtime/pool.cc \
  native/runtime/cpu.cc native/runtime/tuning.cc native/runtime/half.cc
