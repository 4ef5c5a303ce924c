#pragma once
#include <cstddef>

#include "kernels/kernel.h"

namespace ck {

// Cache block sizes for one kernel table on this machine: its BlockShares applied to the
// cache sizes the OS reports (runtime/cache.h).
struct Blocking {
  size_t kc;      // depth block: a KC×NR micro-panel of B fills its share of L1 or L2
  size_t mc;      // rows of A per block, a multiple of MR: MC×KC fills its share of L2
  size_t budget;  // bytes of staged B per region: its share of L3
};

template <class T>
const Blocking& blocking_for(const gemm_kernels::Kernels<T>& kern);

}  // namespace ck
