// The span conversions of half.h, one per instruction set. The x86-64 ones are single
// functions compiled for their instructions with a target attribute (not target_clones:
// nothing here needs ifunc) and only reached when cpu.cc saw the CPU support them.
#include "half.h"

#if !defined(__wasm__)
#include "cpu.h"
#endif

#if (defined(__x86_64__) || defined(_M_X64)) && (defined(__GNUC__) || defined(__clang__))
#define CK_HALF_X86 1
#include <immintrin.h>
#elif defined(__aarch64__)
#define CK_HALF_NEON 1
#include <arm_neon.h>
#endif

namespace ck {
namespace {

void widen_portable(const uint16_t* src, size_t n, float* dst) {
  for (size_t i = 0; i < n; ++i) dst[i] = half_to_float(src[i]);
}
void narrow_portable(const float* src, size_t n, uint16_t* dst) {
  for (size_t i = 0; i < n; ++i) dst[i] = float_to_half(src[i]);
}
constexpr HalfConvert kPortable{"portable", &widen_portable, &narrow_portable};

#if CK_HALF_X86
__attribute__((target("avx,f16c"))) void widen_f16c(const uint16_t* src, size_t n, float* dst) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i))));
  for (; i < n; ++i) dst[i] = half_to_float(src[i]);
}
__attribute__((target("avx,f16c"))) void narrow_f16c(const float* src, size_t n, uint16_t* dst) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), _mm256_cvtps_ph(_mm256_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT));
  for (; i < n; ++i) dst[i] = float_to_half(src[i]);
}
constexpr HalfConvert kF16c{"f16c", &widen_f16c, &narrow_f16c};

// The maskz forms with every lane on: GCC 12's plain forms pass an undefined register
// through and warn that it may be used uninitialised.
__attribute__((target("avx512f"))) void widen_avx512(const uint16_t* src, size_t n, float* dst) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16)
    _mm512_storeu_ps(dst + i, _mm512_maskz_cvtph_ps(0xffff, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i))));
  for (; i < n; ++i) dst[i] = half_to_float(src[i]);
}
__attribute__((target("avx512f"))) void narrow_avx512(const float* src, size_t n, uint16_t* dst) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16)
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), _mm512_maskz_cvtps_ph(0xffff, _mm512_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT));
  for (; i < n; ++i) dst[i] = float_to_half(src[i]);
}
constexpr HalfConvert kAvx512{"avx512", &widen_avx512, &narrow_avx512};
#endif

#if CK_HALF_NEON
void widen_neon(const uint16_t* src, size_t n, float* dst) {
  size_t i = 0;
  for (; i + 4 <= n; i += 4) vst1q_f32(dst + i, vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(src + i))));
  for (; i < n; ++i) dst[i] = half_to_float(src[i]);
}
void narrow_neon(const float* src, size_t n, uint16_t* dst) {
  size_t i = 0;  // vcvt_f16_f32 rounds per FPCR: to nearest even, as Node leaves it
  for (; i + 4 <= n; i += 4) vst1_u16(dst + i, vreinterpret_u16_f16(vcvt_f16_f32(vld1q_f32(src + i))));
  for (; i < n; ++i) dst[i] = float_to_half(src[i]);
}
constexpr HalfConvert kNeon{"neon", &widen_neon, &narrow_neon};
#endif

#if !defined(__wasm__)
const HalfConvert& choose() {
  switch (active_isa()) {
    case Isa::avx512:
      if (const HalfConvert* c = half_convert_avx512()) return *c;
      [[fallthrough]];
    case Isa::avx2:
      if (const HalfConvert* c = half_convert_f16c()) return *c;
      break;
    case Isa::neon:
      if (const HalfConvert* c = half_convert_neon()) return *c;
      break;
    default: break;
  }
  return kPortable;
}
#endif

}  // namespace

const HalfConvert* half_convert_portable() { return &kPortable; }

#if CK_HALF_X86
const HalfConvert* half_convert_f16c() { return cpu_has_f16c() ? &kF16c : nullptr; }
const HalfConvert* half_convert_avx512() { return isa_supported(Isa::avx512) ? &kAvx512 : nullptr; }
#else
const HalfConvert* half_convert_f16c() { return nullptr; }
const HalfConvert* half_convert_avx512() { return nullptr; }
#endif
#if CK_HALF_NEON
const HalfConvert* half_convert_neon() { return &kNeon; }
#else
const HalfConvert* half_convert_neon() { return nullptr; }
#endif

const HalfConvert& half_convert() {
#if defined(__wasm__)
  return kPortable;  // SIMD128 has no half conversions
#else
  static const HalfConvert& c = choose();
  return c;
#endif
}

}  // namespace ck
