#pragma once
// IEEE binary16 (JavaScript's Float16Array) as stored, and its conversions to and from
// float32. Every kernel computes on float32: a half widens exactly, so counts, histograms
// and min/max over the widened values equal those over the halves, and GEMM accumulates in
// float32 (as BLAS hgemm with float32 compute does) and rounds once at the end.
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace ck {

// A distinct type, so that templates over element types tell a half from a uint16_t.
struct half {
  uint16_t bits;
};

// The type a stored element is computed in: itself, except a half (Float16Array), which the
// kernels widen to float32 (exact) as they read it, a block or a register at a time.
template <class T>
struct Compute {
  using type = T;
};
template <>
struct Compute<half> {
  using type = float;
};
template <class T>
using compute_t = typename Compute<T>::type;

// Exact (every half is a float32). Branch-light so that loops over it vectorise; after
// Fabian Giesen's half_to_float_fast.
inline float half_to_float(uint16_t h) {
  uint32_t o = static_cast<uint32_t>(h & 0x7fff) << 13;  // exponent and mantissa, in place
  const uint32_t exp = o & 0x0f800000u;
  o += uint32_t(127 - 15) << 23;                           // rebias
  if (exp == 0x0f800000u) {
    o += uint32_t(128 - 16) << 23;                         // Inf and NaN keep an all-ones exponent
  } else if (exp == 0) {                                   // zero and subnormals: renormalise
    o += uint32_t(1) << 23;
    float f, magic;
    const uint32_t m = uint32_t(113) << 23;
    std::memcpy(&f, &o, 4);
    std::memcpy(&magic, &m, 4);
    f -= magic;
    std::memcpy(&o, &f, 4);
  }
  o |= static_cast<uint32_t>(h & 0x8000) << 16;
  float r;
  std::memcpy(&r, &o, 4);
  return r;
}

// Round to nearest, ties to even (as F16C's _MM_FROUND_TO_NEAREST_INT, NEON's vcvt and
// JavaScript's Float16Array); too large is Infinity; NaN stays a (quiet) NaN. After Fabian
// Giesen's float_to_half_fast3_rtne.
inline uint16_t float_to_half(float x) {
  uint32_t f;
  std::memcpy(&f, &x, 4);
  const uint32_t sign = f & 0x80000000u;
  f ^= sign;
  uint16_t o;
  if (f >= (uint32_t(127 + 16) << 23)) {                  // >= 2^16 (rounds to Infinity), Inf, NaN
    o = f > (uint32_t(255) << 23) ? 0x7e00 : 0x7c00;
  } else if (f < (uint32_t(113) << 23)) {                 // below 2^-14: a subnormal or zero half
    // Adding 0.5 lines the half's mantissa up with float32's low bits; the FPU rounds to even.
    const uint32_t m = uint32_t((127 - 15) + (23 - 10) + 1) << 23;
    float fx, magic;
    std::memcpy(&fx, &f, 4);
    std::memcpy(&magic, &m, 4);
    fx += magic;
    uint32_t r;
    std::memcpy(&r, &fx, 4);
    o = static_cast<uint16_t>(r - m);
  } else {
    const uint32_t odd = (f >> 13) & 1;                    // the bit a tie rounds towards
    f += (uint32_t(15 - 127) << 23) + 0xfff;               // rebias (wraps, as intended) and round
    f += odd;
    o = static_cast<uint16_t>(f >> 13);
  }
  return static_cast<uint16_t>(o | (sign >> 16));
}

// Whole spans, with the CPU's conversion instructions where it has them: F16C (AVX-512F's
// 512-bit form on AVX-512 CPUs) on x86-64, NEON on arm64, the functions above elsewhere
// (and with COREKERNELS_ISA=generic). Chosen once, like the kernel tables.
struct HalfConvert {
  const char* name;
  void (*widen)(const uint16_t* src, size_t n, float* dst);
  void (*narrow)(const float* src, size_t n, uint16_t* dst);
};
const HalfConvert& half_convert();
// Each path, or nullptr where this build or CPU has none (for tests against the portable one).
const HalfConvert* half_convert_portable();
const HalfConvert* half_convert_f16c();
const HalfConvert* half_convert_avx512();
const HalfConvert* half_convert_neon();

}  // namespace ck
