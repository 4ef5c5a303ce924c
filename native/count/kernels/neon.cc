// NEON (AArch64 Advanced SIMD) range counts: 16-byte vectors, unsigned compares for every
// integer width (vcleq_u*) and ordered float compares (vcgeq/vcleq are false for NaN),
// masks (-1 per lane) subtracted into lane counters. Advanced SIMD is mandatory on AArch64,
// so this file needs no extra flags.
#include "../kernels.h"

#if defined(__aarch64__) && defined(__ARM_NEON)
#include <arm_neon.h>

#include <type_traits>

#include "lanes.h"
#include "table.h"

namespace ck {
namespace {

// Lane-width operations on the unsigned view of a vector: the range test on
// unsigned x - lo <= hi - lo, counters, their flush and the lane bitmask.
template <size_t Bytes>
struct Width;

// Counters: masks are all ones where in range, so acc - mask counts.
template <class V>
struct Counters {
  using Acc = V;
  static Acc zero() { return Acc{}; }
  static constexpr bool kJoin = false;
};

template <>
struct Width<1> : Counters<uint8x16_t> {
  using V = uint8x16_t;
  static constexpr size_t kLanes = 16;
  static constexpr uint64_t kMaxSteps = 255;
  static V set1(uint64_t v) { return vdupq_n_u8(static_cast<uint8_t>(v)); }
  static V load(const void* p) { return vld1q_u8(static_cast<const uint8_t*>(p)); }
  static V in_range(V x, V lo, V w) { return vcleq_u8(vsubq_u8(x, lo), w); }
  static Acc add(Acc a, V m) { return vsubq_u8(a, m); }
  static uint64_t sum(V a) { return vaddlvq_u8(a); }
  static uint64_t bits(V m) {
    static const uint8_t kBit[16] = {1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128};
    const uint8x16_t t = vandq_u8(m, vld1q_u8(kBit));
    return vaddv_u8(vget_low_u8(t)) | (static_cast<uint64_t>(vaddv_u8(vget_high_u8(t))) << 8);
  }
};

template <>
struct Width<2> : Counters<uint16x8_t> {
  using V = uint16x8_t;
  static constexpr size_t kLanes = 8;
  static constexpr uint64_t kMaxSteps = 65535;
  static V set1(uint64_t v) { return vdupq_n_u16(static_cast<uint16_t>(v)); }
  static V load(const void* p) { return vld1q_u16(static_cast<const uint16_t*>(p)); }
  static V in_range(V x, V lo, V w) { return vcleq_u16(vsubq_u16(x, lo), w); }
  static Acc add(Acc a, V m) { return vsubq_u16(a, m); }
  static uint64_t sum(V a) { return vaddlvq_u16(a); }
  static uint64_t bits(V m) {
    static const uint16_t kBit[8] = {1, 2, 4, 8, 16, 32, 64, 128};
    return vaddvq_u16(vandq_u16(m, vld1q_u16(kBit)));
  }
};

template <>
struct Width<4> : Counters<uint32x4_t> {
  using V = uint32x4_t;
  static constexpr size_t kLanes = 4;
  static constexpr uint64_t kMaxSteps = 0xffffffffu;
  static V set1(uint64_t v) { return vdupq_n_u32(static_cast<uint32_t>(v)); }
  static V load(const void* p) { return vld1q_u32(static_cast<const uint32_t*>(p)); }
  static V in_range(V x, V lo, V w) { return vcleq_u32(vsubq_u32(x, lo), w); }
  static Acc add(Acc a, V m) { return vsubq_u32(a, m); }
  static uint64_t sum(V a) { return vaddlvq_u32(a); }
  static uint64_t bits(V m) {
    static const uint32_t kBit[4] = {1, 2, 4, 8};
    return vaddvq_u32(vandq_u32(m, vld1q_u32(kBit)));
  }
};

template <>
struct Width<8> : Counters<uint64x2_t> {
  using V = uint64x2_t;
  static constexpr size_t kLanes = 2;
  static constexpr uint64_t kMaxSteps = ~uint64_t(0);
  static V set1(uint64_t v) { return vdupq_n_u64(v); }
  static V load(const void* p) { return vld1q_u64(static_cast<const uint64_t*>(p)); }
  static V in_range(V x, V lo, V w) { return vcleq_u64(vsubq_u64(x, lo), w); }
  static Acc add(Acc a, V m) { return vsubq_u64(a, m); }
  static uint64_t sum(V a) { return vaddvq_u64(a); }
  static uint64_t bits(V m) { return (vgetq_lane_u64(m, 0) & 1) | (vgetq_lane_u64(m, 1) & 2); }
};

template <class T, bool = std::is_floating_point_v<T>>
struct BoundsNeon {
  using W = Width<sizeof(T)>;
  typename W::V lo, width;
  BoundsNeon(T l, T h) {
    using U = std::make_unsigned_t<T>;
    lo = W::set1(static_cast<U>(l));
    width = W::set1(static_cast<U>(static_cast<U>(h) - static_cast<U>(l)));
  }
  typename W::V test(const T* p) const { return W::in_range(W::load(p), lo, width); }
};

template <>
struct BoundsNeon<float, true> {
  float32x4_t lo, hi;
  BoundsNeon(float l, float h) : lo(vdupq_n_f32(l)), hi(vdupq_n_f32(h)) {}
  uint32x4_t test(const float* p) const {
    const float32x4_t x = vld1q_f32(p);
    return vandq_u32(vcgeq_f32(x, lo), vcleq_f32(x, hi));
  }
};

template <>
struct BoundsNeon<double, true> {
  float64x2_t lo, hi;
  BoundsNeon(double l, double h) : lo(vdupq_n_f64(l)), hi(vdupq_n_f64(h)) {}
  uint64x2_t test(const double* p) const {
    const float64x2_t x = vld1q_f64(p);
    return vandq_u64(vcgeq_f64(x, lo), vcleq_f64(x, hi));
  }
};

template <class T>
using NeonLanes = SimdLanes<T, Width<sizeof(T)>, BoundsNeon<T>>;

}  // namespace

const CountTable* count_table_neon() {
  static constexpr CountTable table = make_table<NeonLanes>("neon");
  return &table;
}

}  // namespace ck

#else

namespace ck {
const CountTable* count_table_neon() { return nullptr; }
}  // namespace ck

#endif
