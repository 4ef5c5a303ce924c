#pragma once
// Histogram inner loops, written once for every element type and compiled per ISA.
// No branch depends on the data: a value outside [lower[0], upper] (or NaN) goes to the
// dump counter at index nbins, and the bin search uses conditional moves or masks.
//
// An ISA with gathers computes bin indices a vector at a time through SimdBins<D>, D being
// its double-lane operations:
//   D::N, D::V (N doubles), D::I (N uint32 indices), D::M (a lane mask), D::kGatherCells
//   D::load(const T*) -> V                       N elements widened to double (exact)
//   D::set1(double), D::iset1(uint32_t), D::sub, D::mul
//   D::clamp(t, hi) -> V                         min(max(t, 0), hi), NaN -> 0
//   D::trunc(V) -> I, D::gather(const double*, I) -> V, D::gather32(const uint32_t*, I) -> I
//   D::lt, D::ge (ordered compares -> M), D::in(x, lo, hi) -> M
//   D::step(I, down, up) -> I - down + up, D::none() (an empty mask),
//   D::select(M, a, b) -> m ? a : b,  D::store(uint32_t*, I)
//   D::frac(t) -> t - trunc(t) (exact for t >= 0), D::away(f, margin) -> M: margin < f
//   and margin < 1 - f, D::any_not(M in, M away) -> whether a lane of `in` is not `away`
// The counters are then bumped by plain scalar code (count_indices).
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "../kernels.h"
#include "prefetch.h"
#include "scalar.h"
#include "valid.h"

namespace ck {
namespace {

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
inline size_t guess_bin(const T* lower, size_t nbins, const BinGuess& g, double last_bin, T x) {
  const size_t b = guess_of(g, last_bin, static_cast<double>(x));
  const size_t next = b + 1 < nbins ? b + 1 : b;
  const size_t down = (b > 0) & (x < lower[b]);
  const size_t up = (next != b) & (x >= lower[next]);
  return b - down + up;
}

// The bin of x given lower[0] <= x <= upper, through the cell index (kernels.h): a lookup,
// then a fixed number of forward steps.
template <class T>
inline size_t cell_bin(const T* lower, size_t nbins, const CellIndex& c, T x) {
  size_t b = c.bin[cell_of(c, static_cast<double>(x))];
  for (uint32_t s = 0; s < c.steps; ++s) {
    const size_t next = b + 1 < nbins ? b + 1 : b;
    b += (next != b) & (x >= lower[next]);
  }
  return b;
}

// Calls body(C, counters) with the scratch's interleaved counter copies, their number C a
// compile-time constant (8, 4, else 1) so that the loops below unroll by it.
template <class Body>
inline void with_copies(const HistScratch& s, Body body) {
  auto run = [&](auto c) {
    constexpr size_t C = decltype(c)::value;
    uint32_t* counters[C];
    for (size_t k = 0; k < C; ++k) counters[k] = s.counts + k * s.stride;
    body(c, counters);
  };
  if (s.copies == 8) run(std::integral_constant<size_t, 8>{});
  else if (s.copies == 4) run(std::integral_constant<size_t, 4>{});
  else run(std::integral_constant<size_t, 1>{});
}

// Counts p[0..n) into the scratch's counter copies, bin_of giving the bin of an in-range x.
// Elements absent from V (valid.h) go to the dump like those out of range.
template <class T, class BinOf, class V>
void hist_loop(const T* p, size_t n, const Bins<T>& bins, const HistScratch& s, BinOf bin_of, V v) {
  const ScalarBounds<T> in(bins.lower[0], bins.upper);
  const size_t dump = bins.nbins;
  auto slot = [&](size_t i) {
    const T x = p[i];
    const size_t b = bin_of(x);  // computed for every x, then selected: no data-dependent branch
    return (static_cast<unsigned>(in.test(x)) & static_cast<unsigned>(present(v, i))) != 0 ? b : dump;
  };
  with_copies(s, [&](auto c, uint32_t* const* counters) {
    constexpr size_t C = decltype(c)::value;
    size_t i = 0;
    for (; i + C <= n; i += C)
      for (size_t k = 0; k < C; ++k) ++counters[k][slot(i + k)];
    for (; i < n; ++i) ++counters[0][slot(i)];
  });
}

// Calls body(bin_of) with the scalar bin finder these bins allow (uniform guess, cell index
// or binary search); bin_of(x) is x's bin for lower[0] <= x <= upper, some valid index otherwise.
template <class T, class Body>
void with_scalar_bin(const Bins<T>& bins, Body body) {
  const T* lower = bins.lower;
  const size_t nbins = bins.nbins;
  if constexpr (kExactInDouble<T>) {
    if (bins.guess.usable()) {
      const BinGuess g = bins.guess;
      const double last_bin = static_cast<double>(nbins - 1);
      if (bins.guess_exact) {
        body([=](T x) { return guess_of(g, last_bin, static_cast<double>(x)); });
      } else {
        body([=](T x) { return guess_bin(lower, nbins, g, last_bin, x); });
      }
      return;
    }
  }
  if (bins.cells.bin != nullptr) {
    const CellIndex cells = bins.cells;
    body([=](T x) { return cell_bin(lower, nbins, cells, x); });
    return;
  }
  body([=](T x) { return search_bin(lower, nbins, x); });
}

template <class T, class V>
void hist_scalar(const T* p, size_t n, const Bins<T>& bins, const HistScratch& s, V v) {
  with_scalar_bin(bins, [&](auto bin_of) { hist_loop(p, n, bins, s, bin_of, v); });
}

inline void count_indices(const uint32_t* idx, size_t n, const HistScratch& s) {
  with_copies(s, [&](auto c, uint32_t* const* counters) {
    constexpr size_t C = decltype(c)::value;
    size_t i = 0;
    for (; i + C <= n; i += C)
      for (size_t k = 0; k < C; ++k) ++counters[k][idx[i + k]];
    for (; i < n; ++i) ++counters[0][idx[i]];
  });
}

// Bin indices of p[0..n) (n a multiple of D::N), a vector at a time, for the uniform guess
// or the cell index (the same arithmetic as guess_bin and cell_bin, on the thresholds as
// doubles). A binary search gathers too often to beat the scalar one: not done here.
template <class D>
struct SimdBins {
  static constexpr size_t N = D::N;
  // The cell index takes 1 + steps gathers a vector: only where gathers are cheap enough.
  static constexpr bool kCells = D::kGatherCells;

