#include "job.h"

#include <algorithm>
#include <new>

#include "../runtime/cancel.h"
#include "args.h"

namespace ck {
namespace {

Napi::Error coded_error(Napi::Env env, const std::string& message, const char* code) {
  Napi::Error err = Napi::Error::New(env, message);
  err.Set("code", Napi::String::New(env, code));
  return err;
}

unsigned threads_arg(const Napi::CallbackInfo& info) {
  const size_t t = size_arg(info, 2);
  return static_cast<unsigned>(std::max<size_t>(1, std::min<size_t>(t, 1024)));
}

}  // namespace

void Job::run() noexcept {
  if (token_.cancelled()) {  // aborted while queued: never runs
    outcome_ = Outcome::cancelled;
    return;
  }
  try {
    execute(exec_);
    outcome_ = Outcome::ok;
  } catch (const Cancelled&) {
    outcome_ = Outcome::cancelled;
  } catch (const std::bad_alloc&) {
    outcome_ = Outcome::failed;
    error_ = "out of memory";
  } catch (const std::exception& e) {
    outcome_ = Outcome::failed;
    error_ = e.what();
  } catch (...) {
    outcome_ = Outcome::failed;
    error_ = "unknown native exception";
  }
}

void Job::finished() noexcept { owner_->complete(this); }

Napi::Value run_job(const Napi::CallbackInfo& info, EnvJobs& jobs, std::unique_ptr<Job> job) {
  Napi::Env env = info.Env();
  const bool async = bool_arg(info, 0);
  job->id_ = static_cast<uint32_t>(size_arg(info, 1));
  job->exec_.threads = threads_arg(info);
  job->exec_.cancel = &job->token_;
  if (async) {
    for (size_t i = kFirstKernelArg; i < info.Length(); ++i)
      if (info[i].IsObject()) job->inputs_.push_back(Napi::Persistent(info[i]));
    return jobs.submit(env, std::move(job));
  }
  job->run();
  if (job->outcome_ == Job::Outcome::failed) throw coded_error(env, "native kernel failed: " + job->error_, "ERR_CK_NATIVE_FAILURE");
  return job->result(env);
}

EnvJobs::EnvJobs(Napi::Env env) {
  napi_value name = Napi::String::New(env, "corekernels");
  NAPI_THROW_IF_FAILED_VOID(env, napi_create_threadsafe_function(env, nullptr, nullptr, name, 0, 1, nullptr, nullptr, this,
                                                                 &EnvJobs::call_js, &tsfn_));
  // An idle addon must never keep the process alive; submit() refs while work is pending.
  napi_unref_threadsafe_function(env, tsfn_);
}

EnvJobs::~EnvJobs() { shutdown(); }

Napi::Value EnvJobs::submit(Napi::Env env, std::unique_ptr<Job> job) {
  job->owner_ = this;
  job->deferred_ = std::make_unique<Napi::Promise::Deferred>(env);
  Napi::Promise promise = job->deferred_->Promise();
  Job* raw = job.get();
  try {
    scheduler_submit(raw, this);
  } catch (const std::exception& e) {
    job->deferred_->Reject(coded_error(env, std::string("could not start the job runner: ") + e.what(), "ERR_CK_NATIVE_FAILURE").Value());
    return promise;
  }
  job.release();
  live_.push_back(raw);
  if (raw->id_ != 0) by_id_[raw->id_] = raw;
  if (pending_++ == 0) napi_ref_threadsafe_function(env, tsfn_);
  return promise;
}

void EnvJobs::cancel(uint32_t id) {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return;
  Job* job = it->second;
  job->token_.cancel();
  // A job still in the queue settles now rather than when the work ahead of it ends.
  if (scheduler_withdraw(job)) {
    job->outcome_ = Job::Outcome::cancelled;
    complete(job);
  }
}

void EnvJobs::complete(Job* job) noexcept {
  bool wake = false;
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (closing_) {  // shutdown() owns it now
      done_.push_back(job);
      return;
    }
    wake = done_.empty();
    done_.push_back(job);
  }
  if (wake) napi_call_threadsafe_function(tsfn_, nullptr, napi_tsfn_nonblocking);
}

void EnvJobs::call_js(napi_env env, napi_value, void* context, void*) {
  if (env == nullptr) return;  // the function is being torn down; shutdown() frees the jobs
  static_cast<EnvJobs*>(context)->deliver(Napi::Env(env));
}

void EnvJobs::deliver(Napi::Env env) {
  std::vector<Job*> done;
  {
    std::lock_guard<std::mutex> lk(mu_);
    done.swap(done_);
  }
  for (Job* job : done) {
    Napi::HandleScope scope(env);
    try {
      try {
        settle(env, *job);
      } catch (const Napi::Error& e) {
        job->deferred_->Reject(e.Value());  // throws again where JS can no longer run
      }
    } catch (...) {
      // An exception cannot cross into the C caller; an environment that can no longer run
      // JS (worker teardown) leaves the promise unsettled, which is all it can do.
    }
    if (job->id_ != 0) by_id_.erase(job->id_);
    live_.erase(std::find(live_.begin(), live_.end(), job));
    delete job;
    if (--pending_ == 0) napi_unref_threadsafe_function(env, tsfn_);
  }
}

void EnvJobs::settle(Napi::Env env, Job& job) {
  switch (job.outcome_) {
    case Job::Outcome::ok:
      job.deferred_->Resolve(job.result(env));
      return;
    case Job::Outcome::cancelled:
      job.deferred_->Reject(coded_error(env, "aborted", "ABORT_ERR").Value());
      return;
    default:
      job.deferred_->Reject(coded_error(env, "native kernel failed: " + job.error_, "ERR_CK_NATIVE_FAILURE").Value());
  }
}

void EnvJobs::shutdown() noexcept {
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (closing_) return;
    closing_ = true;
  }
  for (Job* job : live_) job->token_.cancel();
  // Queued jobs come back unrun; a running one finishes (it sees its token between tiles)
  // and lands in done_ through complete().
  std::vector<Task*> queued = scheduler_drain(this);
  (void)queued;  // every one of them is also in live_
  for (Job* job : live_) delete job;
  live_.clear();
  by_id_.clear();
  {
    std::lock_guard<std::mutex> lk(mu_);
    done_.clear();
  }
  if (tsfn_ != nullptr) {
    napi_release_threadsafe_function(tsfn_, napi_tsfn_abort);
    tsfn_ = nullptr;
  }
}

}  // namespace ck
