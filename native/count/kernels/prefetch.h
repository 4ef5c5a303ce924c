#pragma once
// Software prefetch for the streaming loops (span.h, hist.h).
#include <cstdint>

namespace ck {
namespace {

// How far ahead of the loads the streaming loops prefetch: the hardware prefetcher stops at
// 4 KiB page boundaries, and on one core a page's first lines would otherwise be demand
// misses.
constexpr uintptr_t kPrefetchBytes = 4096;

// A hint only: prefetches never fault, and the address is formed as an integer, not as a
// pointer past the array.
inline void prefetch_ahead(const void* p) {
#if defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(reinterpret_cast<const void*>(reinterpret_cast<uintptr_t>(p) + kPrefetchBytes));
#else
  (void)p;
#endif
}

}  // namespace
}  // namespace ck
