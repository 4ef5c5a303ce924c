// AVX2 matrix-vector kernels: span.h compiled with this file's flags (-mavx2 -mfma: 32-byte lanes).
// Only called when the CPU and OS support AVX2 (runtime/cpu.cc).
#include "../kernels.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <cstring>
#include <immintrin.h>

#include "../../runtime/half.h"

// Half rows widen with F16C's vcvtph2ps, which this level's flags leave out (F16C has its own
// CPUID bit): the kernels below are compiled for it too, and select.cc takes this table's
// half kernels only where the CPU has F16C. The float kernels use no F16C instruction.
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("f16c"))), apply_to = function)
#elif defined(__GNUC__)
#pragma GCC target("f16c")
#endif
#define CK_GEMV_F16C 1
#include "span.h"

namespace ck {

const GemvTable* gemv_table_avx2() {
  static constexpr GemvTable table = make_gemv_table("avx2");
  return &table;
}

}  // namespace ck

#if defined(__clang__)
#pragma clang attribute pop
#endif

#else

namespace ck {
const GemvTable* gemv_table_avx2() { return nullptr; }
}  // namespace ck

#endif
