#pragma once
// Software prefetch for the streaming loops (span.h, hist.h).
#include <cstdint>

#if !defined(__wasm__)
#include "../../runtime/tuning.h"
#endif

namespace ck {
namespace {

// How far ahead of the loads the streaming loops prefetch: the hardware prefetcher stops at
// 4 KiB page boundaries, and on one core a page's first lines would otherwise be demand
// misses. The distance is the CPU's tuning row's (runtime/tuning.cc); WebAssembly has no
// prefetch instruction, so its build keeps the hint and no distance.
inline uintptr_t prefetch_distance() {
#if defined(__wasm__)
  return 4096;
#else
  return kCpuPrefetchBytes;
#endif
}

// A hint only: prefetches never fault, and the address is formed as an integer, not as a
// pointer past the array.
inline void prefetch_ahead(const void* p) {
#if defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(reinterpret_cast<const void*>(reinterpret_cast<uintptr_t>(p) + prefetch_distance()));
#else
  (void)p;
#endif
}

}  // namespace
}  // namespace ck
