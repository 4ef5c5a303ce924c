// Range-count drivers: how many threads a call deserves, how it is tiled, how tiles'
// results merge. The per-tile work is the ISA's kernel (kernels.h).
#include "count.h"

#include <algorithm>
#include <atomic>
#include <limits>
#include <memory>
#include <type_traits>
#include <vector>

#include "../runtime/pool.h"
#include "cell_index.h"
#include "guess_check.h"
#include "kernels.h"

namespace ck {
namespace {

// Below this many input bytes a call stays on the calling thread. Measured with
// bench/native/count-crossover.cc (int32, 5-wide rows and totals, 1 vs 2 threads): on this
// 2-vCPU KVM guest a second thread loses below 3 MiB (x0.86-0.96 at 1-2 MiB), breaks even
// around 3-4 MiB and wins from 8 MiB (x1.5-1.8 back to back). The hop itself is cheap (a
// futex wake, ~3-20 us), but a helper woken after 2 ms of sleep ran on the caller's own
// CPU in 100 of 100 trials and reached the idle one only at a later load balance, ~1 ms on:
// short calls after an idle spell get no help at all.
constexpr size_t kMinBytesForHelpers = size_t(3) << 20;
// Each thread should get about this much, so a helper that joins late still finds tiles.
constexpr size_t kMinBytesPerThread = size_t(3) << 19;
// Tiles: enough per thread to balance a helper that starts late, few enough that the claim
// (one atomic add) is noise; cancellation is checked between tiles.
constexpr size_t kTilesPerThread = 8;
constexpr size_t kMinTileBytes = size_t(64) << 10;
constexpr size_t kMaxTileBytes = size_t(2) << 20;
// Histogram tiles shorter than this count into the per-element copies, not pair tables
// (folding the tables costs about as much as counting a few thousand elements).
constexpr size_t kMinPairElements = size_t(1) << 16;

Exec sized_for(const Exec& ex, size_t bytes) {
  Exec e = ex;
  if (bytes < kMinBytesForHelpers) e.threads = 1;
  else e.threads = static_cast<unsigned>(std::min<size_t>(ex.threads, std::max<size_t>(1, bytes / kMinBytesPerThread)));
  return e;
}

size_t tile_elements(size_t n, size_t elem_bytes, unsigned threads) {
  size_t bytes = n * elem_bytes / (size_t(threads) * kTilesPerThread);
  bytes = std::clamp(bytes, kMinTileBytes, kMaxTileBytes);
  return std::max<size_t>(1, bytes / elem_bytes);
}

size_t ceil_div(size_t a, size_t b) { return (a + b - 1) / b; }

template <class T>
const CountKernels<T>& kernels() {
  return count_kernels<T>(count_table());
}

// The per-tile kernels for stored type T, computing in compute_t<T>: the table's own.
// `valid` (a validity bitmap, kernels.h's Valid) is null for none; `at` is the index of
// p[0] in the call's data, which the bitmap indexes.
template <class T>
struct Elementwise {
  static const CountKernels<T>& k() { return kernels<T>(); }
  static uint64_t count(const T* p, size_t n, T lo, T hi, const uint8_t* valid, size_t at) {
    return valid != nullptr ? k().count_valid(p, n, lo, hi, Valid{valid, at}) : k().count(p, n, lo, hi);
  }
  static void rows(const T* p, size_t rows, size_t cols, T lo, T hi, uint32_t* out, const uint8_t* valid, size_t at) {
    if (valid != nullptr) k().rows_valid(p, rows, cols, lo, hi, out, Valid{valid, at});
    else k().rows(p, rows, cols, lo, hi, out);
  }
  static void columns(const T* p, size_t rows, size_t cols, T lo, T hi, uint64_t* totals, const uint8_t* valid, size_t at) {
    if (valid != nullptr) k().columns_valid(p, rows, cols, lo, hi, totals, Valid{valid, at});
    else k().columns(p, rows, cols, lo, hi, totals);
  }
  static void hist(const T* p, size_t n, const Bins<T>& b, const HistScratch& s, const uint8_t* valid, size_t at) {
    if (valid != nullptr) k().hist_valid(p, n, b, s, Valid{valid, at});
    else k().hist(p, n, b, s);
  }
  static void minmax(const T* p, size_t n, T& lo, T& hi, const uint8_t* valid, size_t at) {
    if (valid != nullptr) k().minmax_valid(p, n, lo, hi, Valid{valid, at});
    else k().minmax(p, n, lo, hi);
  }
};

// Halves: widened a block at a time (runtime/half.h: F16C, NEON or portable) into a buffer
// that stays in L1 for the float32 kernel that reads it next. Exact, since every half is a
// float, so results equal the float32 kernels' on the widened data.
constexpr size_t kWidenBlock = 2048;

// Calls f(block, i, len) for p[i..i+len) widened, i a multiple of kWidenBlock.
template <class F>
void widened(const half* p, size_t n, F&& f) {
  float buf[kWidenBlock];
  const auto widen = half_convert().widen;
  for (size_t i = 0; i < n; i += kWidenBlock) {
    const size_t len = std::min(kWidenBlock, n - i);
    widen(&p[i].bits, len, buf);
    f(buf, i, len);
  }
}

template <>
struct Elementwise<half> {
  using F = Elementwise<float>;
  static uint64_t count(const half* p, size_t n, float lo, float hi, const uint8_t* valid, size_t at) {
    uint64_t c = 0;
    widened(p, n, [&](const float* b, size_t i, size_t len) { c += F::count(b, len, lo, hi, valid, at + i); });
    return c;
  }
  static void rows(const half* p, size_t rows, size_t cols, float lo, float hi, uint32_t* out, const uint8_t* valid, size_t at) {
    if (cols == 0) return std::fill(out, out + rows, 0u);
    if (cols <= kWidenBlock) {  // whole rows per block
      const size_t per = kWidenBlock / cols;
      for (size_t r = 0; r < rows; r += per) {
        const size_t nr = std::min(per, rows - r);
        widened(p + r * cols, nr * cols,
                [&](const float* b, size_t, size_t) { F::rows(b, nr, cols, lo, hi, out + r, valid, at + r * cols); });
      }
      return;
    }
    for (size_t r = 0; r < rows; ++r) out[r] = static_cast<uint32_t>(count(p + r * cols, cols, lo, hi, valid, at + r * cols));
  }
  static void columns(const half* p, size_t rows, size_t cols, float lo, float hi, uint64_t* totals, const uint8_t* valid,
                      size_t at) {
    if (cols <= kWidenBlock) {  // whole rows per block
      const size_t per = kWidenBlock / cols;
      for (size_t r = 0; r < rows; r += per) {
        const size_t nr = std::min(per, rows - r);
        widened(p + r * cols, nr * cols,
                [&](const float* b, size_t, size_t) { F::columns(b, nr, cols, lo, hi, totals, valid, at + r * cols); });
      }
      return;
    }
    for (size_t r = 0; r < rows; ++r)  // a long row: a block of its columns at a time, as a one-row matrix
      widened(p + r * cols, cols, [&](const float* b, size_t c0, size_t len) {
        F::columns(b, 1, len, lo, hi, totals + c0, valid, at + r * cols + c0);
      });
  }
  static void hist(const half* p, size_t n, const Bins<float>& b, const HistScratch& s, const uint8_t* valid, size_t at) {
    widened(p, n, [&](const float* w, size_t i, size_t len) { F::hist(w, len, b, s, valid, at + i); });
  }
  static void minmax(const half* p, size_t n, float& lo, float& hi, const uint8_t* valid, size_t at) {
    widened(p, n, [&](const float* b, size_t i, size_t len) { F::minmax(b, len, lo, hi, valid, at + i); });
  }
};

// Histogram counters owned by one running tile at a time. There are as many slots as
// threads, so a tile always finds a free one; integer counts add up the same in any
// order, so results do not depend on the thread count, and memory is threads x nbins
// rather than tiles x nbins.
struct HistSlots {
  HistSlots(size_t count, size_t nbins, size_t copies, size_t stride)
      : busy(new std::atomic<bool>[count]()), totals(count * nbins, 0), scratch(count * copies * stride, 0),
        count(count), nbins(nbins), copies(copies), stride(stride) {}

