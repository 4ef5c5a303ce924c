#pragma once
// Gives up the CPU inside a spin wait. The WebAssembly build has no scheduler to yield to
// (and its libc++ has no <thread>): there the wait simply spins.
#if defined(__wasm__)
namespace ck {
inline void yield_thread() noexcept {}
}  // namespace ck
#else
#include <thread>
namespace ck {
inline void yield_thread() noexcept { std::this_thread::yield(); }
}  // namespace ck
#endif
