#include "pool.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace ck {
namespace {

struct Pool {
  std::mutex mu;
  std::condition_variable work_cv;  // helpers sleep here until a region wants them
  std::condition_variable done_cv;  // a region's caller waits here for its helpers to leave
  std::vector<Region*> regions;     // regions that may still take helpers
  std::vector<std::thread> threads;
  bool stopping = false;
  // Bumped each time a region is listed, so that a spinning helper (helper_main) sees new
  // work without taking the lock.
  std::atomic<uint64_t> listed_regions{0};
};

// How long a helper that just finished work watches for the next region before it sleeps.
// Waking a sleeping thread costs ~40-80 us on a VM, which a multiply of a few hundred
// microseconds pays at every region (one or more per call), while OpenBLAS's threads spin.
// Bounded, and only right after work, so an idle pool still sleeps.
constexpr std::chrono::microseconds kSpinAfterWork{100};

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// Returns once a region newer than `seen` is listed or kSpinAfterWork has passed; the caller
// then looks under the lock (for stopping, too).
void spin_for_work(const Pool& p, uint64_t seen) {
  const auto until = std::chrono::steady_clock::now() + kSpinAfterWork;
  for (unsigned i = 1;; ++i) {
    if (p.listed_regions.load(std::memory_order_acquire) != seen) return;
    cpu_relax();
    if (i % 64 == 0 && std::chrono::steady_clock::now() >= until) return;
  }
}

// Created on first use and freed by pool_shutdown() when the last environment goes (the
// addon may then be unloaded). Never a static object: process.exit() runs static
// destructors while helpers may still be inside a kernel.
std::atomic<Pool*> g_pool{nullptr};
std::mutex g_pool_mu;  // trivially destructible in practice: creation and shutdown only

Pool& pool() {
  Pool* p = g_pool.load(std::memory_order_acquire);
  if (p != nullptr) return *p;
  std::lock_guard<std::mutex> lk(g_pool_mu);
  p = g_pool.load(std::memory_order_relaxed);
  if (p == nullptr) {
    p = new Pool;
    g_pool.store(p, std::memory_order_release);
  }
  return *p;
}

void record_error(Pool& p, Region& r, std::exception_ptr e) {
  std::lock_guard<std::mutex> lk(p.mu);
  if (!r.error) r.error = e;
}

// Claims and runs tiles until none are left; a cancelled token or a failed tile stops
// further claims by everyone.
void work_on(Pool& p, Region& r) {
  for (;;) {
    size_t t = r.next.fetch_add(1, std::memory_order_relaxed);
    if (t >= r.ntiles) return;
    if (r.cancel != nullptr && r.cancel->cancelled()) {
      r.next.store(r.ntiles, std::memory_order_relaxed);
      return;
    }
    try {
      r.call(r.ctx, t);
    } catch (...) {
      record_error(p, r, std::current_exception());
      r.next.store(r.ntiles, std::memory_order_relaxed);
      return;
    }
  }
}

void unlist(Pool& p, Region& r) {
  if (!r.listed) return;
  for (auto it = p.regions.begin(); it != p.regions.end(); ++it) {
    if (*it == &r) {
      p.regions.erase(it);
      break;
    }
  }
  r.listed = false;
}

// Under the lock: a region that still has tiles and room for a helper, if any.
Region* pick(Pool& p) {
  for (size_t i = 0; i < p.regions.size();) {
    Region* r = p.regions[i];
    if (r->next.load(std::memory_order_relaxed) >= r->ntiles) {
      unlist(p, *r);
      continue;
    }
    if (r->helpers_active < r->helpers_allowed) return r;
    ++i;
  }
  return nullptr;
}

void helper_main(Pool& p) {
  std::unique_lock<std::mutex> lk(p.mu);
  bool just_worked = false;
  for (;;) {
    Region* r = nullptr;
    const auto ready = [&] { return p.stopping || (r = pick(p)) != nullptr; };
    if (just_worked && !ready()) {
      const uint64_t seen = p.listed_regions.load(std::memory_order_acquire);
      lk.unlock();
      spin_for_work(p, seen);
      lk.lock();
    }
    p.work_cv.wait(lk, ready);
    if (p.stopping) return;
    ++r->helpers_active;
    lk.unlock();
    work_on(p, *r);
    just_worked = true;
    lk.lock();
    if (--r->helpers_active == 0) p.done_cv.notify_all();
  }
}

// Under the lock: start threads until there are `helpers`. A thread that cannot be
// created only means less parallelism, never a failure.
void grow(Pool& p, unsigned helpers) {
  while (p.threads.size() < helpers) {
    try {
      p.threads.emplace_back(helper_main, std::ref(p));
    } catch (const std::system_error&) {
      return;
    }
  }
}

}  // namespace

void run_region(Region& r) {
  Pool& p = pool();
  {
    std::lock_guard<std::mutex> lk(p.mu);
    grow(p, r.helpers_allowed);
    p.regions.push_back(&r);
    r.listed = true;
    p.listed_regions.fetch_add(1, std::memory_order_release);
  }
  p.work_cv.notify_all();
  work_on(p, r);
  {
    std::unique_lock<std::mutex> lk(p.mu);
    unlist(p, r);
    p.done_cv.wait(lk, [&] { return r.helpers_active == 0; });
  }
  if (r.error) std::rethrow_exception(r.error);
  if (r.cancel != nullptr && r.cancel->cancelled()) throw Cancelled{};
}

void pool_reserve(unsigned helpers) {
  Pool& p = pool();
  std::lock_guard<std::mutex> lk(p.mu);
  grow(p, helpers);
}

void pool_shutdown() {
  std::lock_guard<std::mutex> guard(g_pool_mu);
  Pool* p = g_pool.load(std::memory_order_acquire);
  if (p == nullptr) return;
  {
    std::lock_guard<std::mutex> lk(p->mu);
    p->stopping = true;
  }
  p->work_cv.notify_all();
  for (auto& t : p->threads) t.join();
  g_pool.store(nullptr, std::memory_order_release);
  delete p;
}

}  // namespace ck
