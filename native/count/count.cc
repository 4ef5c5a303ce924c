#include "count.h"

#include <algorithm>
#include <vector>

#include "../runtime/pool.h"

namespace ck {
namespace {

// Large enough that a tile's work dwarfs a thread hop, small enough to balance 2..64 cores.
constexpr size_t kElementsPerTile = size_t(1) << 18;

template <class T>
uint64_t count_span(const T* d, size_t n, T lo, T hi) {
  uint64_t c = 0;
  for (size_t i = 0; i < n; ++i) c += (d[i] >= lo) & (d[i] <= hi);
  return c;
}

size_t tiles_for(size_t elements) { return std::max<size_t>(1, (elements + kElementsPerTile - 1) / kElementsPerTile); }

}  // namespace

template <class T>
uint64_t count_in_range(const T* data, size_t n, T lo, T hi, const Exec& ex) {
  const size_t tiles = tiles_for(n);
  std::vector<uint64_t> partial(tiles, 0);
  parallel_for(tiles, ex, [&](size_t t) {
    const size_t i0 = t * kElementsPerTile, i1 = std::min(n, i0 + kElementsPerTile);
    partial[t] = count_span(data + i0, i1 - i0, lo, hi);
  });
  uint64_t total = 0;
  for (uint64_t p : partial) total += p;
  return total;
}

template <class T>
void count_by_row(const T* data, size_t rows, size_t cols, T lo, T hi, uint32_t* out, const Exec& ex) {
  if (rows == 0) return;
  const size_t rows_per_tile = std::max<size_t>(1, kElementsPerTile / std::max<size_t>(cols, 1));
  const size_t tiles = (rows + rows_per_tile - 1) / rows_per_tile;
  parallel_for(tiles, ex, [&](size_t t) {
    const size_t r0 = t * rows_per_tile, r1 = std::min(rows, r0 + rows_per_tile);
    for (size_t r = r0; r < r1; ++r) out[r] = static_cast<uint32_t>(count_span(data + r * cols, cols, lo, hi));
  });
}

template <class T>
void histogram(const T* data, size_t n, const T* lower, size_t nbins, T upper, double* out, const Exec& ex) {
  std::fill(out, out + nbins, 0.0);
  if (nbins == 0 || n == 0) return;
  const size_t tiles = tiles_for(n);
  // Private counts per tile, merged in tile order: no sharing, and the same result for any thread count.
  std::vector<uint64_t> counts(tiles * nbins, 0);
  parallel_for(tiles, ex, [&](size_t t) {
    const size_t i0 = t * kElementsPerTile, i1 = std::min(n, i0 + kElementsPerTile);
    uint64_t* mine = counts.data() + t * nbins;
    for (size_t i = i0; i < i1; ++i) {
      const T x = data[i];
      if (!(x >= lower[0] && x <= upper)) continue;
      const size_t bin = static_cast<size_t>(std::upper_bound(lower, lower + nbins, x) - lower) - 1;
      ++mine[bin];
    }
  });
  for (size_t t = 0; t < tiles; ++t)
    for (size_t b = 0; b < nbins; ++b) out[b] += static_cast<double>(counts[t * nbins + b]);
}

#define CK_INSTANTIATE_COUNT(T)                                                                         \
  template uint64_t count_in_range<T>(const T*, size_t, T, T, const Exec&);                              \
  template void count_by_row<T>(const T*, size_t, size_t, T, T, uint32_t*, const Exec&);                 \
  template void histogram<T>(const T*, size_t, const T*, size_t, T, double*, const Exec&);
CK_INSTANTIATE_COUNT(int8_t)
CK_INSTANTIATE_COUNT(uint8_t)
CK_INSTANTIATE_COUNT(int16_t)
CK_INSTANTIATE_COUNT(uint16_t)
CK_INSTANTIATE_COUNT(int32_t)
CK_INSTANTIATE_COUNT(uint32_t)
CK_INSTANTIATE_COUNT(int64_t)
CK_INSTANTIATE_COUNT(uint64_t)
CK_INSTANTIATE_COUNT(float)
CK_INSTANTIATE_COUNT(double)
#undef CK_INSTANTIATE_COUNT

}  // namespace ck
