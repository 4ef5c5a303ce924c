#!/usr/bin/env bash
# The count kernels' C++ test (test/native/count_kernels.cc), with the half conversions of
# runtime/half.cc on every path this CPU has: see kernel-test.sh.
# Usage: test/native/count.sh [native|arm64|all]   (default all)
set -euo pipefail
cd "$(dirname "$0")/../.."
exec bash test/native/kernel-test.sh count count "${1:-all}" test/native/count_kernels.cc native/count/count.cc \
  native/count/select.cc native/count/kernels/generic.cc native/count/kernels/neon.cc native/runtime/pool.cc \
  native/runtime/cpu.cc native/runtime/tuning.cc native/runtime/half.cc
