// C++ test of the range-count kernels, without Node: every ISA table this CPU runs is
// checked against plain loops (exact counts), and the drivers in count.h are run on the
// active table (COREKERNELS_ISA) with 1..3 threads. Built and run by test/native/count.sh,
// natively and for arm64 under qemu. Exit status 0 when every check passes.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "../../native/count/cell_index.h"
#include "../../native/count/count.h"
#include "../../native/count/guess_check.h"
#include "../../native/count/kernels.h"
#include "../../native/runtime/cpu.h"
#include "../../native/runtime/tuning.h"
#include "check.h"

using namespace ck;

namespace {

struct Rng {
  uint64_t s;
  uint64_t next() {  // splitmix64
    uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  size_t below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(next() % n); }
};

template <class T>
const char* type_name() {
  if constexpr (std::is_same_v<T, int8_t>) return "int8";
  else if constexpr (std::is_same_v<T, uint8_t>) return "uint8";
  else if constexpr (std::is_same_v<T, int16_t>) return "int16";
  else if constexpr (std::is_same_v<T, uint16_t>) return "uint16";
  else if constexpr (std::is_same_v<T, int32_t>) return "int32";
  else if constexpr (std::is_same_v<T, uint32_t>) return "uint32";
  else if constexpr (std::is_same_v<T, int64_t>) return "int64";
  else if constexpr (std::is_same_v<T, uint64_t>) return "uint64";
  else if constexpr (std::is_same_v<T, float>) return "float";
  else return "double";
}

// Values biased to collide with bounds: a small pool of distinct values (extremes, zeros,
// NaN and infinities for floats) plus uniform random bit patterns.
template <class T>
std::vector<T> value_pool(Rng& rng) {
  using L = std::numeric_limits<T>;
  std::vector<T> pool = {L::lowest(), L::max(), T(0), T(1), T(2), T(3), T(7), T(100)};
  if constexpr (std::is_signed_v<T>)
    for (T v : {T(-1), T(-2), T(-100)}) pool.push_back(v);
  if constexpr (std::is_floating_point_v<T>)
    for (T v : {L::quiet_NaN(), L::infinity(), -L::infinity(), T(-0.0), T(0.5), T(2.5), L::denorm_min()}) pool.push_back(v);
  for (int i = 0; i < 8; ++i) {
    T v;
    uint64_t bits = rng.next();
    std::memcpy(&v, &bits, sizeof v);
    if constexpr (std::is_floating_point_v<T>)
      if (std::isnan(v)) v = T(1.5);
    pool.push_back(v);
  }
  return pool;
}

template <class T>
std::vector<T> random_data(Rng& rng, size_t n, const std::vector<T>& pool, bool nan_heavy) {
  std::vector<T> d(n);
  for (auto& x : d) {
    if constexpr (std::is_floating_point_v<T>)
      if (nan_heavy && rng.below(2) == 0) {
        x = std::numeric_limits<T>::quiet_NaN();
        continue;
      }
    x = pool[rng.below(pool.size())];
  }
  return d;
}

// The guess is only made for types a double holds exactly (as in hist.h).
template <class T>
constexpr bool kGuessTestable = std::is_floating_point_v<T> || sizeof(T) <= 4;

// v as a T, clamped into T's range first (an out-of-range conversion is undefined).
template <class T>
T from_double(double v) {
  if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(v);
  } else {
    if (!(v >= double(std::numeric_limits<T>::lowest()))) return std::numeric_limits<T>::lowest();
    if (v >= double(std::numeric_limits<T>::max())) return std::numeric_limits<T>::max();
    return static_cast<T>(v);
  }
}

template <class T>
bool in(T x, T lo, T hi) {
  return x >= lo && x <= hi;
}

// A random inclusive range lo <= hi from the pool (as the TS layer hands the kernels).
template <class T>
void random_range(Rng& rng, const std::vector<T>& pool, T& lo, T& hi) {
  for (;;) {
    lo = pool[rng.below(pool.size())];
    hi = pool[rng.below(pool.size())];
    if constexpr (std::is_floating_point_v<T>)
      if (std::isnan(lo) || std::isnan(hi)) continue;
    if (lo > hi) std::swap(lo, hi);
    return;
  }
}

template <class T>
uint64_t ref_count(const T* p, size_t n, T lo, T hi) {
  uint64_t c = 0;
  for (size_t i = 0; i < n; ++i) c += in(p[i], lo, hi);
  return c;
}

template <class T>
void test_count(const CountKernels<T>& k, const char* isa, Rng& rng) {
  const auto pool = value_pool<T>(rng);
  // Lengths around every vector and unroll width, and past the 8-bit counters' flush
  // (255 steps of 4 x 64 lanes = 65280 elements).
  std::vector<size_t> lengths = {0, 1, 2, 3, 7, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257, 1000, 4099};
  lengths.insert(lengths.end(), {65279, 65280, 65281, 65280 * 2 + 77, 300001});
  for (size_t n : lengths) {
    for (int rep = 0; rep < (n > 10000 ? 2 : 6); ++rep) {
      const auto data = random_data(rng, n + 3, pool, rep % 3 == 2);
      const size_t off = rng.below(4) % (data.size() - n + 1);  // unaligned starts
      T lo, hi;
      random_range(rng, pool, lo, hi);
      if (rep == 0) lo = std::numeric_limits<T>::lowest(), hi = std::numeric_limits<T>::max();
      const uint64_t want = ref_count(data.data() + off, n, lo, hi);
      const uint64_t got = k.count(data.data() + off, n, lo, hi);
      CHECK(got == want, "%s count<%s> n=%zu: got %llu want %llu", isa, type_name<T>(), n, (unsigned long long)got,
            (unsigned long long)want);
    }
  }
  if constexpr (sizeof(T) == 1) {  // every element in range: the counters' worst case
    std::vector<T> all(200003, T(5));
    CHECK(k.count(all.data(), all.size(), T(5), T(5)) == all.size(), "%s count<%s> all in range", isa, type_name<T>());
  }
}

