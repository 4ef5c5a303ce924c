// AVX2+FMA micro-kernels: 6×8 f64 and 6×16 f32 register tiles (12 of the 16 ymm registers
// accumulate, 2 hold B, 1 the broadcast of A), built with -mavx2 -mfma. Only reached when
// cpu.cc saw the CPU and OS support it.
#include "kernel.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>

#include "microkernel.h"

namespace ck {
namespace gemm_kernels {
namespace {

// The f64 and f32 vector types differ only in register and lane count, the intrinsics'
// suffix, the broadcast and how a lane mask is built, so one definition serves both.
#define CK_AVX2_VECTOR(Name, Elem, Reg, Lanes, sfx, bcast_sfx, MASK)                                    \
  struct Name {                                                                                          \
    using T = Elem;                                                                                      \
    using R = Reg;                                                                                       \
    using Mask = __m256i;                                                                                \
    static constexpr size_t W = Lanes;                                                                   \
    static R zero() { return _mm256_setzero_##sfx(); }                                                   \
    static R load(const T* p) { return _mm256_loadu_##sfx(p); }                                          \
    static R load_part(const T* p, Mask m) { return _mm256_maskload_##sfx(p, m); }                       \
    static void store(T* p, R r) { _mm256_storeu_##sfx(p, r); }                                          \
    static void store_part(T* p, R r, Mask m) { _mm256_maskstore_##sfx(p, m, r); }                       \
    static R bcast(const T* p) { return _mm256_broadcast_##bcast_sfx(p); }                               \
    static R set1(T x) { return _mm256_set1_##sfx(x); }                                                  \
    static R fma(R a, R b, R c) { return _mm256_fmadd_##sfx(a, b, c); }                                  \
    static R mul(R a, R b) { return _mm256_mul_##sfx(a, b); }                                            \
    static R add(R a, R b) { return _mm256_add_##sfx(a, b); }                                            \
    static Mask mask(size_t n) { return MASK; }                                                          \
    static void prefetch(const void* p) { _mm_prefetch(static_cast<const char*>(p), _MM_HINT_T0); }      \
  };
// Lane i is on when i < n: compare n against 0, 1, 2, ... in integer lanes of the element's width.
CK_AVX2_VECTOR(F64x4, double, __m256d, 4, pd, sd,
               _mm256_cmpgt_epi64(_mm256_set1_epi64x(static_cast<long long>(n)), _mm256_setr_epi64x(0, 1, 2, 3)))
CK_AVX2_VECTOR(F32x8, float, __m256, 8, ps, ss,
               _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(n)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)))
#undef CK_AVX2_VECTOR

// B micro-panel in half of L1, A block in 0.3 of L2 (AVX2: measured flat around these).
constexpr BlockShares kShares{0.5, 0, 0.3, 0.25};
constexpr Kernels<double> kF64 = make_kernels<F64x4, 6, 2>(Isa::avx2, "avx2 f64", kShares);
constexpr Kernels<float> kF32 = make_kernels<F32x8, 6, 2>(Isa::avx2, "avx2 f32", kShares);
constexpr KernelTables kTables{&kF32, &kF64};

}  // namespace

const KernelTables& avx2_tables() { return kTables; }

}  // namespace gemm_kernels
}  // namespace ck
#endif
