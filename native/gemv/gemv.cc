// gemv's driver: how a product is cut into tiles, how many threads it gets, and how Aᵀ·x's
// partial sums meet. The per-tile work is the ISA's kernel (kernels.h).
//
// A·x: tile = a run of rows; each row's dot product is one kernel call's own arithmetic, so
// how rows are grouped into tiles (or threads) never changes a result.
//
// Aᵀ·x = sum over rows i of x[i]·(row i): A is still streamed row by row, once, but every
// row adds into all of y. Rows are summed in fixed blocks, each block into its own partial y,
// and the partials are then added to y in block order. The blocks depend on the shape only,
// so the result is bit-identical for any thread count, and A is read in long contiguous runs
// at full bandwidth. The other way, giving each tile a block of columns to read from every
// row, needs no partials, but blocks narrow enough to make tiles for every thread (and to
// keep their part of y in L1) read each row in short pieces a row apart, which the
// prefetchers follow badly, and a matrix with few columns has no blocks to share at all.
// Partials cost (blocks - 1)·cols elements, kept to a sixteenth of A at most (blocks of
// >= 16 rows) and to 31 vectors.
#include "gemv.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "../runtime/pool.h"
#include "kernels.h"

namespace ck {
namespace {

// Below this many bytes of A a call stays on the calling thread, and each thread should get
// at least kMinBytesPerThread: the crossover count.cc measured for streaming reads on this
// 2-vCPU guest (a helper costs a wake-up and, after an idle spell, lands on the caller's CPU).
constexpr size_t kMinBytesForHelpers = size_t(3) << 20;
constexpr size_t kMinBytesPerThread = size_t(3) << 19;
// A·x tiles: about this many bytes of A each, so an abort is seen within a fraction of a
// millisecond and a late helper still finds work.
constexpr size_t kTileBytes = size_t(1) << 20;
// Aᵀ·x: at most this many row blocks, each at least kMinBlockBytes and kMinBlockRows rows.
constexpr size_t kMaxBlocks = 32;
constexpr size_t kMinBlockBytes = size_t(2) << 20;
constexpr size_t kMinBlockRows = 16;
// Aᵀ·x tiles span this many bytes of a row: the tile's slice of y stays in L2 while four
// rows at a time add into it, and the rows are read in long contiguous runs.
constexpr size_t kChunkBytes = size_t(64) << 10;

size_t ceil_div(size_t a, size_t b) { return (a + b - 1) / b; }

Exec sized_for(const Exec& ex, size_t bytes) {
  Exec e = ex;
  if (bytes < kMinBytesForHelpers) e.threads = 1;
  else e.threads = static_cast<unsigned>(std::min<size_t>(ex.threads, std::max<size_t>(1, bytes / kMinBytesPerThread)));
  return e;
}

// S is the stored element, T the one summed in (float32 for halves). Aᵀ·x's row blocks and
// column chunks are sized by T, so halves are summed in exactly the blocks their widened
// float32 array would be; A·x's tiles by S (a row's sum does not depend on its tile).
template <class S, class T>
void gemv_n(const GemvKernels<S>& k, const S* a, size_t rows, size_t cols, size_t lda, const S* x, T* y, const Exec& e) {
  const size_t per = std::max<size_t>(1, kTileBytes / (std::max<size_t>(1, cols) * sizeof(S)));
  parallel_for(ceil_div(rows, per), e, [&](size_t t) {
    const size_t r0 = t * per, n = std::min(per, rows - r0);
    k.dot_rows(a + r0 * lda, lda, n, cols, x, y + r0);
  });
}

template <class S, class T>
void gemv_t(const GemvKernels<S>& k, const S* a, size_t rows, size_t cols, size_t lda, const S* x, T* y, const Exec& e) {
  const size_t block = gemv_trans_block_rows(rows, cols, sizeof(T)), blocks = ceil_div(rows, block);
  const size_t width = std::max<size_t>(1, kChunkBytes / sizeof(T)), chunks = ceil_div(cols, width);
  std::vector<T> partials((blocks - 1) * cols);  // block 0 sums straight into y
  parallel_for(blocks * chunks, e, [&](size_t t) {
    const size_t b = t / chunks, c0 = (t % chunks) * width, n = std::min(width, cols - c0);
    const size_t r0 = b * block, m = std::min(block, rows - r0);
    T* dst = (b == 0 ? y : partials.data() + (b - 1) * cols) + c0;
    std::fill(dst, dst + n, T(0));
    k.axpy_rows(a + r0 * lda + c0, lda, m, n, x + r0, dst);
  });
  if (blocks == 1) return;
  parallel_for(chunks, e, [&](size_t c) {
    const size_t c0 = c * width, n = std::min(width, cols - c0);
    for (size_t b = 1; b < blocks; ++b) {
      const T* p = partials.data() + (b - 1) * cols + c0;
      for (size_t j = 0; j < n; ++j) y[c0 + j] += p[j];
    }
  });
}

}  // namespace

size_t gemv_trans_block_rows(size_t rows, size_t cols, size_t elem_bytes) {
  const size_t row_bytes = std::max<size_t>(1, cols * elem_bytes);
  const size_t bytes = std::max(rows / kMaxBlocks * row_bytes, kMinBlockBytes);
  const size_t block = std::max(ceil_div(bytes, row_bytes), kMinBlockRows);
  return std::max<size_t>(1, std::min(std::max(block, ceil_div(rows, kMaxBlocks)), rows));
}

namespace {

template <class S, class T>
void gemv_any(const S* a, size_t rows, size_t cols, size_t lda, const S* x, bool trans, T* y, const Exec& ex) {
  const size_t out = trans ? cols : rows, inner = trans ? rows : cols;
  if (out == 0) return;
  if (inner == 0) {  // an empty sum: numpy gives zeros
    std::fill(y, y + out, T(0));
    return;
  }
  const Exec e = sized_for(ex, rows * cols * sizeof(S));
  const GemvKernels<S>& k = gemv_kernels<S>(gemv_table());
  if (trans) gemv_t(k, a, rows, cols, lda, x, y, e);
  else gemv_n(k, a, rows, cols, lda, x, y, e);
}

}  // namespace

template <class T>
void gemv(const T* a, size_t rows, size_t cols, size_t lda, const T* x, bool trans, T* y, const Exec& ex) {
  gemv_any(a, rows, cols, lda, x, trans, y, ex);
}

void gemv_half(const half* a, size_t rows, size_t cols, size_t lda, const half* x, bool trans, float* y, const Exec& ex) {
  gemv_any(a, rows, cols, lda, x, trans, y, ex);
}

// y is O(rows + cols), A O(rows·cols): a float32 y, rounded at the end, costs nothing that shows.
void gemv_half(const half* a, size_t rows, size_t cols, size_t lda, const half* x, bool trans, half* y, const Exec& ex) {
  const size_t out = trans ? cols : rows;
  std::vector<float> y32(out);
  gemv_any(a, rows, cols, lda, x, trans, y32.data(), ex);
  if (out != 0) half_convert().narrow(y32.data(), out, &y->bits);
}

template void gemv<float>(const float*, size_t, size_t, size_t, const float*, bool, float*, const Exec&);
template void gemv<double>(const double*, size_t, size_t, size_t, const double*, bool, double*, const Exec&);

}  // namespace ck