template <class T>
void test_rows(const CountKernels<T>& k, const char* isa, Rng& rng) {
  const auto pool = value_pool<T>(rng);
  const size_t col_list[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 16, 31, 32, 33, 57, 58, 59, 60, 61, 62, 63, 64, 65, 100, 127, 128, 129, 200, 511, 512, 513, 1000};
  for (size_t cols : col_list) {
    for (int rep = 0; rep < 3; ++rep) {
      // Enough rows to cross several 2048-element blocks, and shapes that end exactly on
      // a block or vector boundary (rows * 5 = 2048 * k is impossible; 4096 / 64 ... are).
      size_t rows = rep == 0 ? 1 + rng.below(40) : rep == 1 ? (cols ? 8192 / std::max<size_t>(cols, 1) : 7) : 1 + rng.below(3000);
      if (cols >= 512) rows = std::min<size_t>(rows, 40);
      const auto data = random_data(rng, rows * cols + 2, pool, rep == 2);
      const size_t off = rng.below(3);
      T lo, hi;
      random_range(rng, pool, lo, hi);
      // Both per-row paths: the bit stream (rows) and row by row (rows_plain).
      for (const auto& [path, rows_fn] : {std::pair{"bits", k.rows}, std::pair{"plain", k.rows_plain}}) {
        std::vector<uint32_t> got(rows + 1, 0xdeadbeef);
        rows_fn(data.data() + off, rows, cols, lo, hi, got.data());
        bool ok = got[rows] == 0xdeadbeef;
        for (size_t r = 0; r < rows && ok; ++r) ok = got[r] == ref_count(data.data() + off + r * cols, cols, lo, hi);
        CHECK(ok, "%s rows<%s> %s %zux%zu", isa, type_name<T>(), path, rows, cols);
      }
    }
  }
}

// The uniform guess and its check, as src/histogram-guess.ts does them.
size_t guess_of(double first, double scale, size_t nbins, double x) {
  double t = (x - first) * scale;
  t = t > 0 ? t : 0;
  t = t < double(nbins - 1) ? t : double(nbins - 1);
  return static_cast<size_t>(t);
}

template <class T>
T greatest_below(T x) {
  if constexpr (std::is_floating_point_v<T>) return std::nextafter(x, -std::numeric_limits<T>::infinity());
  else return x == std::numeric_limits<T>::lowest() ? x : T(x - 1);
}

template <class T>
T least_above(T x) {
  if constexpr (std::is_floating_point_v<T>) return std::nextafter(x, std::numeric_limits<T>::infinity());
  else return x == std::numeric_limits<T>::max() ? x : T(x + 1);
}

template <class T>
bool guess_ok(const std::vector<T>& lower, T upper, double first, double scale) {
  const size_t nb = lower.size();
  for (size_t i = 0; i < nb; ++i) {
    const T greatest = i + 1 < nb ? greatest_below(lower[i + 1]) : upper;
    if (greatest < lower[i]) continue;
    const size_t g0 = guess_of(first, scale, nb, double(lower[i])), g1 = guess_of(first, scale, nb, double(greatest));
    if (g0 + 1 < i || g1 > i + 1) return false;
  }
  return true;
}

template <class T>
std::vector<uint64_t> ref_hist(const T* p, size_t n, const std::vector<T>& lower, T upper) {
  std::vector<uint64_t> c(lower.size(), 0);
  for (size_t i = 0; i < n; ++i) {
    if (!in(p[i], lower[0], upper)) continue;
    size_t b = 0;
    while (b + 1 < lower.size() && lower[b + 1] <= p[i]) ++b;
    ++c[b];
  }
  return c;
}

// Weighted sums of p[i0..i1) per bin, each bin's weights added in element order from zero.
template <class T, class W>
std::vector<double> ref_weighted(const T* p, const W* w, size_t i0, size_t i1, const std::vector<T>& lower, T upper) {
  std::vector<double> s(lower.size(), 0.0);
  for (size_t i = i0; i < i1; ++i) {
    if (!in(p[i], lower[0], upper)) continue;
    size_t b = 0;
    while (b + 1 < lower.size() && lower[b + 1] <= p[i]) ++b;
    s[b] += w[i];
  }
  return s;
}

// Weights with many significant bits, so that any other order of the adds shows.
std::vector<double> random_weights(Rng& rng, size_t n) {
  std::vector<double> w(n);
  for (auto& x : w) x = (double(rng.below(1 << 30)) - double(1 << 28)) / double(1 + rng.below(1000));
  return w;
}

// The weighted kernels of one table against ref_weighted, bit for bit, double and float weights.
template <class T>
void check_weighted(const CountKernels<T>& k, const char* isa, Rng& rng, const std::vector<T>& data, const Bins<T>& bins,
                    const std::vector<T>& lower) {
  const size_t n = data.size(), nbins = lower.size();
  const std::vector<double> w = random_weights(rng, n);
  const std::vector<float> w32(w.begin(), w.end());
  std::vector<double> got(nbins + 1, 0.0), got32(nbins + 1, 0.0);
  k.hist_w64(data.data(), w.data(), n, bins, got.data());
  k.hist_w32(data.data(), w32.data(), n, bins, got32.data());
  const auto want = ref_weighted(data.data(), w.data(), 0, n, lower, bins.upper);
  const auto want32 = ref_weighted(data.data(), w32.data(), 0, n, lower, bins.upper);
  bool ok = true;
  for (size_t b = 0; b < nbins; ++b) ok &= got[b] == want[b] && got32[b] == want32[b];
  CHECK(ok, "%s weighted hist<%s> nbins=%zu n=%zu guess=%d cells=%d", isa, type_name<T>(), nbins, n, bins.guess.usable(),
        bins.cells.bin != nullptr);
}

