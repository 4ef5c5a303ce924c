#include "blocking.h"

#include <algorithm>
#include <mutex>

#include "../runtime/cache.h"

namespace ck {

namespace {

template <class T>
Blocking compute(const gemm_kernels::Kernels<T>& kern) {
  const CacheSizes& cache = cache_sizes();
  const gemm_kernels::BlockShares& s = kern.shares;
  // Clamps keep a misreported cache (0, or a VM's whole-host L3) from producing blocks
  // too thin to amortise a pass over C or too big to allocate casually.
  const double panel = std::max(static_cast<double>(cache.l1d) * s.kc_l1, static_cast<double>(cache.l2) * s.kc_l2);
  size_t kc = static_cast<size_t>(panel) / (kern.nr * sizeof(T));
  kc = std::clamp<size_t>(kc / 8 * 8, 64, 1024);
  size_t mc = static_cast<size_t>(static_cast<double>(cache.l2) * s.mc_l2) / (kc * sizeof(T));
  mc = std::clamp<size_t>(mc / kern.mr * kern.mr, 4 * kern.mr, 64 * kern.mr);
  const size_t budget = std::clamp<size_t>(static_cast<size_t>(static_cast<double>(cache.l3) * s.nc_l3), 1u << 20, 16u << 20);
  return Blocking{kc, mc, budget};
}

}  // namespace

// Once per kernel table (one per ISA and element type): the caches do not change while the
// process runs, and small multiplies should not pay for the arithmetic on every call.
template <class T>
const Blocking& blocking_for(const gemm_kernels::Kernels<T>& kern) {
  constexpr size_t kIsas = 5;
  static std::once_flag once[kIsas];
  static Blocking memo[kIsas];
  const size_t i = static_cast<size_t>(kern.isa);
  std::call_once(once[i], [&] { memo[i] = compute(kern); });
  return memo[i];
}

template const Blocking& blocking_for<float>(const gemm_kernels::Kernels<float>&);
template const Blocking& blocking_for<double>(const gemm_kernels::Kernels<double>&);

}  // namespace ck
