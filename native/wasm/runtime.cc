// What native/runtime/ provides the drivers, for a module with no OS under it: the cache
// sizes blocking.cc scales with, parallel_for's region runner, and the few libc++ and libc
// entry points the drivers reach (call_once, nextafter, abort) (the build links no libc or libc++: Debian's
// wasm32 builds of them lack the atomics feature a shared memory requires).
#include <cstdarg>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <mutex>

#include "../runtime/cache.h"
#include "../runtime/pool.h"

namespace ck {

// A browser or Node gives no cache sizes: cache.cc's own fallbacks (32 KiB L1d, 512 KiB L2,
// 8 MiB L3), which fit the x86-64 and arm64 cores V8 runs on.
const CacheSizes& cache_sizes() {
  static constexpr CacheSizes kSizes{size_t{32} << 10, size_t{512} << 10, size_t{8} << 20};
  return kSizes;
}

// One thread: the caller claims every tile (Exec.threads is 1 in this build's calls).
void run_region(Region& region) {
  for (size_t t = region.next.fetch_add(1, std::memory_order_relaxed); t < region.ntiles;
       t = region.next.fetch_add(1, std::memory_order_relaxed)) {
    if (region.cancel != nullptr && region.cancel->cancelled()) throw_cancelled();
    region.call(region.ctx, t);
  }
}

}  // namespace ck

_LIBCPP_BEGIN_NAMESPACE_STD

// std::call_once's out-of-line half (libc++'s src/call_once.cpp): states 0 = not run,
// 1 = running, ~0 = done. A thread that finds it running spins until it is done.
void __call_once(volatile once_flag::_State_type& flag, void* arg, void (*fn)(void*)) {
  using S = once_flag::_State_type;
  S expected = 0;
  if (__atomic_compare_exchange_n(&flag, &expected, S(1), false, __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE)) {
    fn(arg);
    __atomic_store_n(&flag, ~S(0), __ATOMIC_RELEASE);
    return;
  }
  while (__atomic_load_n(&flag, __ATOMIC_ACQUIRE) != ~S(0)) {
  }
}

// libc++'s assertion and length_error paths end here when exceptions are off.
void __libcpp_verbose_abort(const char*, ...) { __builtin_trap(); }

_LIBCPP_END_NAMESPACE_STD

namespace {

// C's nextafter on the bit pattern (as musl's): the neighbour of x towards y.
template <class F, class U>
F next_after(F x, F y) {
  if (x != x || y != y) return x + y;
  if (x == y) return y;
  U ux, uy;
  __builtin_memcpy(&ux, &x, sizeof x);
  __builtin_memcpy(&uy, &y, sizeof y);
  constexpr U kSign = U{1} << (sizeof(U) * 8 - 1);
  if (x == 0) ux = (uy & kSign) | 1;
  else if ((x < y) == (x > 0)) ++ux;
  else --ux;
  __builtin_memcpy(&x, &ux, sizeof x);
  return x;
}

}  // namespace

extern "C" {
double nextafter(double x, double y) { return next_after<double, uint64_t>(x, y); }
float nextafterf(float x, float y) { return next_after<float, uint32_t>(x, y); }
void abort() { __builtin_trap(); }
// thread_local destructors (buffer.cc's kept block): an instance's memory outlives every
// call on it, and the TS side never ends a thread mid-way, so they are not run.
int __cxa_thread_atexit(void (*)(void*), void*, void*) { return 0; }
int __cxa_atexit(void (*)(void*), void*, void*) { return 0; }
}
