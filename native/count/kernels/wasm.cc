// WebAssembly SIMD128 range counts: 16-byte vectors like NEON's, unsigned compares for the
// 8/16/32-bit widths, a sign flip and a signed compare for 64-bit lanes (SIMD128 has no
// unsigned i64x2 compare), ordered float compares (false for NaN), masks (-1 per lane)
// subtracted into lane counters, and the bitmask instructions for the per-row bit streams.
// Only the WebAssembly build (scripts/build-wasm.sh) compiles this file.
#include "../kernels.h"

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>

#include <type_traits>

#include "lanes.h"
#include "table.h"

namespace ck {
namespace {

// Lane-width operations on the unsigned view of a vector: the range test on
// unsigned x - lo <= hi - lo, counters, their flush and the lane bitmask.
template <size_t Bytes>
struct Width;

// The total of four u32 lanes (the narrower counters widen into these pairwise).
inline uint64_t sum_u32x4(v128_t a) {
  return uint64_t{wasm_u32x4_extract_lane(a, 0)} + wasm_u32x4_extract_lane(a, 1) + wasm_u32x4_extract_lane(a, 2) +
         wasm_u32x4_extract_lane(a, 3);
}

struct Counters {
  using Acc = v128_t;
  static Acc zero() { return wasm_i64x2_splat(0); }
  static constexpr bool kJoin = false;
};

template <>
struct Width<1> : Counters {
  static constexpr size_t kLanes = 16;
  static constexpr uint64_t kMaxSteps = 255;
  static v128_t set1(uint64_t v) { return wasm_i8x16_splat(static_cast<int8_t>(v)); }
  static v128_t in_range(v128_t x, v128_t lo, v128_t w) { return wasm_u8x16_le(wasm_i8x16_sub(x, lo), w); }
  static Acc add(Acc a, v128_t m) { return wasm_i8x16_sub(a, m); }
  static uint64_t sum(Acc a) { return sum_u32x4(wasm_u32x4_extadd_pairwise_u16x8(wasm_u16x8_extadd_pairwise_u8x16(a))); }
  static uint64_t bits(v128_t m) { return wasm_i8x16_bitmask(m); }
};

template <>
struct Width<2> : Counters {
  static constexpr size_t kLanes = 8;
  static constexpr uint64_t kMaxSteps = 65535;
  static v128_t set1(uint64_t v) { return wasm_i16x8_splat(static_cast<int16_t>(v)); }
  static v128_t in_range(v128_t x, v128_t lo, v128_t w) { return wasm_u16x8_le(wasm_i16x8_sub(x, lo), w); }
  static Acc add(Acc a, v128_t m) { return wasm_i16x8_sub(a, m); }
  static uint64_t sum(Acc a) { return sum_u32x4(wasm_u32x4_extadd_pairwise_u16x8(a)); }
  static uint64_t bits(v128_t m) { return wasm_i16x8_bitmask(m); }
};

template <>
struct Width<4> : Counters {
  static constexpr size_t kLanes = 4;
  static constexpr uint64_t kMaxSteps = 0xffffffffu;
  static v128_t set1(uint64_t v) { return wasm_i32x4_splat(static_cast<int32_t>(v)); }
  static v128_t in_range(v128_t x, v128_t lo, v128_t w) { return wasm_u32x4_le(wasm_i32x4_sub(x, lo), w); }
  static Acc add(Acc a, v128_t m) { return wasm_i32x4_sub(a, m); }
  static uint64_t sum(Acc a) { return sum_u32x4(a); }
  static uint64_t bits(v128_t m) { return wasm_i32x4_bitmask(m); }
};

template <>
struct Width<8> : Counters {
  static constexpr size_t kLanes = 2;
  static constexpr uint64_t kMaxSteps = ~uint64_t(0);
  static v128_t set1(uint64_t v) { return wasm_i64x2_splat(static_cast<int64_t>(v)); }
  // Unsigned a <= b as signed (a ^ sign) <= (b ^ sign).
  static v128_t in_range(v128_t x, v128_t lo, v128_t w) {
    const v128_t sign = wasm_i64x2_splat(INT64_MIN);
    return wasm_i64x2_le(wasm_v128_xor(wasm_i64x2_sub(x, lo), sign), wasm_v128_xor(w, sign));
  }
  static Acc add(Acc a, v128_t m) { return wasm_i64x2_sub(a, m); }
  static uint64_t sum(Acc a) { return wasm_u64x2_extract_lane(a, 0) + wasm_u64x2_extract_lane(a, 1); }
  static uint64_t bits(v128_t m) { return wasm_i64x2_bitmask(m); }
};

template <class T, bool = std::is_floating_point_v<T>>
struct BoundsWasm {
  using W = Width<sizeof(T)>;
  v128_t lo, width;
  BoundsWasm(T l, T h) {
    using U = std::make_unsigned_t<T>;
    lo = W::set1(static_cast<U>(l));
    width = W::set1(static_cast<U>(static_cast<U>(h) - static_cast<U>(l)));
  }
  v128_t test(const T* p) const { return W::in_range(wasm_v128_load(p), lo, width); }
};

template <>
struct BoundsWasm<float, true> {
  v128_t lo, hi;
  BoundsWasm(float l, float h) : lo(wasm_f32x4_splat(l)), hi(wasm_f32x4_splat(h)) {}
  v128_t test(const float* p) const {
    const v128_t x = wasm_v128_load(p);
    return wasm_v128_and(wasm_f32x4_ge(x, lo), wasm_f32x4_le(x, hi));
  }
};

template <>
struct BoundsWasm<double, true> {
  v128_t lo, hi;
  BoundsWasm(double l, double h) : lo(wasm_f64x2_splat(l)), hi(wasm_f64x2_splat(h)) {}
  v128_t test(const double* p) const {
    const v128_t x = wasm_v128_load(p);
    return wasm_v128_and(wasm_f64x2_ge(x, lo), wasm_f64x2_le(x, hi));
  }
};

template <class T>
using WasmLanes = SimdLanes<T, Width<sizeof(T)>, BoundsWasm<T>>;

}  // namespace

const CountTable* count_table_wasm() {
  static constexpr CountTable table = make_table<WasmLanes>("wasm");
  return &table;
}

}  // namespace ck
#endif
