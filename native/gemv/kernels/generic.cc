// Portable C++ (SSE2 on x86-64, the baseline every x86-64 CPU has): the path on CPUs without
// a SIMD file here, and the reference the others are tested against (COREKERNELS_ISA=generic).
#include "span.h"

namespace ck {

const GemvTable* gemv_table_generic() {
  static constexpr GemvTable table = make_gemv_table("generic");
  return &table;
}

}  // namespace ck
