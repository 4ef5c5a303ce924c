#pragma once
// Checks the uniform-edges guess (count.h's BinGuess) against the actual thresholds before
// the kernels use it: the TS layer only sends a guess it found off by at most one, and this
// repeats the check with the kernels' own arithmetic (guess_of), so the native result is
// exact even if the two ever disagreed. It also finds guesses that are never off, which
// need no correction lookups at all (edges like i / 64).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <type_traits>

#include "kernels.h"

namespace ck {

enum class GuessFit { exact, within_one, unusable };

// The greatest element value below x, or false when there is none.
template <class T>
bool value_below(T x, T& below) {
  if constexpr (std::is_floating_point_v<T>) {
    if (!(x > -std::numeric_limits<T>::infinity())) return false;
    below = std::nextafter(x, -std::numeric_limits<T>::infinity());
  } else {
    if (x == std::numeric_limits<T>::lowest()) return false;
    below = static_cast<T>(x - 1);
  }
  return true;
}

inline size_t distance(size_t a, size_t b) { return a > b ? a - b : b - a; }

// guess_of is monotone in x and every bin's values form an interval, so the largest miss
// within bin i is at its least or its greatest value.
template <class T>
GuessFit check_guess(const T* lower, size_t nbins, T upper, const BinGuess& g) {
  if (!kExactInDouble<T> || !g.usable() || nbins == 0) return GuessFit::unusable;
  const double last_bin = static_cast<double>(nbins - 1);
  size_t worst = 0;
  for (size_t i = 0; i < nbins; ++i) {
    T greatest = upper;
    if (i + 1 < nbins && !value_below(lower[i + 1], greatest)) continue;
    if (greatest < lower[i]) continue;  // an empty bin (equal integer thresholds)
    const size_t g0 = guess_of(g, last_bin, static_cast<double>(lower[i]));
    const size_t g1 = guess_of(g, last_bin, static_cast<double>(greatest));
    worst = std::max({worst, distance(g0, i), distance(g1, i)});
  }
  return worst == 0 ? GuessFit::exact : worst == 1 ? GuessFit::within_one : GuessFit::unusable;
}

// How far from its bin's number the unclamped guess u(x) = (double(x) - first) * scale (the
// kernels' arithmetic) can be on either side of an interior threshold: the largest
// |u - i| over lower[i] and the value just below it, i = 1..nbins-1. u is monotone, so for
// any x whose u lies farther than this from every integer, trunc(u) is x's bin and no
// correction is needed (hist.h's guarded guess). Negative when the guess is unusable.
template <class T>
double guess_margin(const T* lower, size_t nbins, const BinGuess& g) {
  if (!kExactInDouble<T> || !g.usable()) return -1;
  const auto u = [&](T x) { return (static_cast<double>(x) - g.first) * g.scale; };
  double margin = 0;
  for (size_t i = 1; i < nbins; ++i) {
    const double bin = static_cast<double>(i);
    margin = std::max(margin, std::fabs(u(lower[i]) - bin));
    T below;
    if (value_below(lower[i], below)) margin = std::max(margin, std::fabs(u(below) - bin));
  }
  return margin;
}

}  // namespace ck
