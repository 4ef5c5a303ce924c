// GEMM on half operands. Where the product packs its operands (all but small m or n), the
// packing widens A and B and C is narrowed tile by tile (driver.cc): no float32 copies of
// the operands. The direct path reads A and B in place, so there the operands are widened
// once to float32 copies first; those shapes are small in m or n, so the copies cost
// O(mk + kn + mn) against the product's O(mnk) with one of m, n small — the same order as
// the reading the product does anyway.
#include "driver.h"

#include <algorithm>
#include <memory>

#include "../runtime/pool.h"
#include "gemm.h"
#include "kernels/kernel.h"
#include "plan.h"

namespace ck {
namespace {

// Elements a rows×cols row-major matrix with leading dimension ld spans.
size_t span(size_t rows, size_t cols, size_t ld) { return rows == 0 || cols == 0 ? 0 : (rows - 1) * ld + cols; }

constexpr size_t kConvertTile = size_t(1) << 16;  // elements per tile of a conversion (one claim each)

// Converts n elements with `convert` (a HalfConvert's widen or narrow) on the call's threads.
template <class S, class D>
void convert_span(void (*convert)(const S*, size_t, D*), const S* src, size_t n, D* dst, const Exec& ex) {
  const size_t tiles = (n + kConvertTile - 1) / kConvertTile;
  Exec e = ex;
  e.threads = static_cast<unsigned>(std::min<size_t>(ex.threads, std::max<size_t>(1, tiles / 4)));
  parallel_for(tiles, e, [&](size_t t) {
    const size_t i0 = t * kConvertTile;
    convert(src + i0, std::min(kConvertTile, n - i0), dst + i0);
  });
}

std::unique_ptr<float[]> widened(const HalfConvert& cvt, const half* src, size_t n, const Exec& ex) {
  std::unique_ptr<float[]> out(new float[std::max<size_t>(n, 1)]);
  if (n != 0) convert_span(cvt.widen, &src->bits, n, out.get(), ex);
  return out;
}

void gemm_half_widened(const gemm_kernels::Kernels<float>& kern, const HalfConvert& cvt, const HalfGemmArgs& h, const Exec& ex) {
  GemmArgs<float> g = h.g;
  const std::unique_ptr<float[]> a = widened(cvt, h.a, span(g.trans_a ? g.k : g.m, g.trans_a ? g.m : g.k, g.lda), ex);
  const std::unique_ptr<float[]> b = widened(cvt, h.b, span(g.trans_b ? g.n : g.k, g.trans_b ? g.k : g.n, g.ldb), ex);
  g.a = a.get();
  g.b = b.get();
  if (h.c32 != nullptr) {
    g.c = h.c32;
    gemm_with(kern, g, ex);
    return;
  }
  // C as halves: a packed float32 copy (read only when beta != 0), rounded back row by row.
  std::unique_ptr<float[]> c(new float[g.m * g.n]);
  const size_t ldc = g.ldc;
  if (g.beta != 0.0f)
    for (size_t i = 0; i < g.m; ++i) cvt.widen(&h.c16[i * ldc].bits, g.n, c.get() + i * g.n);
  g.c = c.get();
  g.ldc = g.n;
  gemm_with(kern, g, ex);
  for (size_t i = 0; i < g.m; ++i) cvt.narrow(c.get() + i * g.n, g.n, &h.c16[i * ldc].bits);
}

}  // namespace

void gemm_half_with(const gemm_kernels::Kernels<float>& kern, const HalfConvert& cvt, const HalfGemmArgs& h, const Exec& ex) {
  const GemmArgs<float>& g = h.g;
  if (g.m == 0 || g.n == 0) return;
  if (g.k != 0 && g.alpha != 0.0f && packs(kern, g.m, g.n, g.k)) gemm_half_packed(kern, cvt, h, ex);
  else gemm_half_widened(kern, cvt, h, ex);
}

void gemm_half(const HalfGemmArgs& h, const Exec& ex) {
  gemm_half_with(*gemm_kernels::active_tables().f32, half_convert(), h, ex);
}

}  // namespace ck
