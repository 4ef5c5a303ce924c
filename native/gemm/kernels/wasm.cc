// WebAssembly SIMD128 micro-kernels: 4×8 f32 and 4×4 f64 register tiles (eight 128-bit
// accumulators, two for B, one broadcast of A: within the 16 xmm/q registers V8 maps them
// to on x86-64 and arm64), the shape XNNPACK's wasmsimd f32 GEMM uses ("loadsplat": A is
// broadcast by a load-and-splat). With relaxed SIMD the multiply-add is relaxed_madd, which
// V8 lowers to a fused FMA where the CPU has one; baseline SIMD128 multiplies then adds.
// Only the WebAssembly build (scripts/build-wasm.sh) compiles this file.
#include "kernel.h"

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>

#include "microkernel.h"

namespace ck {
namespace gemm_kernels {
namespace {

#if defined(__wasm_relaxed_simd__)
#define CK_WASM_MADD(sfx, a, b, c) wasm_##sfx##_relaxed_madd(a, b, c)
#else
#define CK_WASM_MADD(sfx, a, b, c) wasm_##sfx##_add(wasm_##sfx##_mul(a, b), c)
#endif

// The f32 and f64 vector types differ only in lane count, element and the intrinsics'
// prefix, so one definition serves both. SIMD128 has no masked loads: a partial vector goes
// through a small zeroed array (only the right-edge columns of a direct B take it).
#define CK_WASM_VECTOR(Name, Elem, Lanes, sfx, splat_load)                 \
  struct Name {                                                           \
    using T = Elem;                                                       \
    using R = v128_t;                                                     \
    using Mask = size_t;                                                  \
    static constexpr size_t W = Lanes;                                    \
    static R zero() { return wasm_##sfx##_splat(0); }                     \
    static R load(const T* p) { return wasm_v128_load(p); }               \
    static R load_part(const T* p, Mask n) {                              \
      T tmp[W] = {};                                                      \
      for (size_t i = 0; i < W; ++i)                                      \
        if (i < n) tmp[i] = p[i];                                         \
      return wasm_v128_load(tmp);                                         \
    }                                                                     \
    static void store(T* p, R r) { wasm_v128_store(p, r); }               \
    static void store_part(T* p, R r, Mask n) {                           \
      T tmp[W];                                                           \
      wasm_v128_store(tmp, r);                                            \
      for (size_t i = 0; i < W; ++i)                                      \
        if (i < n) p[i] = tmp[i];                                         \
    }                                                                     \
    static R bcast(const T* p) { return splat_load(p); }                  \
    static R set1(T x) { return wasm_##sfx##_splat(x); }                  \
    static R fma(R a, R b, R c) { return CK_WASM_MADD(sfx, a, b, c); }    \
    static R mul(R a, R b) { return wasm_##sfx##_mul(a, b); }             \
    static R add(R a, R b) { return wasm_##sfx##_add(a, b); }             \
    static Mask mask(size_t n) { return n; }                              \
    static void prefetch(const void*) {}                                  \
  };
CK_WASM_VECTOR(F64x2, double, 2, f64x2, wasm_v128_load64_splat)
CK_WASM_VECTOR(F32x4, float, 4, f32x4, wasm_v128_load32_splat)
#undef CK_WASM_VECTOR
#undef CK_WASM_MADD

constexpr BlockShares kShares{0.5, 0, 0.3, 0.25};
constexpr Kernels<double> kF64 = make_kernels<F64x2, 4, 2>(Isa::wasm, "wasm f64", kShares);
constexpr Kernels<float> kF32 = make_kernels<F32x4, 4, 2>(Isa::wasm, "wasm f32", kShares);
constexpr KernelTables kTables{&kF32, &kF64};

}  // namespace

const KernelTables& wasm_tables() { return kTables; }

}  // namespace gemm_kernels
}  // namespace ck
#endif
