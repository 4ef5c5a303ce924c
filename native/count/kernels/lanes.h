#pragma once
// The "lanes" interface of span.h for a SIMD ISA, assembled from two pieces each ISA file
// defines per element type:
//   W (lane-width ops):  kLanes, kMaxSteps, Acc, zero(), add(acc, mask) (+1 where set),
//                        sum(acc), and either bits(mask) (lane i -> bit i) or, with
//                        kJoin, join(masks...) (the 64 / kLanes masks of a word -> its bits)
//                        and popcount(mask) (the lanes it sets)
//   B (bounds):          B(lo, hi) prepares the range; test(p) gives the in-range mask of
//                        p[0..kLanes)
#include <cstddef>
#include <cstdint>
#include <utility>

#include "bits.h"

namespace ck {
namespace {

template <class T, class W, class B>
struct SimdLanes {
  using Elem = T;
  using Bounds = B;
  using Mask = decltype(std::declval<const B&>().test(static_cast<const T*>(nullptr)));
  using Acc = typename W::Acc;
  static constexpr size_t N = W::kLanes;
  static constexpr uint64_t kMaxSteps = W::kMaxSteps;

  static Bounds bounds(T lo, T hi) { return Bounds(lo, hi); }
  static Mask test(const T* p, const Bounds& b) { return b.test(p); }
  static Acc zero() { return W::zero(); }
  static Acc add(Acc a, Mask m) { return W::add(a, m); }
  static uint64_t sum(Acc a) { return W::sum(a); }
  // How many lanes of the mask are set (span.h's plain per-row counts).
  static unsigned count(Mask m) {
    if constexpr (W::kJoin) return W::popcount(m);
    else return popcount64(W::bits(m));
  }
  // Unrolled at compile time (GCC keeps the plain loop rolled at -O3, with a shift by a
  // register per vector: 25% slower per-row counts).
  static uint64_t word(const T* p, const Bounds& b) { return word(p, b, std::make_index_sequence<64 / N>{}); }

 private:
  template <size_t... J>
  static uint64_t word(const T* p, const Bounds& b, std::index_sequence<J...>) {
    if constexpr (W::kJoin) {
      return W::join(b.test(p + J * N)...);
    } else {
      return ((W::bits(b.test(p + J * N)) << (J * N)) | ...);
    }
  }
};

}  // namespace
}  // namespace ck
