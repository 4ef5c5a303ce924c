#pragma once
// The per-ISA count kernels behind count.cc's drivers: one table of function pointers per
// instruction set, chosen once at run time (no target_clones: it needs ifunc, which breaks
// on musl and MinGW). A kernel works on one tile on the calling thread; the driver tiles,
// threads and merges.
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "count.h"

namespace ck {

// Element types a double holds exactly: the uniform guess (and the SIMD histogram, which
// works on doubles) is for these only.
template <class T>
constexpr bool kExactInDouble = std::is_floating_point_v<T> || sizeof(T) <= 4;

// The uniform guess of x's bin (count.h's BinGuess), clamped to [0, last_bin].
inline size_t guess_of(const BinGuess& g, double last_bin, double x) {
  double t = (x - g.first) * g.scale;
  t = t > 0.0 ? t : 0.0;  // also maps NaN to 0
  return static_cast<size_t>(t < last_bin ? t : last_bin);
}

// Arbitrary edges searched through a grid of equal cells over [lower[0], upper]:
//   cell(x) = trunc(min(max((double(x) - first) * scale, 0), last))
// (the same IEEE operations everywhere, so builder and kernels agree on every cell), and
// bin[c] = how many thresholds after the first have a cell below c. cell() is monotone, so
// bin[cell(x)] never exceeds x's bin, and falls short by at most the number of thresholds
// sharing x's cell: `steps` forward steps ("x >= the next threshold") always land on it.
// Built by cell_index.h; bin == nullptr means binary search.
struct CellIndex {
  const uint32_t* bin = nullptr;
  double first = 0, scale = 0, last = 0;
  uint32_t steps = 0;
};

inline size_t cell_of(const CellIndex& c, double x) {
  double t = (x - c.first) * c.scale;
  t = t > 0.0 ? t : 0.0;  // also maps NaN to 0
  return static_cast<size_t>(t < c.last ? t : c.last);
}

// The bins of one histogram call, in the element domain (see count.h).
template <class T>
struct Bins {
  const T* lower;  // nbins thresholds, non-decreasing (equal ones make empty bins)
  size_t nbins;
  T upper;         // inclusive upper bound of the last bin
  BinGuess guess;
  // The driver found the guess never off (guess_check.h): no correction step needed.
  bool guess_exact;
  // For kExactInDouble types: the thresholds as doubles followed by a NaN (so "x >= the
  // next threshold" is false past the last bin), for the SIMD paths. Null otherwise.
  const double* lower_f64;
  CellIndex cells;  // used when there is no guess
  // guess_check.h's guess_margin when the guess needs correcting (not guess_exact), else
  // negative. The SIMD kernels skip the correction lookups for a vector whose guesses all
  // lie farther than this from a whole number (hist.h, SimdBins).
  double guess_margin = -1;
};

// Counter layout of one tile's histogram scratch: `copies` interleaved copies of nbins + 1
// uint32 counters (the last one is a dump for values outside the bins, so the loop needs no
// branch). Consecutive elements go to different copies: a run of equal values then never
// waits on the previous increment of the same counter.
struct HistScratch {
  uint32_t* counts;
  size_t copies;
  size_t stride;  // >= nbins + 1
  // Optional, for nbins <= kMaxPairBins: kPairCopies tables of (nbins + 1)^2 uint16 counters,
  // zero on entry and left zero. The SIMD kernels then count two elements with one
  // increment (their bins' pair), folding the tables into `counts` as they go.
  uint16_t* pairs = nullptr;
};

constexpr size_t kMaxPairBins = 64;
constexpr size_t kPairCopies = 4;  // 4 x 65 x 65 x 2 bytes: 33 KiB, within a 48 KiB L1
inline size_t pair_words(size_t nbins) { return kPairCopies * (nbins + 1) * (nbins + 1); }

// How a table's histogram kernels bump counters: one increment per element into the
// interleaved copies, or one per pair of elements into HistScratch::pairs (half the
// stores: 0.19 vs 0.39 ns an element on Sapphire Rapids). A per-CPU choice: the driver
// hands out pair tables only to a table that asks for them.
enum class HistCounters : uint8_t { copies, pairs };

// An Arrow validity bitmap as one tile sees it: the tile's element i is present iff bit
// first + i of `bits` is set (bit k is bit k % 8 of byte k / 8). Absent elements never
// count, as NaN never does. The kernels taking one are separate instantiations, so the
// calls without a bitmap keep their loops unchanged.
struct Valid {
  const uint8_t* bits;
  size_t first;
};

template <class T>
struct CountKernels {
  // How many of p[0..n) satisfy lo <= x <= hi (ordered: NaN never counts).
  uint64_t (*count)(const T* p, size_t n, T lo, T hi);
  // out[r] = count of row r of a rows x cols row-major block.
  void (*rows)(const T* p, size_t rows, size_t cols, T lo, T hi, uint32_t* out);
  // Adds p[0..n) into the scratch counters (which the caller zeroed); n < 2^32.
  void (*hist)(const T* p, size_t n, const Bins<T>& bins, const HistScratch& s);
  // Folds p[0..n) into lo and hi, skipping NaN.
  void (*minmax)(const T* p, size_t n, T& lo, T& hi);
  // Adds w[i] to sums[bin of p[i]] in element order; sums has nbins + 1 entries, the last
  // a dump for values outside the bins.
  void (*hist_w64)(const T* p, const double* w, size_t n, const Bins<T>& bins, double* sums);
  void (*hist_w32)(const T* p, const float* w, size_t n, const Bins<T>& bins, double* sums);
  // Adds the in-range count of each column of a rows x cols row-major block to totals[c].
  void (*columns)(const T* p, size_t rows, size_t cols, T lo, T hi, uint64_t* totals);
  // The same four counts and the fold, present elements only.
  uint64_t (*count_valid)(const T* p, size_t n, T lo, T hi, Valid v);
  void (*rows_valid)(const T* p, size_t rows, size_t cols, T lo, T hi, uint32_t* out, Valid v);
  void (*columns_valid)(const T* p, size_t rows, size_t cols, T lo, T hi, uint64_t* totals, Valid v);
  void (*hist_valid)(const T* p, size_t n, const Bins<T>& bins, const HistScratch& s, Valid v);
  void (*minmax_valid)(const T* p, size_t n, T& lo, T& hi, Valid v);
  // The same per-row counts as `rows`, row by row rather than through a bit stream (span.h's
  // count_rows_plain). count_table() puts it in `rows` where the CPU's tuning row says so.
  void (*rows_plain)(const T* p, size_t rows, size_t cols, T lo, T hi, uint32_t* out);
};

// The weighted histogram kernel of `k` for weights of type W (double or float).
template <class W, class T>
auto weighted_hist(const CountKernels<T>& k) {
  if constexpr (std::is_same_v<W, float>) return k.hist_w32;
  else return k.hist_w64;
}

struct CountTable {
  const char* isa;
  CountKernels<int8_t> i8;
  CountKernels<uint8_t> u8;
  CountKernels<int16_t> i16;
  CountKernels<uint16_t> u16;
  CountKernels<int32_t> i32;
  CountKernels<uint32_t> u32;
  CountKernels<int64_t> i64;
  CountKernels<uint64_t> u64;
  CountKernels<float> f32;
  CountKernels<double> f64;
  HistCounters hist_counters = HistCounters::copies;
};

// Each ISA's table, or nullptr when this build or architecture has no such path.
const CountTable* count_table_generic();
const CountTable* count_table_avx2();
const CountTable* count_table_avx512();
const CountTable* count_table_neon();
const CountTable* count_table_wasm();  // the WebAssembly build's only table (native/wasm/)

struct Tuning;

// The table a tuning row (runtime/tuning.h) asks for on this CPU: its instruction sets,
// capped by what the CPU runs (COREKERNELS_ISA forcing one), and its per-row path.
CountTable tuned_count_table(const Tuning& row);

// tuned_count_table of the CPU's row, chosen once.
const CountTable& count_table();

// The entry of `t` for element type T.
template <class T>
const CountKernels<T>& count_kernels(const CountTable& t) {
  if constexpr (std::is_same_v<T, int8_t>) return t.i8;
  else if constexpr (std::is_same_v<T, uint8_t>) return t.u8;
  else if constexpr (std::is_same_v<T, int16_t>) return t.i16;
  else if constexpr (std::is_same_v<T, uint16_t>) return t.u16;
  else if constexpr (std::is_same_v<T, int32_t>) return t.i32;
  else if constexpr (std::is_same_v<T, uint32_t>) return t.u32;
  else if constexpr (std::is_same_v<T, int64_t>) return t.i64;
  else if constexpr (std::is_same_v<T, uint64_t>) return t.u64;
  else if constexpr (std::is_same_v<T, float>) return t.f32;
  else return t.f64;
}

}  // namespace ck