  size_t acquire() {
    for (;;)
      for (size_t s = 0; s < count; ++s)
        if (!busy[s].load(std::memory_order_relaxed) && !busy[s].exchange(true, std::memory_order_acquire)) return s;
  }
  void release(size_t s) { busy[s].store(false, std::memory_order_release); }

  std::unique_ptr<std::atomic<bool>[]> busy;
  std::vector<uint64_t> totals;
  std::vector<uint32_t> scratch;
  size_t count, nbins, copies, stride;
};

// A histogram call's Bins (kernels.h) and the storage they point into, built once per call.
template <class T>
struct PreparedBins {
  PreparedBins(const T* lower, size_t nbins, T upper, size_t n, BinGuess guess) {
    if constexpr (kExactInDouble<T>) {
      lower_f64.assign(lower, lower + nbins);
      lower_f64.push_back(std::numeric_limits<double>::quiet_NaN());
    }
    const GuessFit fit = check_guess(lower, nbins, upper, guess);
    if (fit == GuessFit::unusable) guess = BinGuess{};
    CellIndex cells;
    if (!guess.usable()) cell_storage = build_cell_index(lower, nbins, upper, n, cells);
    bins = Bins<T>{lower, nbins, upper, guess, fit == GuessFit::exact, lower_f64.empty() ? nullptr : lower_f64.data(), cells,
                   fit == GuessFit::within_one ? guess_margin(lower, nbins, guess) : -1.0};
  }
  PreparedBins(const PreparedBins&) = delete;  // bins points into the vectors
  PreparedBins& operator=(const PreparedBins&) = delete;

