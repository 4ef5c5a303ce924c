#pragma once
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <type_traits>
#include <utility>

#include "exec.h"

namespace ck {

// One parallel loop: tiles [0, ntiles) claimed one at a time by the calling thread and by
// up to helpers_allowed pool threads. Lives on the caller's stack for the loop's duration.
struct Region {
  void (*call)(void* ctx, size_t tile) = nullptr;
  void* ctx = nullptr;
  size_t ntiles = 0;
  unsigned helpers_allowed = 0;
  const CancelToken* cancel = nullptr;
  // Guarded by the pool mutex, except `next`, which tiles are claimed from without it.
  std::atomic<size_t> next{0};
  unsigned helpers_active = 0;
  bool listed = false;
#if defined(__cpp_exceptions)  // builds without exceptions (WebAssembly) have nothing to carry
  std::exception_ptr error;
#endif
};

// Runs the region's tiles on the calling thread plus pool helpers; returns when every
// claimed tile has finished. Rethrows the first exception a tile threw; throws Cancelled
// if the token was set before all tiles ran.
void run_region(Region& region);

// Threads the pool may start (a cap; threads are started lazily and then sleep when idle).
void pool_reserve(unsigned helpers);
// Stops and joins every pool thread; the pool restarts on next use.
void pool_shutdown();

// parallel_for over tiles with the caller taking part; inline when one thread suffices.
template <class F>
void parallel_for(size_t ntiles, const Exec& ex, F&& fn) {
  if (ntiles == 0) return;
  if (ex.threads <= 1 || ntiles == 1) {
    for (size_t t = 0; t < ntiles; ++t) {
      if (ex.cancelled()) throw_cancelled();
      fn(t);
    }
    return;
  }
  using Fn = std::remove_reference_t<F>;
  Region region;
  region.call = [](void* ctx, size_t tile) { (*static_cast<Fn*>(ctx))(tile); };
  region.ctx = const_cast<void*>(static_cast<const void*>(&fn));
  region.ntiles = ntiles;
  region.helpers_allowed = static_cast<unsigned>(std::min<size_t>(ex.threads - 1, ntiles - 1));
  region.cancel = ex.cancel;
  run_region(region);
}

}  // namespace ck