// Thresholds from edges: uniform ones (first + i * width, with the guess when it checks
// out) or random sorted ones (duplicates possible for integers: empty bins).
template <class T>
void make_bins(Rng& rng, size_t nbins, bool uniform, std::vector<T>& lower, T& upper, BinGuess& guess) {
  lower.clear();
  guess = BinGuess{};
  if (uniform) {
    const double first = std::is_signed_v<T> ? -double(rng.below(50)) : double(rng.below(20));
    double width = std::is_floating_point_v<T> ? 0.37 * double(1 + rng.below(5)) : double(1 + rng.below(9));
    if constexpr (!std::is_floating_point_v<T>)  // keep every edge inside the type
      width = std::max(1.0, std::min(width, std::floor((double(std::numeric_limits<T>::max()) - first) / double(nbins))));
    for (size_t i = 0; i < nbins; ++i) lower.push_back(from_double<T>(std::ceil(first + width * double(i))));
    if constexpr (std::is_floating_point_v<T>)
      for (size_t i = 0; i < nbins; ++i) lower[i] = static_cast<T>(first + width * double(i));
    upper = from_double<T>(first + width * double(nbins));
    const double scale = double(nbins) / (width * double(nbins));
    if (guess_ok(lower, upper, first, scale)) guess = BinGuess{first, scale};
    return;
  }
  const auto pool = value_pool<T>(rng);
  std::vector<T> v;
  const bool finite = rng.below(2);  // random values in [-20, 100] (cells get built) or from the pool
  while (v.size() < nbins + 1) {
    T x = finite ? from_double<T>(-20.0 + 120.0 * double(rng.below(1 << 20)) / double(1 << 20)) : pool[rng.below(pool.size())];
    if constexpr (std::is_floating_point_v<T>)
      if (std::isnan(x)) continue;
    v.push_back(x);
  }
  std::sort(v.begin(), v.end());
  lower.assign(v.begin(), v.begin() + nbins);
  upper = v[nbins];
}

template <class T>
void test_hist(const CountKernels<T>& k, const char* isa, Rng& rng) {
  const auto pool = value_pool<T>(rng);
  for (size_t nbins : {1, 2, 3, 7, 8, 64, 100}) {
    for (int rep = 0; rep < 4; ++rep) {
      std::vector<T> lower;
      T upper;
      BinGuess guess;
      make_bins(rng, nbins, rep < 2, lower, upper, guess);
      if (rep < 2) CHECK(!kGuessTestable<T> || guess.usable(), "%s hist<%s> guess rejected for uniform edges", isa, type_name<T>());
      const size_t n = 1 + rng.below(5000);
      std::vector<T> data(n);
      for (auto& x : data) {  // from the pool, spread over the bins, and on or next to a threshold
        const size_t pick = rng.below(3);
        const T t = lower[rng.below(nbins)];
        if (pick == 0) x = pool[rng.below(pool.size())];
        else if (pick == 1) x = from_double<T>(double(lower[0]) + double(rng.below(1000)) / 1000.0 * (double(upper) - double(lower[0])) * 1.1);
        else x = rng.below(3) == 0 ? t : rng.below(2) ? greatest_below(t) : least_above(t);
      }
      // As the driver prepares them: the thresholds as doubles, NaN after the last.
      std::vector<double> lower_f64(lower.begin(), lower.end());
      lower_f64.push_back(std::numeric_limits<double>::quiet_NaN());
      // The cell index too for arbitrary edges (a large n claimed so that it gets built).
      CellIndex cells;
      const auto cell_storage = build_cell_index(lower.data(), nbins, upper, size_t(1) << 30, cells);
      // 1 copy: the scalar path; 4 copies: the vector path (where the ISA has one), with the
      // uniform guess corrected by lookups, or guarded (the lookups only near a threshold),
      // counting into the copies or (mode 3) into pair tables.
      for (int mode : {0, 1, 2, 3}) {
        const size_t copies = mode == 0 ? 1 : 4;
        const size_t stride = nbins + 3;
        std::vector<uint32_t> counts(copies * stride, 0);
        const double* f64 = kExactInDouble<T> && copies == 4 ? lower_f64.data() : nullptr;  // vector and scalar paths
        const CellIndex use = rep == 3 ? cells : CellIndex{};
        const GuessFit fit = check_guess(lower.data(), nbins, upper, guess);
        if (kGuessTestable<T> && guess.usable()) CHECK(fit != GuessFit::unusable, "%s hist<%s> the driver refuses a guess TS accepts", isa, type_name<T>());
        const double margin = mode >= 2 && fit == GuessFit::within_one ? guess_margin(lower.data(), nbins, guess) : -1.0;
        const Bins<T> bins{lower.data(), nbins, upper, guess, fit == GuessFit::exact, f64, use, margin};
        std::vector<uint16_t> pairs(mode == 3 ? pair_words(nbins) : 0, 0);
        k.hist(data.data(), n, bins, HistScratch{counts.data(), copies, stride, mode == 3 ? pairs.data() : nullptr});
        CHECK(std::all_of(pairs.begin(), pairs.end(), [](uint16_t c) { return c == 0; }), "%s hist<%s> pair tables left dirty", isa, type_name<T>());
        const auto want = ref_hist(data.data(), n, lower, upper);
        bool ok = true;
        for (size_t b = 0; b < nbins; ++b) {
          uint64_t got = 0;
          for (size_t c = 0; c < copies; ++c) got += counts[c * stride + b];
          ok &= got == want[b];
        }
        CHECK(ok, "%s hist<%s> nbins=%zu n=%zu guess=%d mode=%d margin=%g", isa, type_name<T>(), nbins, n, guess.usable(), mode, margin);
        check_weighted(k, isa, rng, data, bins, lower);
      }
    }
  }
}

// Pair tables over long spans: several folds, mostly one repeated value (so one pair
// counter per table takes a quarter of the pairs between folds), the rest anywhere.
// Bins as the driver prepares them (the guess checked, its margin, the float64 thresholds),
// without the driver: for the tests that call one kernel directly.
template <class T>
struct DriverBins {
  std::vector<double> lower_f64;
  Bins<T> bins;
  DriverBins(const std::vector<T>& lower, T upper, const BinGuess& guess)
      : lower_f64(lower.begin(), lower.end()), bins{} {
    lower_f64.push_back(std::numeric_limits<double>::quiet_NaN());
    const GuessFit fit = check_guess(lower.data(), lower.size(), upper, guess);
    bins = Bins<T>{lower.data(), lower.size(), upper, fit == GuessFit::unusable ? BinGuess{} : guess, fit == GuessFit::exact,
                   kExactInDouble<T> ? lower_f64.data() : nullptr, CellIndex{},
                   fit == GuessFit::within_one ? guess_margin(lower.data(), lower.size(), guess) : -1.0};
  }
  DriverBins(const DriverBins&) = delete;  // bins points into lower_f64
};

