#pragma once
// Builds the CellIndex (kernels.h) that lets histograms with arbitrary edges find a bin in
// one table lookup plus a few forward steps instead of a binary search. Driver-side, once
// per call.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels.h"

namespace ck {

// Fills `index` and returns the storage its table points into (empty, index.bin null, when
// the cells would not beat a binary search: unbounded bins, too few elements to repay the
// table, or thresholds so clustered that one cell holds many).
template <class T>
std::vector<uint32_t> build_cell_index(const T* lower, size_t nbins, T upper, size_t n, CellIndex& index) {
  index = CellIndex{};
  const double lo = static_cast<double>(lower[0]), hi = static_cast<double>(upper);
  size_t cells = 64;  // about four cells per bin, a power of two, at most 64 Ki (256 KiB)
  while (cells < 4 * nbins && cells < (size_t(1) << 16)) cells *= 2;
  if (nbins < 4 || n < 8 * cells || !std::isfinite(lo) || !std::isfinite(hi) || !(hi > lo)) return {};
  CellIndex c;
  c.first = lo;
  c.scale = static_cast<double>(cells) / (hi - lo);
  c.last = static_cast<double>(cells - 1);
  if (!std::isfinite(c.scale)) return {};
  std::vector<uint32_t> bin(cells, 0);
  for (size_t i = 1; i < nbins; ++i) ++bin[cell_of(c, static_cast<double>(lower[i]))];
  uint32_t below = 0, most = 0;
  for (uint32_t& b : bin) {  // per-cell counts -> thresholds in earlier cells
    const uint32_t here = b;
    b = below;
    below += here;
    most = here > most ? here : most;
  }
  size_t levels = 0;  // what a binary search would take
  while ((size_t(1) << levels) < nbins) ++levels;
  if (most + 1 >= levels) return {};
  c.steps = most;
  c.bin = bin.data();
  index = c;
  return bin;
}

}  // namespace ck
