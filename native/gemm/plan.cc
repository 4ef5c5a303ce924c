#include "plan.h"

#include <algorithm>

#include "blocking.h"

namespace ck {
namespace {

// B at most this many NR panels wide: each A element is reused too few times for packing
// A to pay, and B's rows are read as they are. Measured: direct beats packed by 10-30% up
// to n = 64 (f64) / 128 (f32) and ties at twice that, but loses 20% on deep k (2048) there.
constexpr size_t kDirectPanels = 4;
// Tiles per thread when there are threads to feed: a pool thread joins a region some tens of
// microseconds after it starts (a VM's wake-up), and small tiles let it still take an even
// share; measured flat from 3 to 8 for n >= 512, best at 6-8 for n = 256.
constexpr size_t kTilesPerThread = 6;

size_t ceil_div(size_t a, size_t b) { return (a + b - 1) / b; }

}  // namespace

template <class T>
bool packs(const gemm_kernels::Kernels<T>& kern, size_t m, size_t n, size_t k) {
  if (n <= kDirectPanels * kern.nr || m <= 2 * kern.mr) return false;
  return !(n <= 2 * kDirectPanels * kern.nr && m <= kSmallDirect && n <= kSmallDirect && k <= kSmallDirect);
}

template <class T>
Plan make_plan(const gemm_kernels::Kernels<T>& kern, const GemmArgs<T>& g, unsigned threads) {
  const Blocking& bl = blocking_for(kern);
  const double flops = 2.0 * static_cast<double>(g.m) * static_cast<double>(g.n) * static_cast<double>(g.k);
  Plan p;
  p.packed = packs(kern, g.m, g.n, g.k);
  if (!p.packed && !g.trans_b && flops < kInlineFlops && g.k <= bl.kc) {
    // Small and direct: one tile, one depth block, this thread (most of a small call's
    // cost is the call itself, so the plan must not add to it).
    p.kc = p.region_k = g.k;
    p.region_n = g.n;
    p.chunk = 4 * kern.nr;
    p.tile_rows = g.m;
    return p;
  }
  p.stage_b = p.packed || g.trans_b;
  // Equal depth blocks: k = KC + 1 must not leave a depth-1 pass over C.
  const size_t kblocks = ceil_div(g.k, bl.kc);
  p.kc = ceil_div(g.k, kblocks);
  p.chunk = 4 * kern.nr;
  p.region_n = g.n;
  p.region_k = g.k;
  if (p.stage_b) {
    const size_t step_bytes = ceil_div(g.n, kern.nr) * kern.nr * sizeof(T);  // one depth step, all columns
    if (p.kc * step_bytes <= bl.budget) {
      p.region_k = std::min(g.k, bl.budget / (p.kc * step_bytes) * p.kc);
    } else {
      p.region_k = p.kc;
      p.region_n = std::max<size_t>(1, bl.budget / (p.kc * sizeof(T) * p.chunk)) * p.chunk;
    }
  }

  p.threads = flops < kInlineFlops ? 1 : std::max(1u, threads);
  const size_t panels = ceil_div(g.m, kern.mr);
  p.tiles_m = ceil_div(panels, bl.mc / kern.mr);
  if (p.threads > 1) {
    const size_t want = kTilesPerThread * p.threads;
    if (p.tiles_m < want) p.tiles_m = std::min(panels, want);
    if (p.tiles_m < want) {
      const size_t units = ceil_div(std::min(g.n, p.region_n), p.stage_b ? p.chunk : kern.nr);
      p.tiles_n = std::min(units, ceil_div(want, p.tiles_m));
    }
  }
  p.tile_rows = ceil_div(panels, p.tiles_m) * kern.mr;
  return p;
}

template bool packs<float>(const gemm_kernels::Kernels<float>&, size_t, size_t, size_t);
template bool packs<double>(const gemm_kernels::Kernels<double>&, size_t, size_t, size_t);
template Plan make_plan<float>(const gemm_kernels::Kernels<float>&, const GemmArgs<float>&, unsigned);
template Plan make_plan<double>(const gemm_kernels::Kernels<double>&, const GemmArgs<double>&, unsigned);

}  // namespace ck