// Weighted sums over several of the vector path's 512-element blocks, with a tail short of
// the vector width: runs of one value (one bin's adds back to back, each waiting on the
// last), runs that cross the block edges, runs outside the bins, NaN and infinities
// (dumped), with the uniform guess and with cells; bit for bit against ref_weighted.
template <class T>
void test_hist_weighted_runs(const CountKernels<T>& k, const char* isa, Rng& rng) {
  const auto pool = value_pool<T>(rng);
  for (bool uniform : {true, false}) {
    std::vector<T> lower;
    T upper;
    BinGuess guess;
    make_bins(rng, 64, uniform, lower, upper, guess);
    DriverBins<T> prepared(lower, upper, guess);
    CellIndex cells;
    const auto cell_storage = build_cell_index(lower.data(), lower.size(), upper, size_t(1) << 30, cells);
    if (!uniform) prepared.bins.cells = cells;
    for (size_t n : {size_t(511), size_t(512), size_t(513), size_t(3 * 512 + 7), size_t(5 * 512 - 1)}) {
      std::vector<T> data;
      while (data.size() < n) {  // run lengths 1..700: some longer than a block
        const size_t len = std::min(n - data.size(), size_t(1 + rng.below(rng.below(4) == 0 ? 700 : 8)));
        const T x = rng.below(3) == 0 ? pool[rng.below(pool.size())] : lower[rng.below(lower.size())];
        data.insert(data.end(), len, x);
      }
      check_weighted(k, isa, rng, data, prepared.bins, lower);
    }
  }
}

template <class T>
void test_hist_pairs(const CountKernels<T>& k, const char* isa, Rng& rng) {
  const auto pool = value_pool<T>(rng);
  std::vector<T> lower;
  T upper;
  BinGuess guess;
  make_bins(rng, 64, true, lower, upper, guess);
  const size_t n = (size_t(3) << 17) + 2 * kPairCopies * 7 + 6;  // folds, and pairs left over after the last group
  std::vector<T> data(n);
  const T common = lower[rng.below(64)];
  for (auto& x : data) x = rng.below(10) < 8 ? common : pool[rng.below(pool.size())];
  const DriverBins<T> made(lower, upper, guess);
  const Bins<T>& bins = made.bins;
  const size_t stride = 65;
  std::vector<uint32_t> counts(8 * stride, 0);
  std::vector<uint16_t> pairs(pair_words(64), 0);
  k.hist(data.data(), n, bins, HistScratch{counts.data(), 8, stride, pairs.data()});
  const auto want = ref_hist(data.data(), n, lower, upper);
  bool ok = true;
  for (size_t b = 0; b < 64; ++b) {
    uint64_t got = 0;
    for (size_t c = 0; c < 8; ++c) got += counts[c * stride + b];
    ok &= got == want[b];
  }
  CHECK(ok, "%s hist<%s> with pair tables, n=%zu", isa, type_name<T>(), n);
  CHECK(std::all_of(pairs.begin(), pairs.end(), [](uint16_t c) { return c == 0; }), "%s hist<%s> pair tables left dirty", isa, type_name<T>());
}

template <class T>
MinMax<T> ref_minmax(const T* p, size_t n) {
  MinMax<T> r = MinMax<T>::none();
  for (size_t i = 0; i < n; ++i) {
    if (p[i] != p[i]) continue;  // NaN
    if (p[i] < r.lo) r.lo = p[i];
    if (p[i] > r.hi) r.hi = p[i];
  }
  return r;
}

template <class T>
bool same_minmax(MinMax<T> a, MinMax<T> b) {
  return a.lo == b.lo && a.hi == b.hi;  // == takes -0 for +0: which zero the lanes keep is not fixed
}

template <class T>
void test_minmax(const CountKernels<T>& k, const char* isa, Rng& rng) {
  const auto pool = value_pool<T>(rng);
  // Every start within a cache line (the kernels run a scalar lead up to a 64-byte boundary)
  // for the smaller sizes, a random one for the largest.
  constexpr size_t kLine = 64 / sizeof(T);
  for (size_t n : {size_t(0), size_t(1), size_t(5), size_t(63), size_t(64), size_t(65), size_t(255), size_t(257), size_t(4099), size_t(100003)}) {
    for (size_t start = 0; start < (n > 4099 ? 1 : kLine); ++start) {
      for (int rep = 0; rep < 4; ++rep) {
        auto data = random_data(rng, n + kLine, pool, rep % 2 == 1);
        const size_t off = n > 4099 ? rng.below(kLine) : start;
        // The extremes at the ends, where a tail or the first vector must catch them; or
        // in the first line, where the lead must.
        if (n > 0 && rep == 3) data[off] = std::numeric_limits<T>::lowest(), data[off + n - 1] = std::numeric_limits<T>::max();
        if (n > 0 && rep == 2) data[off + rng.below(n < kLine ? n : kLine)] = std::numeric_limits<T>::lowest();
        MinMax<T> got = MinMax<T>::none();
        k.minmax(data.data() + off, n, got.lo, got.hi);
        CHECK(same_minmax(got, ref_minmax(data.data() + off, n)), "%s minmax<%s> n=%zu off=%zu", isa, type_name<T>(), n, off);
      }
    }
  }
  if constexpr (std::is_floating_point_v<T>) {
    std::vector<T> nans(1000, std::numeric_limits<T>::quiet_NaN());
    MinMax<T> got = MinMax<T>::none();
    k.minmax(nans.data(), nans.size(), got.lo, got.hi);
    CHECK(got.lo > got.hi, "%s minmax<%s> of NaN only must see nothing", isa, type_name<T>());
  }
}

