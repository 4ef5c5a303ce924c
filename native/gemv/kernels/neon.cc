// NEON (AArch64 Advanced SIMD) matrix-vector kernels: span.h with 16-byte lanes. Advanced
// SIMD is mandatory on AArch64, so this file needs no extra flags.
#include "../kernels.h"

#if defined(__aarch64__) && defined(__ARM_NEON)
#include "span.h"

namespace ck {

const GemvTable* gemv_table_neon() {
  static constexpr GemvTable table = make_gemv_table("neon");
  return &table;
}

}  // namespace ck

#else

namespace ck {
const GemvTable* gemv_table_neon() { return nullptr; }
}  // namespace ck

#endif
