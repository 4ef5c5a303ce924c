// Stacks of products. Many small products must not each pay a call's set-up or a wake of
// the pool, so they share one parallel region: a tile is a run of whole products (fixed by
// the shape, never by the thread count), each multiplied on the tile's thread, and a small
// one straight from the caller's memory through the micro-kernels (no packing, no plan).
// Large products run one after another, each cut up across the pool by gemm's own plan.
// Every path computes each element as gemm() does (same depth blocks, same kernels; rows
// never change the arithmetic), so results do not depend on the path or the threads.
#include "batch.h"

#include <algorithm>
#include <optional>

#include "../runtime/pool.h"
#include "blocking.h"
#include "buffer.h"
#include "driver.h"
#include "plan.h"

namespace ck {
namespace {

using gemm_kernels::BlockArgs;
using gemm_kernels::Kernels;
using gemm_kernels::Operand;

// A product of at least this many flops is cut up by gemm's own plan over the whole pool:
// ~0.3 ms of f64 on one core, of which a pool wake-up (~40 us) is then a small part.
constexpr double kPoolProductFlops = 16e6;
// One tile of grouped products: ~20 us of f64 on one core, so claiming a tile (an atomic
// add) is noise and a call of a few MFLOP still has tiles for every thread.
constexpr double kTileFlops = 1e6;
// Most elements of op(B) the direct path stages for one depth block (a transposed B).
constexpr size_t kStageElems = size_t{1} << 16;

size_t ceil_div(size_t a, size_t b) { return (a + b - 1) / b; }

template <class T>
double product_flops(const GemmArgs<T>& g) {
  const double mn = static_cast<double>(g.m) * static_cast<double>(g.n);
  return std::max(2.0 * mn * static_cast<double>(g.k), mn);  // k == 0 still writes C
}

template <class T>
GemmArgs<T> product(const BatchArgs<T>& b, size_t i) {
  GemmArgs<T> g = b.g;
  g.a += i * b.stride_a;
  g.b += i * b.stride_b;
  g.c += i * b.stride_c;
  return g;
}

// Whole products on the calling thread, for one tile at a time.
template <class T>
class Grouped {
 public:
  Grouped(const Kernels<T>& kern, const BatchArgs<T>& b, const CancelToken* cancel)
      : kern_(kern), b_(b), cancel_(cancel) {
    const GemmArgs<T>& g = b.g;
    // gemm's depth blocks: equal blocks of at most the table's KC.
    kc_ = g.k == 0 ? 0 : ceil_div(g.k, ceil_div(g.k, blocking_for(kern).kc));
    direct_ = g.k > 0 && g.alpha != T(0) && !packs(kern, g.m, g.n, g.k) && (!g.trans_b || kc_ * g.n <= kStageElems);
  }

  void run(size_t first, size_t last) const {
    // Direct B is read by rows: a transposed B is staged a depth block at a time.
    std::optional<Scratch> staged;
    if (direct_ && b_.g.trans_b) staged.emplace(kc_ * b_.g.n * sizeof(T));
    for (size_t i = first; i < last; ++i) {
      const GemmArgs<T> g = product(b_, i);
      if (direct_) multiply_direct(g, staged ? staged->template as<T>() : nullptr);
      else gemm_with(kern_, g, Exec{1, cancel_});
    }
  }

 private:
  void multiply_direct(const GemmArgs<T>& g, T* staged) const {
    const size_t rs_a = g.trans_a ? 1 : g.lda, cs_a = g.trans_a ? g.lda : 1;
    for (size_t pc = 0; pc < g.k; pc += kc_) {
      BlockArgs<T> args;
      args.m = g.m;
      args.n = g.n;
      args.k = std::min(kc_, g.k - pc);
      args.a = Operand<T>{g.a + pc * cs_a, rs_a, cs_a, false};
      if (g.trans_b) {
        for (size_t j = 0; j < g.n; ++j)
          for (size_t p = 0; p < args.k; ++p) staged[p * g.n + j] = g.b[j * g.ldb + pc + p];
        args.b = Operand<T>{staged, g.n, 1, false};
      } else {
        args.b = Operand<T>{g.b + pc * g.ldb, g.ldb, 1, false};
      }
      args.c = g.c;
      args.ldc = g.ldc;
      args.alpha = g.alpha;
      args.beta = pc == 0 ? g.beta : T(1);  // beta once, on the first depth block
      kern_.block(args);
    }
  }

  const Kernels<T>& kern_;
  const BatchArgs<T>& b_;
  const CancelToken* cancel_;
  size_t kc_ = 0;
  bool direct_ = false;
};

}  // namespace

template <class T>
void gemm_batch_with(const Kernels<T>& kern, const BatchArgs<T>& b, const Exec& ex) {
  const GemmArgs<T>& g = b.g;
  if (b.batch == 0 || g.m == 0 || g.n == 0) return;
  if (b.batch == 1) return gemm_with(kern, g, ex);
  // One B for every product, and A's and C's matrices one after another: a single product
  // of batch·m rows (B packed once), as numpy's broadcast A @ B of a stack by one matrix.
  if (b.stride_b == 0 && !g.trans_a && b.stride_a == g.m * g.lda && b.stride_c == g.m * g.ldc) {
    GemmArgs<T> whole = g;
    whole.m = g.m * b.batch;
    return gemm_with(kern, whole, ex);
  }
  const double flops = product_flops(g);
  if (flops >= kPoolProductFlops) {
    for (size_t i = 0; i < b.batch; ++i) {
      if (ex.cancelled()) throw_cancelled();
      gemm_with(kern, product(b, i), ex);
    }
    return;
  }
  const size_t per = std::max<size_t>(1, static_cast<size_t>(kTileFlops / flops));
  const Exec tiles_ex{flops * static_cast<double>(b.batch) < kInlineFlops ? 1u : ex.threads, ex.cancel};
  const Grouped<T> grouped(kern, b, ex.cancel);
  parallel_for(ceil_div(b.batch, per), tiles_ex,
               [&](size_t t) { grouped.run(t * per, std::min(b.batch, (t + 1) * per)); });
}

template <class T>
void gemm_batch(const BatchArgs<T>& b, const Exec& ex) {
  gemm_batch_with(gemm_kernels::pick<T>(gemm_kernels::active_tables()), b, ex);
}

template void gemm_batch_with<float>(const Kernels<float>&, const BatchArgs<float>&, const Exec&);
template void gemm_batch_with<double>(const Kernels<double>&, const BatchArgs<double>&, const Exec&);
template void gemm_batch<float>(const BatchArgs<float>&, const Exec&);
template void gemm_batch<double>(const BatchArgs<double>&, const Exec&);

}  // namespace ck
