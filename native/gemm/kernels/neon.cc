// NEON (AArch64 Advanced SIMD) micro-kernels: 6×8 f64 and 6×16 f32 register tiles (24 of
// the 32 q registers accumulate, 4 hold B, 1 the broadcast of A). Advanced SIMD is part of
// the AArch64 baseline, so this file needs no extra compiler flags.
#include "kernel.h"

#if defined(__aarch64__) || defined(_M_ARM64)
#include <arm_neon.h>

#include "microkernel.h"

namespace ck {
namespace gemm_kernels {
namespace {

#if defined(_MSC_VER) && !defined(__clang__)
#define CK_NEON_PREFETCH(p) __prefetch(p)
#else
#define CK_NEON_PREFETCH(p) __builtin_prefetch(p)
#endif

// The f64 and f32 vector types differ only in register, lane count and the intrinsics'
// suffix, so one definition serves both. NEON has no masked loads: a partial vector goes
// through a small zeroed array, which only the right-edge columns of a direct B ever take.
#define CK_NEON_VECTOR(Name, Elem, Reg, Lanes, sfx)                                      \
  struct Name {                                                                          \
    using T = Elem;                                                                      \
    using R = Reg;                                                                       \
    using Mask = size_t;                                                                 \
    static constexpr size_t W = Lanes;                                                   \
    static R zero() { return vdupq_n_##sfx(0); }                                         \
    static R load(const T* p) { return vld1q_##sfx(p); }                                 \
    static R load_part(const T* p, Mask n) {                                             \
      T tmp[W] = {};                                                                     \
      for (size_t i = 0; i < W; ++i)                                                     \
        if (i < n) tmp[i] = p[i];                                                        \
      return vld1q_##sfx(tmp);                                                           \
    }                                                                                    \
    static void store(T* p, R r) { vst1q_##sfx(p, r); }                                  \
    static void store_part(T* p, R r, Mask n) {                                          \
      T tmp[W];                                                                          \
      vst1q_##sfx(tmp, r);                                                               \
      for (size_t i = 0; i < W; ++i)                                                     \
        if (i < n) p[i] = tmp[i];                                                        \
    }                                                                                    \
    static R bcast(const T* p) { return vld1q_dup_##sfx(p); }                            \
    static R set1(T x) { return vdupq_n_##sfx(x); }                                      \
    static R fma(R a, R b, R c) { return vfmaq_##sfx(c, a, b); }                         \
    static R mul(R a, R b) { return vmulq_##sfx(a, b); }                                 \
    static R add(R a, R b) { return vaddq_##sfx(a, b); }                                 \
    static Mask mask(size_t n) { return n; }                                             \
    static void prefetch(const void* p) { CK_NEON_PREFETCH(p); }                        \
  };
CK_NEON_VECTOR(F64x2, double, float64x2_t, 2, f64)
CK_NEON_VECTOR(F32x4, float, float32x4_t, 4, f32)
#undef CK_NEON_VECTOR

constexpr BlockShares kShares{0.5, 0, 0.3, 0.25};
constexpr Kernels<double> kF64 = make_kernels<F64x2, 6, 4>(Isa::neon, "neon f64", kShares);
constexpr Kernels<float> kF32 = make_kernels<F32x4, 6, 4>(Isa::neon, "neon f32", kShares);
constexpr KernelTables kTables{&kF32, &kF64};

}  // namespace

const KernelTables& neon_tables() { return kTables; }

}  // namespace gemm_kernels
}  // namespace ck
#endif
