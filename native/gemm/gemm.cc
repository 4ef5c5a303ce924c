#include "gemm.h"

#include <algorithm>
#include <vector>

#include "../runtime/pool.h"

namespace ck {
namespace {

constexpr size_t kRowsPerTile = 32;
constexpr size_t kDepthBlock = 256;

// beta·C on rows [i0, i1); beta == 0 overwrites, so NaN or garbage in C never leaks.
template <class T>
void scale_rows(const GemmArgs<T>& g, size_t i0, size_t i1) {
  for (size_t i = i0; i < i1; ++i) {
    T* c = g.c + i * g.ldc;
    if (g.beta == T(0)) {
      std::fill(c, c + g.n, T(0));
    } else if (g.beta != T(1)) {
      for (size_t j = 0; j < g.n; ++j) c[j] *= g.beta;
    }
  }
}

// op(B) as a dense k×n row-major copy when B is transposed, so the inner loop is unit-stride.
template <class T>
std::vector<T> dense_b(const GemmArgs<T>& g) {
  std::vector<T> out;
  if (!g.trans_b) return out;
  out.resize(g.k * g.n);
  for (size_t p = 0; p < g.k; ++p)
    for (size_t j = 0; j < g.n; ++j) out[p * g.n + j] = g.b[j * g.ldb + p];
  return out;
}

}  // namespace

template <class T>
void gemm(const GemmArgs<T>& g, const Exec& ex) {
  if (g.m == 0 || g.n == 0) return;
  const bool product = g.k != 0 && g.alpha != T(0);  // alpha == 0: A and B are not read
  const std::vector<T> bt = product ? dense_b(g) : std::vector<T>();
  const T* b = g.trans_b ? bt.data() : g.b;
  const size_t ldb = g.trans_b ? g.n : g.ldb;
  const size_t tiles = (g.m + kRowsPerTile - 1) / kRowsPerTile;
  parallel_for(tiles, ex, [&](size_t tile) {
    const size_t i0 = tile * kRowsPerTile, i1 = std::min(g.m, i0 + kRowsPerTile);
    scale_rows(g, i0, i1);
    if (!product) return;
    for (size_t p0 = 0; p0 < g.k; p0 += kDepthBlock) {
      const size_t p1 = std::min(g.k, p0 + kDepthBlock);
      for (size_t i = i0; i < i1; ++i) {
        T* c = g.c + i * g.ldc;
        for (size_t p = p0; p < p1; ++p) {
          const T aip = g.alpha * (g.trans_a ? g.a[p * g.lda + i] : g.a[i * g.lda + p]);
          const T* brow = b + p * ldb;
          for (size_t j = 0; j < g.n; ++j) c[j] += aip * brow[j];
        }
      }
    }
  });
}

template void gemm<float>(const GemmArgs<float>&, const Exec&);
template void gemm<double>(const GemmArgs<double>&, const Exec&);

}  // namespace ck
