#include "scheduler.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>

namespace ck {
namespace {

struct Entry {
  Task* task;
  const void* group;
};

struct Scheduler {
  std::mutex mu;
  std::condition_variable work_cv;
  std::condition_variable idle_cv;
  std::deque<Entry> queue;
  const void* running_group = nullptr;
  bool running = false;
  bool stopping = false;
  bool runner_exited = true;
  std::thread runner;
};

// Created on first use, freed by scheduler_shutdown(); see pool.cc for why not a static.
std::atomic<Scheduler*> g_sched{nullptr};
std::mutex g_sched_mu;

Scheduler& sched() {
  Scheduler* s = g_sched.load(std::memory_order_acquire);
  if (s != nullptr) return *s;
  std::lock_guard<std::mutex> lk(g_sched_mu);
  s = g_sched.load(std::memory_order_relaxed);
  if (s == nullptr) {
    s = new Scheduler;
    g_sched.store(s, std::memory_order_release);
  }
  return *s;
}

void runner_main(Scheduler& s) {
  std::unique_lock<std::mutex> lk(s.mu);
  for (;;) {
    s.work_cv.wait(lk, [&] { return s.stopping || !s.queue.empty(); });
    if (s.queue.empty()) {  // stopping with nothing left
      s.runner_exited = true;
      return;
    }
    Entry e = s.queue.front();
    s.queue.pop_front();
    s.running = true;
    s.running_group = e.group;
    lk.unlock();
    e.task->run();
    e.task->finished();
    lk.lock();
    s.running = false;
    s.running_group = nullptr;
    s.idle_cv.notify_all();
  }
}

}  // namespace

void scheduler_submit(Task* task, const void* group) {
  Scheduler& s = sched();
  {
    std::lock_guard<std::mutex> lk(s.mu);
    if (s.runner_exited) {
      // A runner that has returned (or never started) is replaced; joining it is instant.
      if (s.runner.joinable()) s.runner.join();
      s.runner = std::thread(runner_main, std::ref(s));
      s.runner_exited = false;
    }
    s.queue.push_back({task, group});
  }
  s.work_cv.notify_one();
}

bool scheduler_withdraw(Task* task) {
  Scheduler& s = sched();
  std::lock_guard<std::mutex> lk(s.mu);
  for (auto it = s.queue.begin(); it != s.queue.end(); ++it) {
    if (it->task == task) {
      s.queue.erase(it);
      return true;
    }
  }
  return false;
}

std::vector<Task*> scheduler_drain(const void* group) {
  Scheduler& s = sched();
  std::vector<Task*> removed;
  std::unique_lock<std::mutex> lk(s.mu);
  for (auto it = s.queue.begin(); it != s.queue.end();) {
    if (it->group == group) {
      removed.push_back(it->task);
      it = s.queue.erase(it);
    } else {
      ++it;
    }
  }
  s.idle_cv.wait(lk, [&] { return !(s.running && s.running_group == group); });
  return removed;
}

void scheduler_shutdown() {
  std::lock_guard<std::mutex> guard(g_sched_mu);
  Scheduler* s = g_sched.load(std::memory_order_acquire);
  if (s == nullptr) return;
  {
    std::lock_guard<std::mutex> lk(s->mu);
    if (!s->queue.empty()) return;  // another environment still has work: keep it running
    s->stopping = true;
  }
  s->work_cv.notify_all();
  if (s->runner.joinable()) s->runner.join();
  g_sched.store(nullptr, std::memory_order_release);
  delete s;
}

}  // namespace ck
