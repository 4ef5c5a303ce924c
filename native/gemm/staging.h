#pragma once
#include <atomic>
#include <cstddef>
#include <memory>

#include "../runtime/yield.h"

namespace ck {

// Readiness of the shared B chunks of one region, one entry per (depth block, chunk).
// Tiles stage a chunk the first time any of them needs it, so B is packed once, by
// whichever threads get there, inside the same parallel region that consumes it (no
// second fork/join per depth block). A thread that finds its chunk being staged by
// another stages a later chunk meanwhile, and only waits when none is left; waiting is
// always on a thread that is busy copying, never on one that has yet to start, so it
// cannot deadlock however few threads the pool lends.
class ChunkStates {
 public:
  ChunkStates(size_t depth_blocks, size_t chunks)
      : chunks_(chunks),
        states_(depth_blocks * chunks == 0 ? nullptr : new std::atomic<unsigned char>[depth_blocks * chunks]) {
    reset(depth_blocks, chunks);
  }

  // Before each region, on the calling thread (the region's start publishes it), with the
  // region's chunk count: the last region of a B split along n is narrower than the others,
  // and a chunk past its end is no part of B (helping must never stage one).
  void reset(size_t depth_blocks, size_t chunks) {
    live_ = chunks;
    for (size_t i = 0; i < depth_blocks * chunks_; ++i) states_[i].store(kEmpty, std::memory_order_relaxed);
  }

  // Returns once chunk c of depth block d is staged; stage(d, c) must not throw.
  template <class Stage>
  void ensure(size_t d, size_t c, Stage&& stage) {
    std::atomic<unsigned char>& s = states_[d * chunks_ + c];
    unsigned spins = 0;
    while (s.load(std::memory_order_acquire) != kReady) {
      if (try_stage(d, c, stage)) return;
      bool helped = false;
      for (size_t later = c + 1; later < live_ && !helped; ++later) helped = try_stage(d, later, stage);
      if (!helped && ++spins > 64) yield_thread();
    }
  }

 private:
  static constexpr unsigned char kEmpty = 0, kBusy = 1, kReady = 2;

  template <class Stage>
  bool try_stage(size_t d, size_t c, Stage& stage) {
    std::atomic<unsigned char>& s = states_[d * chunks_ + c];
    unsigned char expected = kEmpty;
    if (s.load(std::memory_order_relaxed) != kEmpty ||
        !s.compare_exchange_strong(expected, kBusy, std::memory_order_acquire, std::memory_order_relaxed))
      return false;
    stage(d, c);
    s.store(kReady, std::memory_order_release);
    return true;
  }

  size_t chunks_;  // chunks per depth block in the table (the widest region's)
  size_t live_;    // chunks of the current region
  std::unique_ptr<std::atomic<unsigned char>[]> states_;
};

}  // namespace ck
