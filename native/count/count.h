#pragma once
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "../runtime/exec.h"
#include "../runtime/half.h"

namespace ck {

// One element to its computing type and back (exact both ways for the values a half holds).
template <class T>
compute_t<T> to_compute(T x) {
  if constexpr (std::is_same_v<T, half>) return half_to_float(x.bits);
  else return x;
}
template <class T>
T from_compute(compute_t<T> x) {
  if constexpr (std::is_same_v<T, half>) return half{float_to_half(x)};
  else return x;
}

// Range counts over one element type. Bounds arrive already converted to the element
// domain as an inclusive interval [lo, hi] (the TS layer turns exclusive and fractional
// bounds into it once), so every kernel is a pair of ordered compares: NaN never counts.
//
// `valid`, where given, is an Arrow validity bitmap over the n (or rows x cols) elements:
// element i is present iff bit i % 8 of valid[i / 8] is set, and an absent element never
// counts (nor enters a histogram or a min/max), as NaN never does. It holds at least
// ceil(n / 8) bytes.
template <class T>
uint64_t count_in_range(const T* data, size_t n, T lo, T hi, const Exec& ex, const uint8_t* valid = nullptr);

template <class T>
void count_by_row(const T* data, size_t rows, size_t cols, T lo, T hi, uint32_t* out, const Exec& ex,
                  const uint8_t* valid = nullptr);

// out[c] = the in-range count of column c (numpy's count_nonzero(..., axis=0)); out has cols entries.
template <class T>
void count_by_column(const T* data, size_t rows, size_t cols, T lo, T hi, uint32_t* out, const Exec& ex,
                     const uint8_t* valid = nullptr);

// Uniform-edges bin guess: bin = trunc(clamp((x - first) * scale, 0, nbins - 1)), then
// corrected by one step against the thresholds. The TS layer (src/histogram-guess.ts)
// passes it only after checking that for these thresholds the guess is never off by more
// than one, so the result stays exact; scale == 0 means no guess (the thresholds are
// searched). Ignored for 64-bit integers, which a double does not hold exactly.
struct BinGuess {
  double first = 0;
  double scale = 0;
  bool usable() const { return scale > 0; }
};

// Histogram with bins given by their lower thresholds in the element domain
// (lower[i] = the least element value >= edges[i]) and an inclusive upper bound `upper`:
// x is counted when lower[0] <= x <= upper, in bin (number of lower[i] <= x) - 1.
// `out` has nbins entries and is overwritten.
template <class T>
void histogram(const T* data, size_t n, const T* lower, size_t nbins, T upper, double* out, const Exec& ex,
               BinGuess guess = {}, const uint8_t* valid = nullptr);

// Weighted histogram: out[b] is the float64 sum of w[i] over the data[i] in bin b (bins as
// for histogram). The elements go in fixed tiles of `tile` elements, chosen by the caller
// from the job alone: each tile sums its weights in element order from zero, and the tiles'
// sums add into out in tile order, so the result never depends on the thread count.
template <class T, class W>
void histogram_weighted(const T* data, const W* w, size_t n, const T* lower, size_t nbins, T upper, double* out,
                        size_t tile, const Exec& ex, BinGuess guess = {});

// Least and greatest element, NaN skipped. lo > hi when there is none (n == 0, or only NaN).
// A zero result is +0 whichever zeros the data held, so the result never depends on which
// tile saw which zero first (that is, on the thread count).
template <class T>
struct MinMax {
  T lo, hi;
  // Nothing seen yet: the identities of min and max. Floats start from the infinities, so
  // NaN alone leaves lo > hi.
  static constexpr MinMax none() {
    using L = std::numeric_limits<T>;
    return {L::has_infinity ? L::infinity() : L::max(), L::has_infinity ? -L::infinity() : L::lowest()};
  }
};
template <class T>
MinMax<compute_t<T>> min_max(const T* data, size_t n, const Exec& ex, const uint8_t* valid = nullptr);

}  // namespace ck
