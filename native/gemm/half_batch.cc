// Stacks of half products (gemm_batch_half). A stack that is one product (B shared, A and C
// one matrix after another) is one half GEMM, which widens as it packs. Any other stack runs
// a run of products at a time: their matrices widened into float32 scratch (packed, shared
// operands once), the float32 stack of that run on gemm_batch_with, C narrowed back matrix
// by matrix (or written straight into a float32 C). Every product of a stack computes each
// element as gemm() on its widened operands does, whatever the layout, the run or the
// threads (batch.cc), so the bits are those of the float32 stack of the widened operands;
// the scratch is a few MiB, not a float32 copy of the stack.
#include <algorithm>
#include <memory>

#include "batch.h"
#include "driver.h"

namespace ck {
namespace {

// Scratch elements one run of products may take (~8 MiB of float32).
constexpr size_t kRunElems = size_t(1) << 21;

// One stored matrix: rows×cols, row-major, ld apart.
struct Stored {
  size_t rows, cols, ld;
  size_t size() const { return rows * cols; }
};

// Products [first, first + count) of a stacked operand, widened into dst packed (ld = cols),
// `size()` apart; a shared operand (stride 0) is widened once.
void widen_run(const HalfConvert& cvt, const half* src, size_t stride, const Stored& m, size_t first, size_t count,
               float* dst) {
  const size_t n = stride == 0 ? 1 : count;
  for (size_t i = 0; i < n; ++i) {
    const half* s = src + (first + i) * stride;
    for (size_t r = 0; r < m.rows; ++r) cvt.widen(&s[r * m.ld].bits, m.cols, dst + i * m.size() + r * m.cols);
  }
}

}  // namespace

void gemm_batch_half_with(const gemm_kernels::Kernels<float>& kern, const HalfConvert& cvt, const HalfBatchArgs& hb,
                          const Exec& ex) {
  const GemmArgs<float>& g = hb.h.g;
  if (hb.batch == 0 || g.m == 0 || g.n == 0) return;
  if (hb.batch == 1) return gemm_half_with(kern, cvt, hb.h, ex);
  if (hb.stride_b == 0 && !g.trans_a && hb.stride_a == g.m * g.lda && hb.stride_c == g.m * g.ldc) {
    HalfGemmArgs whole = hb.h;  // as gemm_batch_with does: one product of batch·m rows
    whole.g.m = g.m * hb.batch;
    return gemm_half_with(kern, cvt, whole, ex);
  }
  const Stored sa{g.trans_a ? g.k : g.m, g.trans_a ? g.m : g.k, g.lda};
  const Stored sb{g.trans_b ? g.n : g.k, g.trans_b ? g.k : g.n, g.ldb};
  const Stored sc{g.m, g.n, g.ldc};
  // Elements one more product adds to a run's scratch (a shared operand's are taken once).
  const size_t per = (hb.stride_a == 0 ? 0 : sa.size()) + (hb.stride_b == 0 ? 0 : sb.size()) +
                     (hb.h.c16 != nullptr ? sc.size() : 0);
  if (sa.size() + sb.size() + sc.size() > kRunElems) {
    // Products too large for a run's scratch: one half GEMM each, which widens as it packs.
    for (size_t i = 0; i < hb.batch; ++i) {
      if (ex.cancelled()) throw_cancelled();
      HalfGemmArgs one = hb.h;
      one.a += i * hb.stride_a;
      one.b += i * hb.stride_b;
      if (one.c16 != nullptr) one.c16 += i * hb.stride_c;
      else one.c32 += i * hb.stride_c;
      gemm_half_with(kern, cvt, one, ex);
    }
    return;
  }
  const size_t run = std::min(hb.batch, std::max<size_t>(1, kRunElems / std::max<size_t>(1, per)));
  const size_t a_elems = (hb.stride_a == 0 ? 1 : run) * sa.size(), b_elems = (hb.stride_b == 0 ? 1 : run) * sb.size();
  const size_t c_elems = hb.h.c16 != nullptr ? run * sc.size() : 0;
  const std::unique_ptr<float[]> scratch(new float[std::max<size_t>(1, a_elems + b_elems + c_elems)]);
  float* const a = scratch.get();
  float* const b = a + a_elems;
  float* const c = b + b_elems;
  for (size_t first = 0; first < hb.batch; first += run) {
    if (ex.cancelled()) throw_cancelled();
    const size_t count = std::min(run, hb.batch - first);
    BatchArgs<float> part;
    part.g = g;
    part.batch = count;
    if (g.k != 0 && g.alpha != 0.0f) {  // else A and B are not read (gemm's own rule)
      widen_run(cvt, hb.h.a, hb.stride_a, sa, first, count, a);
      widen_run(cvt, hb.h.b, hb.stride_b, sb, first, count, b);
    }
    part.g.a = a, part.g.lda = std::max<size_t>(1, sa.cols), part.stride_a = hb.stride_a == 0 ? 0 : sa.size();
    part.g.b = b, part.g.ldb = std::max<size_t>(1, sb.cols), part.stride_b = hb.stride_b == 0 ? 0 : sb.size();
    if (hb.h.c32 != nullptr) {
      part.g.c = hb.h.c32 + first * hb.stride_c, part.stride_c = hb.stride_c;
      gemm_batch_with(kern, part, ex);
      continue;
    }
    // C as halves: packed float32 matrices (read only when beta != 0), rounded back row by
    // row, so nothing between the caller's matrices is touched.
    if (g.beta != 0.0f) widen_run(cvt, hb.h.c16, hb.stride_c, sc, first, count, c);
    part.g.c = c, part.g.ldc = sc.cols, part.stride_c = sc.size();
    gemm_batch_with(kern, part, ex);
    for (size_t i = 0; i < count; ++i)
      for (size_t r = 0; r < sc.rows; ++r)
        cvt.narrow(c + i * sc.size() + r * sc.cols, sc.cols, &hb.h.c16[(first + i) * hb.stride_c + r * sc.ld].bits);
  }
}

void gemm_batch_half(const HalfBatchArgs& hb, const Exec& ex) {
  gemm_batch_half_with(*gemm_kernels::active_tables().f32, half_convert(), hb, ex);
}

}  // namespace ck
