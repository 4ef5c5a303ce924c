#pragma once
// Per-column range counts of a row-major block (numpy's count_nonzero(..., axis=0)),
// written once against span.h's lanes type L. Column c of every row sits at the same
// offset, so a vector of columns is tested row after row into the same lane counters: the
// counters of a few column vectors stay in registers across the rows and are flushed into
// the 64-bit totals before a lane can wrap.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "bits.h"
#include "prefetch.h"
#include "scalar.h"
#include "span.h"
#include "valid.h"

namespace ck {
namespace {

// Adds each lane counter of `a` (lane l counts column l) to totals[l].
template <class L>
void add_lanes(const typename L::Acc& a, uint64_t* totals) {
  constexpr size_t kBytes = sizeof(a) / L::N;
  using Lane = std::conditional_t<kBytes == 1, uint8_t,
               std::conditional_t<kBytes == 2, uint16_t, std::conditional_t<kBytes == 4, uint32_t, uint64_t>>>;
  static_assert(sizeof(Lane) * L::N == sizeof(a), "a counter lane per element");
  Lane lanes[L::N];
  std::memcpy(lanes, &a, sizeof a);
  for (size_t l = 0; l < L::N; ++l) totals[l] += lanes[l];
}

// NV column vectors starting at p, over every row: NV counters, a compile-time count so they
// are registers, not memory.
template <class L, size_t NV>
void columns_block(const ElemOf<L>* p, size_t rows, size_t cols, const typename L::Bounds& b, uint64_t* totals) {
  constexpr size_t kSpanBytes = NV * L::N * sizeof(ElemOf<L>);
  for (size_t r = 0; r < rows;) {
    const size_t steps = rows - r < L::kMaxSteps ? rows - r : static_cast<size_t>(L::kMaxSteps);
    typename L::Acc acc[NV];
    for (size_t j = 0; j < NV; ++j) acc[j] = L::zero();
    for (size_t s = 0; s < steps; ++s, ++r) {
      const ElemOf<L>* row = p + r * cols;
      // The rows are the stream: one prefetch per line of the columns read.
      if constexpr (kSpanBytes >= 64)
        for (size_t line = 0; line < kSpanBytes; line += 64) prefetch_ahead(reinterpret_cast<const unsigned char*>(row) + line);
      for (size_t j = 0; j < NV; ++j) acc[j] = L::add(acc[j], L::test(row + j * L::N, b));
    }
    for (size_t j = 0; j < NV; ++j) add_lanes<L>(acc[j], totals + j * L::N);
  }
}

// Adds the count of column c of the rows x cols block at p to totals[c], for every c. The
// whole vectors of a row go four at a time (one pass over the rows for up to four vectors:
// a 16-column float64 row in one pass on AVX2 and AVX-512); the columns after the last
// whole vector one by one.
template <class L>
void count_columns(const ElemOf<L>* p, size_t rows, size_t cols, ElemOf<L> lo, ElemOf<L> hi, uint64_t* totals) {
  constexpr size_t N = L::N;
  const auto b = L::bounds(lo, hi);
  const size_t vectors = cols / N;
  size_t j = 0;
  for (; vectors - j >= 4; j += 4) columns_block<L, 4>(p + j * N, rows, cols, b, totals + j * N);
  switch (vectors - j) {
    case 3: columns_block<L, 3>(p + j * N, rows, cols, b, totals + j * N); break;
    case 2: columns_block<L, 2>(p + j * N, rows, cols, b, totals + j * N); break;
    case 1: columns_block<L, 1>(p + j * N, rows, cols, b, totals + j * N); break;
    default: break;
  }
  const ScalarBounds<ElemOf<L>> sb(lo, hi);
  for (size_t r = 0; r < rows; ++r)
    for (size_t c = vectors * N; c < cols; ++c) totals[c] += sb.test(p[r * cols + c]);
}

// count_columns over the present elements only. The block is one stream of elements: 64 at
// a time become in-range bits (the ISA's compares) ANDed with the bitmap, and each set bit
// adds one to its element's column.
template <class L>
void count_columns_valid(const ElemOf<L>* p, size_t rows, size_t cols, ElemOf<L> lo, ElemOf<L> hi, uint64_t* totals,
                         Valid v) {
  if (cols == 0) return;
  const auto b = L::bounds(lo, hi);
  const ScalarBounds<ElemOf<L>> sb(lo, hi);
  // Column of element `col + j` (j < 64) when the first of the 64 is in column `col`: a
  // table for narrow rows, at most one wrap for rows of 64 and more.
  uint8_t wrap[128];
  if (cols < 64)
    for (size_t k = 0; k < cols + 64; ++k) wrap[k] = static_cast<uint8_t>(k % cols);
  const size_t n = rows * cols;
  size_t col = 0;
  for (size_t i = 0; i < n; i += 64) {
    const size_t len = n - i < 64 ? n - i : 64;
    uint64_t w = (len == 64 ? L::word(p + i, b) : scalar_bits(p + i, len, sb)) & valid_word(v, i, len);
    for (; w != 0; w &= w - 1) {
      const size_t k = col + lowest_bit(w);
      ++totals[cols < 64 ? wrap[k] : k >= cols ? k - cols : k];
    }
    col = (col + 64) % cols;
  }
}

}  // namespace
}  // namespace ck