// A validity bitmap of n + 16 bits (so that a test can start at bit first < 16): every bit
// set, none, a random half, or a sparse few, by `mode`.
std::vector<uint8_t> random_bitmap(Rng& rng, size_t n, int mode) {
  std::vector<uint8_t> v((n + 16 + 7) / 8);
  for (auto& b : v) {
    const uint8_t r = static_cast<uint8_t>(rng.next());
    b = mode == 0 ? 0xff : mode == 1 ? 0 : mode == 2 ? r : static_cast<uint8_t>(r & (rng.next() >> 7) & (rng.next() >> 13));
  }
  return v;
}

bool bit(const std::vector<uint8_t>& v, size_t k) { return (v[k / 8] >> (k % 8)) & 1; }

template <class T>
void ref_columns(const T* p, size_t rows, size_t cols, T lo, T hi, const uint8_t* valid, size_t first, std::vector<uint64_t>& c) {
  c.assign(cols, 0);
  for (size_t r = 0; r < rows; ++r)
    for (size_t j = 0; j < cols; ++j) {
      const size_t k = first + r * cols + j;
      c[j] += in(p[r * cols + j], lo, hi) && (valid == nullptr || ((valid[k / 8] >> (k % 8)) & 1));
    }
}

// Per-column counts with and without a bitmap: widths around every vector width and the
// four-vector blocks, rows past the 8-bit counters' 255-row flush.
template <class T>
void test_columns(const CountKernels<T>& k, const char* isa, Rng& rng) {
  const auto pool = value_pool<T>(rng);
  for (size_t cols : {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 128, 129, 257, 300}) {
    for (size_t rows : {size_t(0), size_t(1), size_t(3), size_t(254), size_t(255), size_t(256), size_t(600)}) {
      const auto data = random_data(rng, rows * cols + 2, pool, rows % 2 == 1);
      const size_t off = rng.below(3);
      T lo, hi;
      random_range(rng, pool, lo, hi);
      if (rows == 600) lo = std::numeric_limits<T>::lowest(), hi = std::numeric_limits<T>::max();
      std::vector<uint64_t> want, got(cols + 1, 0);
      got[cols] = 77;  // past the end: untouched
      ref_columns(data.data() + off, rows, cols, lo, hi, static_cast<const uint8_t*>(nullptr), 0, want);
      k.columns(data.data() + off, rows, cols, lo, hi, got.data());
      CHECK(std::equal(want.begin(), want.end(), got.begin()) && got[cols] == 77, "%s columns<%s> %zux%zu", isa, type_name<T>(), rows, cols);
      const auto valid = random_bitmap(rng, rows * cols, static_cast<int>(rng.below(4)));
      const size_t first = rng.below(16);
      ref_columns(data.data() + off, rows, cols, lo, hi, valid.data(), first, want);
      std::fill(got.begin(), got.end(), 0);
      got[cols] = 77;
      k.columns_valid(data.data() + off, rows, cols, lo, hi, got.data(), Valid{valid.data(), first});
      CHECK(std::equal(want.begin(), want.end(), got.begin()) && got[cols] == 77, "%s columns_valid<%s> %zux%zu first=%zu", isa,
            type_name<T>(), rows, cols, first);
    }
  }
  if constexpr (sizeof(T) == 1) {  // every element in range for many rows: the counters' worst case
    std::vector<T> all(1000 * 64, T(5));
    std::vector<uint64_t> got(64, 0);
    k.columns(all.data(), 1000, 64, T(5), T(5), got.data());
    CHECK(std::all_of(got.begin(), got.end(), [](uint64_t c) { return c == 1000; }), "%s columns<%s> all in range", isa, type_name<T>());
  }
}

// The bitmap kernels against the plain ones on the present elements: counts, per-row
// counts, histograms and the fold, at bit offsets 0..15 and lengths around the 64-bit words.
template <class T>
void test_valid(const CountKernels<T>& k, const char* isa, Rng& rng) {
  const auto pool = value_pool<T>(rng);
  for (size_t n : {0, 1, 7, 8, 9, 63, 64, 65, 127, 128, 129, 1000, 4099, 70001}) {
    for (int mode = 0; mode < 4; ++mode) {
      const auto data = random_data(rng, n + 3, pool, mode == 2);
      const size_t off = rng.below(4);
      const T* p = data.data() + off;
      const auto valid = random_bitmap(rng, n, mode);
      const size_t first = rng.below(16);
      const Valid v{valid.data(), first};
      T lo, hi;
      random_range(rng, pool, lo, hi);
      uint64_t want = 0;
      MinMax<T> want_mm = MinMax<T>::none();
      for (size_t i = 0; i < n; ++i) {
        if (!bit(valid, first + i)) continue;
        want += in(p[i], lo, hi);
        if (p[i] < want_mm.lo) want_mm.lo = p[i];
        if (p[i] > want_mm.hi) want_mm.hi = p[i];
      }
      CHECK(k.count_valid(p, n, lo, hi, v) == want, "%s count_valid<%s> n=%zu mode=%d first=%zu", isa, type_name<T>(), n, mode, first);
      MinMax<T> got_mm = MinMax<T>::none();
      k.minmax_valid(p, n, got_mm.lo, got_mm.hi, v);
      CHECK(same_minmax(got_mm, want_mm), "%s minmax_valid<%s> n=%zu mode=%d", isa, type_name<T>(), n, mode);
      for (size_t cols : {size_t(1), size_t(5), size_t(64), size_t(70), size_t(600)}) {
        const size_t rows = n / cols;
        std::vector<uint32_t> out(rows + 1, 0xdeadbeef);
        k.rows_valid(p, rows, cols, lo, hi, out.data(), v);
        bool ok = out[rows] == 0xdeadbeef;
        for (size_t r = 0; r < rows && ok; ++r) {
          uint32_t c = 0;
          for (size_t j = 0; j < cols; ++j) c += in(p[r * cols + j], lo, hi) && bit(valid, first + r * cols + j);
          ok = out[r] == c;
        }
        CHECK(ok, "%s rows_valid<%s> %zux%zu mode=%d first=%zu", isa, type_name<T>(), rows, cols, mode, first);
      }
      for (int uniform = 0; uniform < 2; ++uniform) {
        std::vector<T> lower;
        T upper;
        BinGuess guess;
        make_bins(rng, 16, uniform == 1, lower, upper, guess);
        const DriverBins<T> made(lower, upper, guess);
        const Bins<T>& bins = made.bins;
        const size_t stride = lower.size() + 1;
        std::vector<uint32_t> counts(stride, 0);
        k.hist_valid(p, n, bins, HistScratch{counts.data(), 1, stride}, v);
        std::vector<T> kept;
        for (size_t i = 0; i < n; ++i)
          if (bit(valid, first + i)) kept.push_back(p[i]);
        const auto want_h = ref_hist(kept.data(), kept.size(), lower, upper);
        bool same = true;
        for (size_t b = 0; b < lower.size(); ++b) same &= counts[b] == want_h[b];
        CHECK(same, "%s hist_valid<%s> n=%zu mode=%d uniform=%d", isa, type_name<T>(), n, mode, uniform);
      }
    }
  }
}

