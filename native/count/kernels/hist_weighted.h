#pragma once
// Weighted histogram inner loop: each element's bin found as hist.h finds it (the ISA's
// vector bin indices where it has them, else the scalar bin finder), then its weight added
// to that bin's float64 sum. The sums take the weights in element order, one add at a time,
// so every ISA (and the JS and wasm engines) gives the same bits.
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "hist.h"

namespace ck {
namespace {

// sums has bins.nbins + 1 entries: the last is the dump for values outside the bins.
template <class Binner, class T, class W>
void hist_weighted_span(const T* p, const W* w, size_t n, const Bins<T>& bins, double* sums) {
  size_t i = 0;
  if constexpr (!std::is_same_v<Binner, NoSimdBins> && kExactInDouble<T>) {
    const bool vector = bins.guess.usable() || (bins.cells.bin != nullptr && Binner::kCells);
    if (bins.lower_f64 != nullptr && vector) {
      constexpr size_t kBlock = 512;
      uint32_t idx[kBlock];
      const size_t vec_n = n - n % Binner::N;
      for (; i < vec_n; i += kBlock) {
        const size_t k = vec_n - i < kBlock ? vec_n - i : kBlock;
        // Every line of both streams, not hist.h's one per 256 bytes: with two streams the
        // hardware prefetcher left most of each next page to demand misses (indicatively
        // 25-35% slower at 2 threads on Sapphire Rapids); the prefetches cost nothing in cache.
        for (size_t line = 0; line < k * sizeof(T); line += 64) prefetch_ahead(reinterpret_cast<const unsigned char*>(p + i) + line);
        for (size_t line = 0; line < k * sizeof(W); line += 64) prefetch_ahead(reinterpret_cast<const unsigned char*>(w + i) + line);
        Binner::indices(p + i, k, bins, idx);
        for (size_t j = 0; j < k; ++j) sums[idx[j]] += w[i + j];
      }
      i = vec_n;
    }
  }
  const ScalarBounds<T> in(bins.lower[0], bins.upper);
  const size_t dump = bins.nbins;
  with_scalar_bin(bins, [&](auto bin_of) {
    for (; i < n; ++i) {
      const T x = p[i];
      const size_t b = bin_of(x);
      sums[in.test(x) ? b : dump] += w[i];
    }
  });
}

}  // namespace
}  // namespace ck
