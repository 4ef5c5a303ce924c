#pragma once
#include <cstddef>

namespace ck {

// Per-core data cache sizes in bytes as the OS reports them, with conservative fallbacks
// for any level it does not (32 KiB L1d, 512 KiB L2, 8 MiB L3). Read once, then cached.
// COREKERNELS_CACHE="48K,2M,32M" replaces them: for a VM that reports the whole host's L3,
// and for tests that need small caches to reach every blocking path.
struct CacheSizes {
  size_t l1d, l2, l3;
};

const CacheSizes& cache_sizes();

}  // namespace ck