template <class T>
void test_drivers(Rng& rng) {
  const auto pool = value_pool<T>(rng);
  const size_t n = 3000000 / sizeof(T) + 17;  // above the helpers' threshold: several tiles
  const auto data = random_data(rng, n, pool, false);
  T lo, hi;
  random_range(rng, pool, lo, hi);
  const uint64_t want = ref_count(data.data(), n, lo, hi);
  const size_t cols = 5, rows = n / cols;
  std::vector<T> lower;
  T upper;
  BinGuess guess;
  make_bins(rng, 64, true, lower, upper, guess);
  const auto want_hist = ref_hist(data.data(), n, lower, upper);
  const std::vector<double> weights = random_weights(rng, n);
  for (unsigned threads = 1; threads <= 3; ++threads) {
    const Exec ex{threads, nullptr};
    CHECK(count_in_range(data.data(), n, lo, hi, ex) == want, "driver count<%s> threads=%u", type_name<T>(), threads);
    std::vector<uint32_t> out(rows);
    count_by_row(data.data(), rows, cols, lo, hi, out.data(), ex);
    bool ok = true;
    for (size_t r = 0; r < rows && ok; ++r) ok = out[r] == ref_count(data.data() + r * cols, cols, lo, hi);
    CHECK(ok, "driver rows<%s> threads=%u", type_name<T>(), threads);
    std::vector<double> h(64);
    for (int with_guess = 0; with_guess < 2; ++with_guess) {
      histogram(data.data(), n, lower.data(), lower.size(), upper, h.data(), ex, with_guess ? guess : BinGuess{});
      bool same = true;
      for (size_t b = 0; b < 64; ++b) same &= h[b] == double(want_hist[b]);
      CHECK(same, "driver histogram<%s> threads=%u guess=%d", type_name<T>(), threads, with_guess);
    }
    CHECK(same_minmax(min_max(data.data(), n, ex), ref_minmax(data.data(), n)), "driver min_max<%s> threads=%u", type_name<T>(), threads);
    // Weighted: fixed tiles summed in element order, added in tile order, for any thread count.
    const size_t tile = 65536;
    std::vector<double> want_w(64, 0.0);
    for (size_t i0 = 0; i0 < n; i0 += tile) {
      const auto part = ref_weighted(data.data(), weights.data(), i0, std::min(n, i0 + tile), lower, upper);
      for (size_t b = 0; b < 64; ++b) want_w[b] += part[b];
    }
    for (int with_guess = 0; with_guess < 2; ++with_guess) {
      histogram_weighted(data.data(), weights.data(), n, lower.data(), lower.size(), upper, h.data(), tile, ex,
                         with_guess ? guess : BinGuess{});
      CHECK(h == want_w, "driver histogram_weighted<%s> threads=%u guess=%d", type_name<T>(), threads, with_guess);
    }
  }
  // Per column (16 wide, as the benchmark's matrix) and every driver with a bitmap.
  const size_t wide = 16, tall = n / wide;
  const auto valid = random_bitmap(rng, n, 2);
  std::vector<uint64_t> want_cols, want_cols_valid;
  ref_columns(data.data(), tall, wide, lo, hi, static_cast<const uint8_t*>(nullptr), 0, want_cols);
  ref_columns(data.data(), tall, wide, lo, hi, valid.data(), 0, want_cols_valid);
  uint64_t want_valid = 0;
  std::vector<T> kept;
  for (size_t i = 0; i < n; ++i)
    if (bit(valid, i)) want_valid += in(data[i], lo, hi), kept.push_back(data[i]);
  const auto want_hist_valid = ref_hist(kept.data(), kept.size(), lower, upper);
  for (unsigned threads = 1; threads <= 3; ++threads) {
    const Exec ex{threads, nullptr};
    std::vector<uint32_t> cols_out(wide, 0xdeadbeef);
    count_by_column(data.data(), tall, wide, lo, hi, cols_out.data(), ex);
    CHECK(std::equal(want_cols.begin(), want_cols.end(), cols_out.begin()), "driver columns<%s> threads=%u", type_name<T>(), threads);
    count_by_column(data.data(), tall, wide, lo, hi, cols_out.data(), ex, valid.data());
    CHECK(std::equal(want_cols_valid.begin(), want_cols_valid.end(), cols_out.begin()), "driver columns valid<%s> threads=%u",
          type_name<T>(), threads);
    CHECK(count_in_range(data.data(), n, lo, hi, ex, valid.data()) == want_valid, "driver count valid<%s> threads=%u", type_name<T>(), threads);
    std::vector<uint32_t> out(rows);
    count_by_row(data.data(), rows, cols, lo, hi, out.data(), ex, valid.data());
    bool ok = true;
    for (size_t r = 0; r < rows && ok; ++r) {
      uint32_t c = 0;
      for (size_t j = 0; j < cols; ++j) c += in(data[r * cols + j], lo, hi) && bit(valid, r * cols + j);
      ok = out[r] == c;
    }
    CHECK(ok, "driver rows valid<%s> threads=%u", type_name<T>(), threads);
    std::vector<double> h(64);
    histogram(data.data(), n, lower.data(), lower.size(), upper, h.data(), ex, guess, valid.data());
    bool same = true;
    for (size_t b = 0; b < 64; ++b) same &= h[b] == double(want_hist_valid[b]);
    CHECK(same, "driver histogram valid<%s> threads=%u", type_name<T>(), threads);
    CHECK(same_minmax(min_max(data.data(), n, ex, valid.data()), ref_minmax(kept.data(), kept.size())), "driver min_max valid<%s> threads=%u",
          type_name<T>(), threads);
  }
}

