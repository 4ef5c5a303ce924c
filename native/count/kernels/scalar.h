#pragma once
// One element at a time: the portable "lanes" (N = 1) and every SIMD path's tail.
//
// Like every header under kernels/, this one is included by the per-ISA translation units
// only, and everything in it sits in an unnamed namespace: each ISA file compiles its own
// private copy with its own flags. Shared inline or template code with external linkage
// would be merged by the linker, and an AVX-512 copy could then run on a CPU without it.
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace ck {
namespace {

// The inclusive range [lo, hi] as the cheapest exact test for T. Integers: x is in range
// iff the unsigned difference x - lo is at most hi - lo (one subtract, one unsigned
// compare, for signed and unsigned T alike). Floats: two ordered compares, false for NaN.
template <class T, bool = std::is_floating_point_v<T>>
struct ScalarBounds {
  using U = std::make_unsigned_t<T>;
  U lo, width;
  ScalarBounds(T l, T h) : lo(static_cast<U>(l)), width(static_cast<U>(static_cast<U>(h) - static_cast<U>(l))) {}
  bool test(T x) const { return static_cast<U>(static_cast<U>(x) - lo) <= width; }
};

template <class T>
struct ScalarBounds<T, true> {
  T lo, hi;
  ScalarBounds(T l, T h) : lo(l), hi(h) {}
  bool test(T x) const { return (x >= lo) & (x <= hi); }
};

template <class T>
struct ScalarLanes {
  using Elem = T;
  using Bounds = ScalarBounds<T>;
  using Mask = bool;
  using Acc = uint64_t;
  static constexpr size_t N = 1;
  static constexpr uint64_t kMaxSteps = ~uint64_t(0);

  static Bounds bounds(T lo, T hi) { return Bounds(lo, hi); }
  static Mask test(const T* p, const Bounds& b) { return b.test(*p); }
  static Acc zero() { return 0; }
  static Acc add(Acc a, Mask m) { return a + m; }
  static uint64_t sum(Acc a) { return a; }
  static unsigned count(Mask m) { return m; }
  // Bit i set iff p[i] is in range, for i < n (n <= 64); higher bits clear.
  static uint64_t bits(const T* p, size_t n, const Bounds& b) {
    uint64_t w = 0;
    for (size_t i = 0; i < n; ++i) w |= static_cast<uint64_t>(b.test(p[i])) << i;
    return w;
  }
  static uint64_t word(const T* p, const Bounds& b) { return bits(p, 64, b); }
};

}  // namespace
}  // namespace ck