  template <class T>
  static void indices(const T* p, size_t n, const Bins<T>& b, uint32_t* idx) {
    const double* lower = b.lower_f64;
    const auto lo = D::set1(lower[0]), hi = D::set1(static_cast<double>(b.upper));
    const auto dump = D::iset1(static_cast<uint32_t>(b.nbins));
    if (b.guess.usable()) {
      const auto first = D::set1(b.guess.first), scale = D::set1(b.guess.scale);
      const auto last = D::set1(static_cast<double>(b.nbins - 1));
      if (b.guess_exact) {  // no correction: no gathers
        for (size_t i = 0; i < n; i += N) {
          const auto x = D::load(p + i);
          const auto g = D::trunc(D::clamp(D::mul(D::sub(x, first), scale), last));
          D::store(idx + i, D::select(D::in(x, lo, hi), g, dump));
        }
        return;
      }
      // lower[g + 1] is the NaN pad when g is the last bin: never "above".
      auto corrected = [&](auto x, auto g) { return D::step(g, D::lt(x, D::gather(lower, g)), D::ge(x, D::gather(lower + 1, g))); };
      if (b.guess_margin >= 0 && b.guess_margin < 0.25) {
        // Guarded: gathers are slow on recent Intel cores (they were 0.5 ns of 1.0 ns an
        // element here), and the guess is only ever off for x whose u = (x - first) * scale
        // lies within guess_margin of a whole number (guess_check.h), which random data
        // almost never does. Such a vector takes the correction. u is clamped to
        // nbins - 0.5, not nbins - 1, so that the last bin's values keep their fraction.
        const auto margin = D::set1(b.guess_margin), top = D::set1(static_cast<double>(b.nbins) - 0.5);
        for (size_t i = 0; i < n; i += N) {
          const auto x = D::load(p + i);
          const auto t = D::clamp(D::mul(D::sub(x, first), scale), top);
          const auto in = D::in(x, lo, hi);
          auto g = D::trunc(t);
          if (D::any_not(in, D::away(D::frac(t), margin))) g = corrected(x, g);
          D::store(idx + i, D::select(in, g, dump));
        }
        return;
      }
      for (size_t i = 0; i < n; i += N) {
        const auto x = D::load(p + i);
        const auto g = D::trunc(D::clamp(D::mul(D::sub(x, first), scale), last));
        D::store(idx + i, D::select(D::in(x, lo, hi), corrected(x, g), dump));
      }
      return;
    }
    const CellIndex& c = b.cells;
    const auto cfirst = D::set1(c.first), cscale = D::set1(c.scale), clast = D::set1(c.last);
    for (size_t i = 0; i < n; i += N) {
      const auto x = D::load(p + i);
      auto bin = D::gather32(c.bin, D::trunc(D::clamp(D::mul(D::sub(x, cfirst), cscale), clast)));
      for (uint32_t st = 0; st < c.steps; ++st) bin = D::step(bin, D::none(), D::ge(x, D::gather(lower + 1, bin)));
      D::store(idx + i, D::select(D::in(x, lo, hi), bin, dump));
    }
  }
};

// Counts bin indices idx[0..n) (n even) two at a time into the pair tables: pair q goes to
// table q % kPairCopies, so a run of equal values spreads over the tables as over copies.
inline void count_pairs(const uint32_t* idx, size_t n, size_t width, uint16_t* pairs) {
  const size_t table = width * width;
  for (size_t i = 0; i + 2 * kPairCopies <= n; i += 2 * kPairCopies)
    for (size_t c = 0; c < kPairCopies; ++c) ++pairs[c * table + idx[i + 2 * c] * width + idx[i + 2 * c + 1]];
  for (size_t i = n - n % (2 * kPairCopies); i < n; i += 2) ++pairs[idx[i] * width + idx[i + 1]];
}

// Adds the pair tables into counts (pair (a, b) is one element in bin a and one in bin b)
// and zeroes them.
inline void fold_pairs(uint16_t* pairs, size_t width, uint32_t* counts) {
  uint32_t columns[kMaxPairBins + 1] = {};
  for (size_t r = 0; r < kPairCopies * width; ++r) {
    const uint16_t* row = pairs + r * width;
    uint32_t sum = 0;
    for (size_t b = 0; b < width; ++b) {
      sum += row[b];
      columns[b] += row[b];
    }
    counts[r % width] += sum;
  }
  for (size_t b = 0; b < width; ++b) counts[b] += columns[b];
  for (size_t i = 0; i < kPairCopies * width * width; ++i) pairs[i] = 0;
}

// No vector bin indices (portable C++, NEON without gathers): scalar loops only.
struct NoSimdBins {};

// V: AllValid, or the Valid bitmap whose absent elements go to the dump.
template <class Binner, class T, class V>
void hist_span_masked(const T* p, size_t n, const Bins<T>& bins, const HistScratch& s, V v) {
  if constexpr (!std::is_same_v<Binner, NoSimdBins> && kExactInDouble<T>) {
    const bool vector = bins.guess.usable() || (bins.cells.bin != nullptr && Binner::kCells);
    if (bins.lower_f64 == nullptr || !vector) return hist_scalar(p, n, bins, s, v);
    constexpr size_t kBlock = 512;
    uint32_t idx[kBlock];
    const size_t vec_n = n - n % Binner::N;
    const bool pairs = std::is_same_v<V, AllValid> && s.pairs != nullptr && bins.nbins <= kMaxPairBins;
    // Folded before a uint16 pair counter can wrap: each table takes a quarter of the pairs.
    constexpr size_t kFoldEvery = size_t(1) << 17;
    for (size_t i = 0; i < vec_n; i += kBlock) {
      const size_t k = vec_n - i < kBlock ? vec_n - i : kBlock;
      // One prefetch per 256 bytes, as count_span: the bin loop alone streams at ~75% of
      // one core's read bandwidth without it.
      for (size_t line = 0; line < k * sizeof(T); line += 256) prefetch_ahead(reinterpret_cast<const unsigned char*>(p + i) + line);
      Binner::indices(p + i, k, bins, idx);
      if constexpr (!std::is_same_v<V, AllValid>)
        for (size_t j = 0; j < k; ++j) idx[j] = present(v, i + j) ? idx[j] : static_cast<uint32_t>(bins.nbins);
      if (!pairs) {
        count_indices(idx, k, s);
        continue;
      }
      count_pairs(idx, k, bins.nbins + 1, s.pairs);
      if ((i + k) % kFoldEvery == 0 || i + k == vec_n) fold_pairs(s.pairs, bins.nbins + 1, s.counts);
    }
    p += vec_n;
    n -= vec_n;
    return hist_scalar(p, n, bins, s, advance(v, vec_n));
  }
  hist_scalar(p, n, bins, s, v);
}

template <class Binner, class T>
void hist_span(const T* p, size_t n, const Bins<T>& bins, const HistScratch& s) {
  hist_span_masked<Binner>(p, n, bins, s, AllValid{});
}

template <class Binner, class T>
void hist_valid_span(const T* p, size_t n, const Bins<T>& bins, const HistScratch& s, Valid v) {
  hist_span_masked<Binner>(p, n, bins, s, v);
}

}  // namespace
}  // namespace ck