template <class T>
void test_table(const CountTable& t, Rng& rng) {
  const auto& k = count_kernels<T>(t);
  test_count<T>(k, t.isa, rng);
  test_rows<T>(k, t.isa, rng);
  test_hist<T>(k, t.isa, rng);
  test_hist_pairs<T>(k, t.isa, rng);
  test_hist_weighted_runs<T>(k, t.isa, rng);
  test_minmax<T>(k, t.isa, rng);
  test_columns<T>(k, t.isa, rng);
  test_valid<T>(k, t.isa, rng);
}

template <class... Ts>
void for_each_type(const CountTable* t, Rng& rng) {
  if (t != nullptr) (test_table<Ts>(*t, rng), ...);
  else (test_drivers<Ts>(rng), ...);
}

// The tuning table (runtime/tuning.h): CPUs map to their rows, every row is reachable by
// name, and the count table each row asks for has that row's instruction set, per-row path
// and histogram kernels, and counts rows exactly.
void test_tuning(Rng& rng) {
  struct Case {
    CpuId id;
    Isa best;
    const char* want;
  };
  const Case cases[] = {
      {{Vendor::intel, 6, 207}, Isa::avx512, "intel-spr"},       {{Vendor::intel, 6, 143}, Isa::avx512, "intel-spr"},
      {{Vendor::intel, 6, 106}, Isa::avx512, "intel-icx"},       {{Vendor::intel, 6, 85}, Isa::avx512, "intel-skx"},
      {{Vendor::intel, 6, 0x3c}, Isa::avx2, "intel-client-avx2"}, {{Vendor::intel, 6, 0xb7}, Isa::avx2, "intel-client-avx2"},
      {{Vendor::intel, 6, 0x4d}, Isa::generic, "generic"},       // a model in a client range without AVX2
      {{Vendor::intel, 6, 207}, Isa::avx2, "x86-avx2"},          // AVX-512 hidden (a VM): not the SPR row
      {{Vendor::intel, 6, 0xad}, Isa::avx512, "x86-avx512"},     // a model no row names
      {{Vendor::amd, 25, 0x11}, Isa::avx512, "amd-zen4"},        {{Vendor::amd, 25, 0x61}, Isa::avx512, "amd-zen4"},
      {{Vendor::amd, 25, 0xa0}, Isa::avx512, "amd-zen4"},        {{Vendor::amd, 25, 0x01}, Isa::avx2, "amd-zen3"},
      {{Vendor::amd, 25, 0x21}, Isa::avx2, "amd-zen3"},          {{Vendor::amd, 26, 0x02}, Isa::avx512, "amd-zen5"},
      {{Vendor::amd, 23, 0x31}, Isa::avx2, "x86-avx2"},          {{Vendor::arm, 0, 0}, Isa::neon, "arm64-generic"},
      {{Vendor::any, 0, 0}, Isa::neon, "generic"},               {{Vendor::any, 0, 0}, Isa::generic, "generic"},
  };
  for (const Case& c : cases) {
    const char* got = tuning_for(c.id, c.best).name;
    CHECK(std::strcmp(got, c.want) == 0, "tuning_for vendor %d family %u model %#x %s: got %s want %s", static_cast<int>(c.id.vendor),
          c.id.family, c.id.model, isa_name(c.best), got, c.want);
  }
  CHECK(tuning_named("no-such-cpu") == nullptr, "tuning_named of an unknown name");
  // COREKERNELS_ISA forces one level whatever the cap; otherwise the cap picks the widest level within it.
  CHECK(tuned_isa(512) == active_isa(), "tuned_isa(512) is the active level");
  CHECK(tuned_isa(0) == (isa_forced() ? active_isa() : Isa::generic), "tuned_isa(0)");
  for (size_t i = 0; i < kTuningRowCount; ++i) {
    const Tuning& row = kTuningRows[i];
    CHECK(tuning_named(row.name) == &row, "tuning_named(%s)", row.name);
    const CountTable t = tuned_count_table(row);
    const Isa count_isa = tuned_isa(row.count_bits), hist_isa = tuned_isa(row.hist_bits);
    CHECK(std::strcmp(t.isa, isa_name(count_isa)) == 0, "row %s: count table %s, want %s", row.name, t.isa, isa_name(count_isa));
    const CountTable* hist = hist_isa == Isa::avx512 ? count_table_avx512() : hist_isa == Isa::avx2 ? count_table_avx2()
                             : hist_isa == Isa::neon ? count_table_neon() : count_table_generic();
    CHECK(t.f64.hist == hist->f64.hist && t.i8.hist_w32 == hist->i8.hist_w32, "row %s: histogram kernels of %s", row.name, hist->isa);
    CHECK((t.f64.rows == t.f64.rows_plain) == (row.rows == RowPath::plain) && (t.u16.rows == t.u16.rows_plain) == (row.rows == RowPath::plain),
          "row %s: per-row path", row.name);
    const HistCounters want_counters = row.hist == HistPath::pairs ? hist->hist_counters : HistCounters::copies;
    CHECK(t.hist_counters == want_counters, "row %s: histogram counters", row.name);
    test_rows<double>(t.f64, row.name, rng);
    test_rows<int32_t>(t.i32, row.name, rng);
  }
  std::printf("tuning row %s; ", cpu_tuning().name);
}

// Halves: every conversion path against exact arithmetic (each of the 65536 halves widened;
// narrowing at, between and next to every pair of neighbouring halves, and random floats),
// then the half drivers against the float32 drivers on the widened data.
bool same_value(float a, float b) { return (std::isnan(a) && std::isnan(b)) || std::memcmp(&a, &b, 4) == 0; }

float exact_half(uint16_t h) {  // the value of a half, by its definition
  const int exp = (h >> 10) & 31, man = h & 1023;
  const double sign = (h & 0x8000) ? -1.0 : 1.0;
  if (exp == 31) return man != 0 ? std::numeric_limits<float>::quiet_NaN() : float(sign * INFINITY);
  return float(sign * (exp == 0 ? std::ldexp(man, -24) : std::ldexp(1024 + man, exp - 25)));
}

