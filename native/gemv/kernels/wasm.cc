// WebAssembly SIMD128 matrix-vector kernels: span.h with 16-byte lanes (-msimd128).
// Only the WebAssembly build (scripts/build-wasm.sh) compiles this file.
#include "../kernels.h"

#if defined(__wasm_simd128__)
#include "span.h"

namespace ck {

const GemvTable* gemv_table_wasm() {
  static constexpr GemvTable table = make_gemv_table("wasm");
  return &table;
}

}  // namespace ck
#endif