  std::vector<double> lower_f64;  // see Bins
  std::vector<uint32_t> cell_storage;
  Bins<T> bins{};
};

}  // namespace

template <class T>
uint64_t count_in_range(const T* data, size_t n, T lo, T hi, const Exec& ex, const uint8_t* valid) {
  const Exec e = sized_for(ex, n * sizeof(T));
  const compute_t<T> l = to_compute(lo), h = to_compute(hi);
  const size_t per = tile_elements(n, sizeof(T), e.threads);
  std::atomic<uint64_t> total{0};
  parallel_for(ceil_div(n, per), e, [&](size_t t) {
    const size_t i0 = t * per, len = std::min(n - i0, per);
    total.fetch_add(Elementwise<T>::count(data + i0, len, l, h, valid, i0), std::memory_order_relaxed);
  });
  return total.load(std::memory_order_relaxed);
}

template <class T>
void count_by_row(const T* data, size_t rows, size_t cols, T lo, T hi, uint32_t* out, const Exec& ex,
                  const uint8_t* valid) {
  if (rows == 0) return;
  const Exec e = sized_for(ex, rows * cols * sizeof(T));
  const compute_t<T> l = to_compute(lo), h = to_compute(hi);
  // Whole rows per tile: threads split the rows, never a row.
  const size_t per = std::max<size_t>(1, tile_elements(rows * cols, sizeof(T), e.threads) / std::max<size_t>(cols, 1));
  parallel_for(ceil_div(rows, per), e, [&](size_t t) {
    const size_t r0 = t * per, nr = std::min(rows - r0, per);
    Elementwise<T>::rows(data + r0 * cols, nr, cols, l, h, out + r0, valid, r0 * cols);
  });
}

template <class T>
void count_by_column(const T* data, size_t rows, size_t cols, T lo, T hi, uint32_t* out, const Exec& ex,
                     const uint8_t* valid) {
  if (cols == 0) return;
  if (rows == 0) return std::fill(out, out + cols, 0u);
  const Exec e = sized_for(ex, rows * cols * sizeof(T));
  const compute_t<T> l = to_compute(lo), h = to_compute(hi);
  // Tiles are blocks of whole rows; each adds its column counts into the totals of the slot
  // it holds (HistSlots with no scratch: one row of totals per running tile). Integer sums
  // do not depend on which tile ran where, so neither does the result on the thread count.
  const size_t per = std::max<size_t>(1, tile_elements(rows * cols, sizeof(T), e.threads) / cols);
  const size_t tiles = ceil_div(rows, per);
  HistSlots slots(std::min<size_t>(tiles, e.threads), cols, 0, 0);
  parallel_for(tiles, e, [&](size_t t) {
    const size_t r0 = t * per, nr = std::min(rows - r0, per);
    const size_t s = slots.acquire();
    Elementwise<T>::columns(data + r0 * cols, nr, cols, l, h, slots.totals.data() + s * cols, valid, r0 * cols);
    slots.release(s);
  });
  for (size_t c = 0; c < cols; ++c) {
    uint64_t sum = 0;
    for (size_t s = 0; s < slots.count; ++s) sum += slots.totals[s * cols + c];
    out[c] = static_cast<uint32_t>(sum);  // the TS layer keeps rows below 2^32
  }
}

// The thresholds as the kernels for T take them: halves' widened to float32 (exact).
template <class T>
struct ComputeThresholds {
  ComputeThresholds(const T* lower, size_t nbins) {
    if constexpr (std::is_same_v<T, compute_t<T>>) {
      ptr = lower;
    } else {
      for (size_t b = 0; b < nbins; ++b) widened.push_back(to_compute(lower[b]));
      ptr = widened.data();
    }
  }
  std::vector<compute_t<T>> widened;
  const compute_t<T>* ptr;
};

template <class T>
void histogram(const T* data, size_t n, const T* lower, size_t nbins, T upper, double* out, const Exec& ex,
               BinGuess guess, const uint8_t* valid) {
  if (nbins == 0) return;
  if (n == 0) return std::fill(out, out + nbins, 0.0);
  const Exec e = sized_for(ex, n * sizeof(T));
  const ComputeThresholds<T> thresholds(lower, nbins);
  const PreparedBins<compute_t<T>> prepared(thresholds.ptr, nbins, to_compute(upper), n, guess);
  const Bins<compute_t<T>>& bins = prepared.bins;
  // Interleaved counter copies while they stay in L1 (hist.h's with_copies); one for huge
  // bin counts. Copies start on separate cache lines.
  const size_t copies = nbins <= 256 ? 8 : nbins <= 1024 ? 4 : 1;
  const size_t stride = (nbins + 1 + 15) / 16 * 16;
  // A tile must dwarf zeroing and folding its counters, and fit the uint32 counters.
  const size_t per = std::min<size_t>(std::max(tile_elements(n, sizeof(T), e.threads), 8 * copies * stride), size_t(1) << 31);
  const size_t tiles = ceil_div(n, per);
  HistSlots slots(std::min<size_t>(tiles, e.threads), nbins, copies, stride);
  // Pair tables (kernels.h) where the table counts pairs, for tiles long enough to repay
  // folding 33 KiB of them (halves are widened a short block at a time: not for them).
  const bool pairs = count_table().hist_counters == HistCounters::pairs && nbins <= kMaxPairBins &&
                     per >= kMinPairElements && std::is_same_v<T, compute_t<T>>;
  std::vector<uint16_t> pair_tables(pairs ? slots.count * pair_words(nbins) : 0, 0);
  parallel_for(tiles, e, [&](size_t t) {
    const size_t i0 = t * per, len = std::min(n - i0, per);
    const size_t s = slots.acquire();
    uint32_t* scratch = slots.scratch.data() + s * copies * stride;
    std::fill(scratch, scratch + copies * stride, 0u);
    uint16_t* tables = pairs ? pair_tables.data() + s * pair_words(nbins) : nullptr;
    Elementwise<T>::hist(data + i0, len, bins, HistScratch{scratch, copies, stride, tables}, valid, i0);
    uint64_t* totals = slots.totals.data() + s * nbins;
    for (size_t c = 0; c < copies; ++c)
      for (size_t b = 0; b < nbins; ++b) totals[b] += scratch[c * stride + b];
    slots.release(s);
  });
  for (size_t b = 0; b < nbins; ++b) {
    uint64_t sum = 0;
    for (size_t s = 0; s < slots.count; ++s) sum += slots.totals[s * nbins + b];
    out[b] = static_cast<double>(sum);
  }
}

template <class T, class W>
void histogram_weighted(const T* data, const W* w, size_t n, const T* lower, size_t nbins, T upper, double* out,
                        size_t tile, const Exec& ex, BinGuess guess) {
  if (nbins == 0) return;
  std::fill(out, out + nbins, 0.0);
  if (n == 0) return;
  const Exec e = sized_for(ex, n * (sizeof(T) + sizeof(W)));
  const auto hist = weighted_hist<W>(kernels<T>());
  const PreparedBins<T> prepared(lower, nbins, upper, n, guess);
  // One row of sums per tile (the caller sizes tiles so that these stay a small fraction
  // of the weights), added in tile order once every tile is done.
  const size_t tiles = ceil_div(n, tile), stride = nbins + 1;
  std::vector<double> sums(tiles * stride, 0.0);
  parallel_for(tiles, e, [&](size_t t) {
    const size_t i0 = t * tile;
    hist(data + i0, w + i0, std::min(n - i0, tile), prepared.bins, sums.data() + t * stride);
  });
  for (size_t t = 0; t < tiles; ++t)
    for (size_t b = 0; b < nbins; ++b) out[b] += sums[t * stride + b];
}

template <class T>
MinMax<compute_t<T>> min_max(const T* data, size_t n, const Exec& ex, const uint8_t* valid) {
  using C = compute_t<T>;
  const Exec e = sized_for(ex, n * sizeof(T));
  const size_t per = tile_elements(n, sizeof(T), e.threads);
  MinMax<C> r = MinMax<C>::none();
  std::vector<MinMax<C>> parts(ceil_div(n, per), r);
  parallel_for(parts.size(), e, [&](size_t t) {
    const size_t i0 = t * per;
    Elementwise<T>::minmax(data + i0, std::min(n - i0, per), parts[t].lo, parts[t].hi, valid, i0);
  });
  for (const MinMax<C>& p : parts) {
    r.lo = p.lo < r.lo ? p.lo : r.lo;
    r.hi = p.hi > r.hi ? p.hi : r.hi;
  }
  if constexpr (std::is_floating_point_v<C>) {
    r.lo += C(0);  // -0 -> +0 (see count.h)
    r.hi += C(0);
  }
  return r;
}

#define CK_INSTANTIATE_COUNT(T)                                                                         \
  template uint64_t count_in_range<T>(const T*, size_t, T, T, const Exec&, const uint8_t*);                  \
  template void count_by_row<T>(const T*, size_t, size_t, T, T, uint32_t*, const Exec&, const uint8_t*);     \
  template void count_by_column<T>(const T*, size_t, size_t, T, T, uint32_t*, const Exec&, const uint8_t*);  \
  template void histogram<T>(const T*, size_t, const T*, size_t, T, double*, const Exec&, BinGuess, const uint8_t*); \
  template MinMax<compute_t<T>> min_max<T>(const T*, size_t, const Exec&, const uint8_t*);
// Weighted histograms read halves nowhere: the TS layer widens Float16Array data first.
#define CK_INSTANTIATE_WEIGHTED(T)                                                                                \
  template void histogram_weighted<T, double>(const T*, const double*, size_t, const T*, size_t, T, double*, size_t, \
                                              const Exec&, BinGuess);                                             \
  template void histogram_weighted<T, float>(const T*, const float*, size_t, const T*, size_t, T, double*, size_t,   \
                                             const Exec&, BinGuess);                                              \
  CK_INSTANTIATE_COUNT(T)
CK_INSTANTIATE_WEIGHTED(int8_t)
CK_INSTANTIATE_WEIGHTED(uint8_t)
CK_INSTANTIATE_WEIGHTED(int16_t)
CK_INSTANTIATE_WEIGHTED(uint16_t)
CK_INSTANTIATE_WEIGHTED(int32_t)
CK_INSTANTIATE_WEIGHTED(uint32_t)
CK_INSTANTIATE_WEIGHTED(int64_t)
CK_INSTANTIATE_WEIGHTED(uint64_t)
CK_INSTANTIATE_WEIGHTED(float)
CK_INSTANTIATE_WEIGHTED(double)
CK_INSTANTIATE_COUNT(half)
#undef CK_INSTANTIATE_WEIGHTED
#undef CK_INSTANTIATE_COUNT

}  // namespace ck
