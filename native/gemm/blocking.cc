#include "blocking.h"

#include <algorithm>

#include "../runtime/cache.h"

namespace ck {

template <class T>
Blocking blocking_for(const gemm_kernels::Kernels<T>& kern) {
  const CacheSizes& cache = cache_sizes();
  const gemm_kernels::BlockShares& s = kern.shares;
  // Clamps keep a misreported cache (0, or a VM's whole-host L3) from producing blocks
  // too thin to amortise a pass over C or too big to allocate casually.
  size_t kc = static_cast<size_t>(static_cast<double>(cache.l1d) * s.l1) / (kern.nr * sizeof(T));
  kc = std::clamp<size_t>(kc / 8 * 8, 64, 1024);
  size_t mc = static_cast<size_t>(static_cast<double>(cache.l2) * s.l2) / (kc * sizeof(T));
  mc = std::clamp<size_t>(mc / kern.mr * kern.mr, kern.mr, 64 * kern.mr);
  const size_t budget = std::clamp<size_t>(static_cast<size_t>(static_cast<double>(cache.l3) * s.l3), 1u << 20, 16u << 20);
  return Blocking{kc, mc, budget};
}

template Blocking blocking_for<float>(const gemm_kernels::Kernels<float>&);
template Blocking blocking_for<double>(const gemm_kernels::Kernels<double>&);

}  // namespace ck
