#pragma once
// Histogram inner loops, written once for every element type and compiled per ISA.
// No branch depends on the data: a value outside [lower[0], upper] (or NaN) goes to the
// dump counter at index nbins, and the bin search uses conditional moves.
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "../kernels.h"
#include "scalar.h"

namespace ck {
namespace {

// The uniform guess needs x as an exact double; 64-bit integers are not (TS never sends a
// guess for them, and they are searched regardless).
template <class T>
constexpr bool kGuessable = std::is_floating_point_v<T> || sizeof(T) <= 4;

// The bin of x given lower[0] <= x: the last i with lower[i] <= x. Branch-free binary
// search: the loop runs ceil(log2(nbins)) times for every x, so its branch is predictable.
template <class T>
inline size_t search_bin(const T* lower, size_t nbins, T x) {
  size_t b = 0;
  for (size_t len = nbins; len > 1;) {
    const size_t half = len / 2;
    b = lower[b + half] <= x ? b + half : b;
    len -= half;
  }
  return b;
}

// The uniform guess, then one correction step each way (see BinGuess). For x outside the
// bins the result is some valid index; the caller sends x to the dump instead.
template <class T>
inline size_t guess_bin(const T* lower, size_t nbins, double first, double scale, double last_bin, T x) {
  double t = (static_cast<double>(x) - first) * scale;
  t = t > 0.0 ? t : 0.0;  // also maps NaN to 0
  t = t < last_bin ? t : last_bin;
  const size_t b = static_cast<size_t>(t);
  const size_t next = b + 1 < nbins ? b + 1 : b;
  const size_t down = (b > 0) & (x < lower[b]);
  const size_t up = (next != b) & (x >= lower[next]);
  return b - down + up;
}

// Counts p[0..n) into `copies` interleaved counter sets (1 or 4), bin_of giving the bin of
// an in-range x.
template <class T, class BinOf>
void hist_loop(const T* p, size_t n, const Bins<T>& bins, const HistScratch& s, BinOf bin_of) {
  const ScalarBounds<T> in(bins.lower[0], bins.upper);
  const size_t dump = bins.nbins;
  auto slot = [&](T x) {
    const size_t b = bin_of(x);  // computed for every x, then selected: no data-dependent branch
    return in.test(x) ? b : dump;
  };
  size_t i = 0;
  if (s.copies == 4) {
    uint32_t *c0 = s.counts, *c1 = c0 + s.stride, *c2 = c1 + s.stride, *c3 = c2 + s.stride;
    for (; i + 4 <= n; i += 4) {
      ++c0[slot(p[i])];
      ++c1[slot(p[i + 1])];
      ++c2[slot(p[i + 2])];
      ++c3[slot(p[i + 3])];
    }
  }
  for (; i < n; ++i) ++s.counts[slot(p[i])];
}

template <class T>
void hist_span(const T* p, size_t n, const Bins<T>& bins, const HistScratch& s) {
  const T* lower = bins.lower;
  const size_t nbins = bins.nbins;
  if constexpr (kGuessable<T>) {
    if (bins.guess.usable()) {
      const double first = bins.guess.first, scale = bins.guess.scale, last_bin = static_cast<double>(nbins - 1);
      hist_loop(p, n, bins, s, [=](T x) { return guess_bin(lower, nbins, first, scale, last_bin, x); });
      return;
    }
  }
  hist_loop(p, n, bins, s, [=](T x) { return search_bin(lower, nbins, x); });
}

}  // namespace
}  // namespace ck
