// AVX-512 micro-kernels: a 14×16 f64 register tile (28 of the 32 zmm registers accumulate,
// 2 hold B, 1 the broadcast of A) and an 8×48 f32 one (24 accumulate, 3 hold B), built with -mavx512f -mavx512dq
// -mavx512bw -mavx512vl -mfma. Only reached when cpu.cc saw the CPU and OS support it.
#include "kernel.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>

#include "microkernel.h"

namespace ck {
namespace gemm_kernels {
namespace {

// The f64 and f32 vector types differ only in register, mask and lane count and in the
// intrinsics' suffix, so one definition serves both.
#define CK_AVX512_VECTOR(Name, Elem, Reg, MaskType, Lanes, sfx)                                          \
  struct Name {                                                                                          \
    using T = Elem;                                                                                      \
    using R = Reg;                                                                                       \
    using Mask = MaskType;                                                                               \
    static constexpr size_t W = Lanes;                                                                   \
    static R zero() { return _mm512_setzero_##sfx(); }                                                   \
    static R load(const T* p) { return _mm512_loadu_##sfx(p); }                                          \
    static R load_part(const T* p, Mask m) { return _mm512_maskz_loadu_##sfx(m, p); }                    \
    static void store(T* p, R r) { _mm512_storeu_##sfx(p, r); }                                          \
    static void store_part(T* p, R r, Mask m) { _mm512_mask_storeu_##sfx(p, m, r); }                     \
    static R bcast(const T* p) { return _mm512_set1_##sfx(*p); }                                         \
    static R set1(T x) { return _mm512_set1_##sfx(x); }                                                  \
    static R fma(R a, R b, R c) { return _mm512_fmadd_##sfx(a, b, c); }                                  \
    static R mul(R a, R b) { return _mm512_mul_##sfx(a, b); }                                            \
    static R add(R a, R b) { return _mm512_add_##sfx(a, b); }                                            \
    static Mask mask(size_t n) { return static_cast<Mask>((1u << n) - 1u); }                             \
    static void prefetch(const void* p) { _mm_prefetch(static_cast<const char*>(p), _MM_HINT_T0); }      \
  };
CK_AVX512_VECTOR(F64x8, double, __m512d, __mmask8, 8, pd)
CK_AVX512_VECTOR(F32x16, float, __m512, __mmask16, 16, ps)
#undef CK_AVX512_VECTOR

// Measured on a 48 KiB-L1d / 2 MiB-L2 Sapphire Rapids (VM, neighbours on the other core):
// deep depth blocks (KC = 1024, the B micro-panel 1/16 of L2, streamed with prefetch) and a
// small A block (0.22 of L2, MC = 56 f64 rows) beat the textbook L1-sized KC by 10-15%:
// each pass over C costs more than the L1 misses that a deep KC brings.
constexpr BlockShares kShares{0, 1.0 / 16, 0.22, 0.25};
constexpr Kernels<double> kF64 = make_kernels<F64x8, 14, 2>(Isa::avx512, "avx512 f64", kShares);
// f32 takes 8 rows × 3 vectors rather than 14 × 2: fewer loads a depth step (3 vectors and 8
// broadcasts for 24 FMAs, against 2 and 14 for 28), and 192 = 4·48 = 24·8 leaves no ragged
// panel. Measured on the same machine, thread CPU time, one thread (machine shared, so
// indicative): n = 192 +10-15%, 384 +5%, 10000x64·64x64 +10%, level at 256 … 1024. Its B
// micro-panel share keeps KC where 14×32's was (L2 / 2048 floats), so the depth blocks, and
// with them every float32 result, are unchanged.
constexpr BlockShares kSharesF32{0, 3.0 / 32, 0.22, 0.25};
constexpr Kernels<float> kF32 = make_kernels<F32x16, 8, 3>(Isa::avx512, "avx512 f32", kSharesF32);
constexpr KernelTables kTables{&kF32, &kF64};

}  // namespace

const KernelTables& avx512_tables() { return kTables; }

}  // namespace gemm_kernels
}  // namespace ck
#endif
