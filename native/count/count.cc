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
    bins = Bins<T>{lower, nbins, upper, guess, fit == GuessFit::exact, lower_f64.empty() ? nullptr : lower_f64.data(), cells};
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
  const auto count = kernels<T>().count;
  const auto count_valid = kernels<T>().count_valid;
  const size_t per = tile_elements(n, sizeof(T), e.threads);
  std::atomic<uint64_t> total{0};
  parallel_for(ceil_div(n, per), e, [&](size_t t) {
    const size_t i0 = t * per, len = std::min(n - i0, per);
    const uint64_t c = valid != nullptr ? count_valid(data + i0, len, lo, hi, Valid{valid, i0}) : count(data + i0, len, lo, hi);
    total.fetch_add(c, std::memory_order_relaxed);
  });
  return total.load(std::memory_order_relaxed);
}

template <class T>
void count_by_row(const T* data, size_t rows, size_t cols, T lo, T hi, uint32_t* out, const Exec& ex,
                  const uint8_t* valid) {
  if (rows == 0) return;
  const Exec e = sized_for(ex, rows * cols * sizeof(T));
  const auto count_rows = kernels<T>().rows;
  const auto count_rows_valid = kernels<T>().rows_valid;
  // Whole rows per tile: threads split the rows, never a row.
  const size_t per = std::max<size_t>(1, tile_elements(rows * cols, sizeof(T), e.threads) / std::max<size_t>(cols, 1));
  parallel_for(ceil_div(rows, per), e, [&](size_t t) {
    const size_t r0 = t * per, nr = std::min(rows - r0, per);
    if (valid != nullptr) count_rows_valid(data + r0 * cols, nr, cols, lo, hi, out + r0, Valid{valid, r0 * cols});
    else count_rows(data + r0 * cols, nr, cols, lo, hi, out + r0);
  });
}

template <class T>
void count_by_column(const T* data, size_t rows, size_t cols, T lo, T hi, uint32_t* out, const Exec& ex,
                     const uint8_t* valid) {
  if (cols == 0) return;
  if (rows == 0) return std::fill(out, out + cols, 0u);
  const Exec e = sized_for(ex, rows * cols * sizeof(T));
  const auto count_columns = kernels<T>().columns;
  const auto count_columns_valid = kernels<T>().columns_valid;
  // Tiles are blocks of whole rows; each adds its column counts into the totals of the slot
  // it holds (HistSlots with no scratch: one row of totals per running tile). Integer sums
  // do not depend on which tile ran where, so neither does the result on the thread count.
  const size_t per = std::max<size_t>(1, tile_elements(rows * cols, sizeof(T), e.threads) / cols);
  const size_t tiles = ceil_div(rows, per);
  HistSlots slots(std::min<size_t>(tiles, e.threads), cols, 0, 0);
  parallel_for(tiles, e, [&](size_t t) {
    const size_t r0 = t * per, nr = std::min(rows - r0, per);
    const size_t s = slots.acquire();
    uint64_t* totals = slots.totals.data() + s * cols;
    if (valid != nullptr) count_columns_valid(data + r0 * cols, nr, cols, lo, hi, totals, Valid{valid, r0 * cols});
    else count_columns(data + r0 * cols, nr, cols, lo, hi, totals);
    slots.release(s);
  });
  for (size_t c = 0; c < cols; ++c) {
    uint64_t sum = 0;
    for (size_t s = 0; s < slots.count; ++s) sum += slots.totals[s * cols + c];
    out[c] = static_cast<uint32_t>(sum);  // the TS layer keeps rows below 2^32
  }
}

template <class T>
void histogram(const T* data, size_t n, const T* lower, size_t nbins, T upper, double* out, const Exec& ex,
               BinGuess guess, const uint8_t* valid) {
  if (nbins == 0) return;
  if (n == 0) return std::fill(out, out + nbins, 0.0);
  const Exec e = sized_for(ex, n * sizeof(T));
  const auto hist = kernels<T>().hist;
  const auto hist_valid = kernels<T>().hist_valid;
  const PreparedBins<T> prepared(lower, nbins, upper, n, guess);
  const Bins<T>& bins = prepared.bins;
  // Interleaved counter copies while they stay in L1 (hist.h's with_copies); one for huge
  // bin counts. Copies start on separate cache lines.
  const size_t copies = nbins <= 256 ? 8 : nbins <= 1024 ? 4 : 1;
  const size_t stride = (nbins + 1 + 15) / 16 * 16;
  // A tile must dwarf zeroing and folding its counters, and fit the uint32 counters.
  const size_t per = std::min<size_t>(std::max(tile_elements(n, sizeof(T), e.threads), 8 * copies * stride), size_t(1) << 31);
  const size_t tiles = ceil_div(n, per);
  HistSlots slots(std::min<size_t>(tiles, e.threads), nbins, copies, stride);
  parallel_for(tiles, e, [&](size_t t) {
    const size_t i0 = t * per, len = std::min(n - i0, per);
    const size_t s = slots.acquire();
    uint32_t* scratch = slots.scratch.data() + s * copies * stride;
    std::fill(scratch, scratch + copies * stride, 0u);
    const HistScratch into{scratch, copies, stride};
    if (valid != nullptr) hist_valid(data + i0, len, bins, into, Valid{valid, i0});
    else hist(data + i0, len, bins, into);
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
MinMax<T> min_max(const T* data, size_t n, const Exec& ex, const uint8_t* valid) {
  const Exec e = sized_for(ex, n * sizeof(T));
  const auto minmax = kernels<T>().minmax;
  const auto minmax_valid = kernels<T>().minmax_valid;
  const size_t per = tile_elements(n, sizeof(T), e.threads);
  MinMax<T> r = MinMax<T>::none();
  std::vector<MinMax<T>> parts(ceil_div(n, per), r);
  parallel_for(parts.size(), e, [&](size_t t) {
    const size_t i0 = t * per;
    const size_t len = std::min(n - i0, per);
    if (valid != nullptr) minmax_valid(data + i0, len, parts[t].lo, parts[t].hi, Valid{valid, i0});
    else minmax(data + i0, len, parts[t].lo, parts[t].hi);
  });
  for (const MinMax<T>& p : parts) {
    r.lo = p.lo < r.lo ? p.lo : r.lo;
    r.hi = p.hi > r.hi ? p.hi : r.hi;
  }
  if constexpr (std::is_floating_point_v<T>) {
    r.lo += T(0);  // -0 -> +0 (see count.h)
    r.hi += T(0);
  }
  return r;
}

#define CK_INSTANTIATE_COUNT(T)                                                                         \
  template uint64_t count_in_range<T>(const T*, size_t, T, T, const Exec&, const uint8_t*);                  \
  template void count_by_row<T>(const T*, size_t, size_t, T, T, uint32_t*, const Exec&, const uint8_t*);     \
  template void count_by_column<T>(const T*, size_t, size_t, T, T, uint32_t*, const Exec&, const uint8_t*);  \
  template void histogram<T>(const T*, size_t, const T*, size_t, T, double*, const Exec&, BinGuess, const uint8_t*); \
  template MinMax<T> min_max<T>(const T*, size_t, const Exec&, const uint8_t*);                              \
  template void histogram_weighted<T, double>(const T*, const double*, size_t, const T*, size_t, T, double*, size_t, \
                                              const Exec&, BinGuess);                                    \
  template void histogram_weighted<T, float>(const T*, const float*, size_t, const T*, size_t, T, double*, size_t, \
                                             const Exec&, BinGuess);
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
