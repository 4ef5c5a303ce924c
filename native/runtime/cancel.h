#pragma once
#include <atomic>

namespace ck {

// Cooperative cancellation: set from the JS thread, read by kernels between tiles.
class CancelToken {
 public:
  void cancel() noexcept { flag_.store(true, std::memory_order_relaxed); }
  bool cancelled() const noexcept { return flag_.load(std::memory_order_relaxed); }

 private:
  std::atomic<bool> flag_{false};
};

// Thrown by kernels that observe a cancelled token; the job layer turns it into an AbortError.
struct Cancelled {};

// Builds without exceptions (the WebAssembly engine, native/wasm/) never pass a token, so
// there this is unreachable; it traps rather than continue a call that was cancelled.
[[noreturn]] inline void throw_cancelled() {
#if defined(__cpp_exceptions)
  throw Cancelled{};
#else
  __builtin_trap();
#endif
}

}  // namespace ck
