#pragma once
#include <napi.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "../runtime/exec.h"
#include "../runtime/scheduler.h"

namespace ck {

class EnvJobs;

// One kernel call. A kernel's binding copies its arguments into a subclass on the JS
// thread; execute() computes (any thread, no Napi values); result() builds the JS value.
class Job : public Task {
 public:
  virtual void execute(const Exec& ex) = 0;
  virtual Napi::Value result(Napi::Env env) { return env.Undefined(); }

  void run() noexcept override;
  void finished() noexcept override;

 private:
  friend class EnvJobs;
  friend Napi::Value run_job(const Napi::CallbackInfo&, EnvJobs&, std::unique_ptr<Job>);
  enum class Outcome { pending, ok, cancelled, failed };
  CancelToken token_;
  Exec exec_;
  uint32_t id_ = 0;
  EnvJobs* owner_ = nullptr;
  Outcome outcome_ = Outcome::pending;
  std::string error_;
  std::unique_ptr<Napi::Promise::Deferred> deferred_;
  std::vector<Napi::Reference<Napi::Value>> inputs_;  // alive until the promise settles
};

// The one call path every kernel shares. Arguments 0..2 of every kernel call are
// (async: boolean, id: number, threads: number); the kernel's own follow.
// Sync: runs the job on this thread (with pool helpers) and returns its result or throws.
// Async: queues it on the scheduler and returns a promise; `id` (non-zero) lets cancel(id)
// reach it.
constexpr size_t kFirstKernelArg = 3;
Napi::Value run_job(const Napi::CallbackInfo& info, EnvJobs& jobs, std::unique_ptr<Job> job);

// Per-environment (main thread or worker) async state: the pending jobs and the
// thread-safe function that brings finished ones back to this environment's JS thread.
class EnvJobs {
 public:
  explicit EnvJobs(Napi::Env env);
  ~EnvJobs();
  EnvJobs(const EnvJobs&) = delete;
  EnvJobs& operator=(const EnvJobs&) = delete;

  Napi::Value submit(Napi::Env env, std::unique_ptr<Job> job);
  void cancel(uint32_t id);
  size_t pending() const { return pending_; }
  // Runner thread: a job has finished; deliver it on the JS thread.
  void complete(Job* job) noexcept;
  // Environment teardown: stop this environment's jobs and free them without settling.
  void shutdown() noexcept;

 private:
  static void call_js(napi_env env, napi_value, void* context, void*);
  void deliver(Napi::Env env);
  void settle(Napi::Env env, Job& job);

  napi_threadsafe_function tsfn_ = nullptr;
  std::mutex mu_;
  std::vector<Job*> done_;  // guarded by mu_
  bool closing_ = false;    // guarded by mu_
  // JS thread only:
  std::unordered_map<uint32_t, Job*> by_id_;
  std::vector<Job*> live_;
  size_t pending_ = 0;
};

}  // namespace ck