float nearest_half(float x) {  // x rounded to a half, ties to even, in double arithmetic
  if (std::isnan(x)) return x;
  const double a = std::fabs(double(x));
  int e2;
  std::frexp(a, &e2);
  const double ulp = std::ldexp(1.0, std::max(e2 - 1, -14) - 10);
  const double r = std::nearbyint(a / ulp) * ulp;  // the default rounding mode: to nearest even
  return float(std::copysign(r > 65504 ? double(INFINITY) : r, double(x)));
}

void test_half_conversions(Rng& rng) {
  const HalfConvert* paths[] = {half_convert_portable(), half_convert_f16c(), half_convert_avx512(), half_convert_neon()};
  std::vector<uint16_t> all(65536);
  for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<uint16_t>(i);
  std::vector<float> probes;  // every half, the midpoints to the next one up, and their float neighbours
  for (uint32_t h = 0; h < 65536; ++h) {
    const float x = exact_half(static_cast<uint16_t>(h)), next = exact_half(static_cast<uint16_t>(h + 1));
    probes.push_back(x);
    if (!std::isfinite(x) || !std::isfinite(next) || (h & 0x7fff) == 0x7bff) continue;
    const float mid = (x + next) / 2;
    probes.insert(probes.end(), {mid, std::nextafter(mid, -INFINITY), std::nextafter(mid, INFINITY)});
  }
  for (const float x : {65504.0f, 65519.99f, 65520.0f, 65536.0f, 1e30f, -65520.0f, 1e-30f, -1e-30f}) probes.push_back(x);
  for (int i = 0; i < 200000; ++i) {
    const uint32_t bits = rng.next() ^ (rng.next() << 16);
    float x;
    std::memcpy(&x, &bits, 4);
    probes.push_back(x);
  }
  std::string ran;
  for (const HalfConvert* c : paths) {
    if (c == nullptr) continue;
    ran += std::string(" ") + c->name;
    std::vector<float> wide(all.size());
    c->widen(all.data(), all.size(), wide.data());
    bool ok = true;
    for (size_t i = 0; i < all.size() && ok; ++i) ok = same_value(wide[i], exact_half(all[i]));
    CHECK(ok, "half %s widen", c->name);
    std::vector<uint16_t> narrow(probes.size());
    c->narrow(probes.data(), probes.size(), narrow.data());
    ok = true;
    for (size_t i = 0; i < probes.size() && ok; ++i) ok = same_value(exact_half(narrow[i]), nearest_half(probes[i]));
    CHECK(ok, "half %s narrow", c->name);
  }
  std::printf("half conversions:%s\n", ran.c_str());
}

void test_half_drivers(Rng& rng) {
  const size_t n = 1500000 + 17;
  std::vector<half> data(n);
  std::vector<float> wide(n);
  for (size_t i = 0; i < n; ++i) {
    // Every pattern (NaN and infinities included), with a third of the values near zero.
    const uint16_t h = static_cast<uint16_t>(i % 3 == 0 ? (rng.next() & 0x83ff) | 0x3800 : rng.next() & 0xffff);
    data[i] = half{h};
    wide[i] = half_to_float(h);
  }
  const half lo{0xb800}, hi{0x4a00};  // -0.5 and 12
  std::vector<half> lower;
  std::vector<float> lower_f;
  for (int b = 0; b < 40; ++b) {
    const float t = -20.0f + b * 0.75f;
    lower.push_back(half{float_to_half(t)});
    lower_f.push_back(t);
  }
  const half upper{float_to_half(10.0f)};
  for (unsigned threads = 1; threads <= 3; ++threads) {
    const Exec ex{threads, nullptr};
    CHECK(count_in_range(data.data(), n, lo, hi, ex) == count_in_range(wide.data(), n, -0.5f, 12.0f, ex), "driver count<half> threads=%u", threads);
    for (const size_t cols : {size_t(5), size_t(3001)}) {
      const size_t rows = n / cols;
      std::vector<uint32_t> got(rows), want(rows);
      count_by_row(data.data(), rows, cols, lo, hi, got.data(), ex);
      count_by_row(wide.data(), rows, cols, -0.5f, 12.0f, want.data(), ex);
      CHECK(got == want, "driver rows<half> cols=%zu threads=%u", cols, threads);
    }
    std::vector<double> got(lower.size()), want(lower.size());
    histogram(data.data(), n, lower.data(), lower.size(), upper, got.data(), ex);
    histogram(wide.data(), n, lower_f.data(), lower_f.size(), 10.0f, want.data(), ex);
    CHECK(got == want, "driver histogram<half> threads=%u", threads);
    const MinMax<float> a = min_max(data.data(), n, ex), b = min_max(wide.data(), n, ex);
    CHECK(a.lo == b.lo && a.hi == b.hi, "driver min_max<half> threads=%u", threads);
  }
}

}  // namespace

int main() {
  Rng rng{12345};
  const std::pair<Isa, const CountTable*> tables[] = {
      {Isa::generic, count_table_generic()},
      {Isa::avx2, count_table_avx2()},
      {Isa::avx512, count_table_avx512()},
      {Isa::neon, count_table_neon()},
  };
  std::string ran;
  for (const auto& [isa, table] : tables) {
    if (table == nullptr || !isa_supported(isa)) continue;
    for_each_type<int8_t, uint8_t, int16_t, uint16_t, int32_t, uint32_t, int64_t, uint64_t, float, double>(table, rng);
    ran += std::string(" ") + table->isa;
  }
  for_each_type<int8_t, uint8_t, int16_t, uint16_t, int32_t, uint32_t, int64_t, uint64_t, float, double>(nullptr, rng);
  test_half_conversions(rng);
  test_half_drivers(rng);
  test_tuning(rng);
  std::printf("count kernels:%s; drivers on %s: %s\n", ran.c_str(), count_table().isa,
              failures == 0 ? "all passed" : (std::to_string(failures) + " failed").c_str());
  return failures == 0 ? 0 : 1;
}
