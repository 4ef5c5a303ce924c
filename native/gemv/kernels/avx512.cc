// AVX-512 matrix-vector kernels: span.h compiled with this file's flags (-mavx512f ...: 64-byte lanes).
// Only called when the CPU and OS support AVX-512 (runtime/cpu.cc).
#include "../kernels.h"

#if defined(__x86_64__) || defined(_M_X64)
#include "span.h"

namespace ck {

const GemvTable* gemv_table_avx512() {
  static constexpr GemvTable table = make_gemv_table("avx512");
  return &table;
}

}  // namespace ck

#else

namespace ck {
const GemvTable* gemv_table_avx512() { return nullptr; }
}  // namespace ck

#endif
