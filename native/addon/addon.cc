// Registration only: the addon's exports and its per-environment lifetime.
#include <napi.h>

#include <atomic>

#include "../runtime/cpu.h"
#include "../runtime/pool.h"
#include "../runtime/tuning.h"
#include "bindings.h"
#include "job.h"

#ifndef COREKERNELS_BUILD
#define COREKERNELS_BUILD "unknown"
#endif

namespace ck {
namespace {

std::atomic<int> live_envs{0};

}  // namespace

class CoreKernels : public Napi::Addon<CoreKernels> {
 public:
  CoreKernels(Napi::Env env, Napi::Object exports) : jobs_(new EnvJobs(env)) {
    ++live_envs;
    // The hook owns the jobs, not this object: Node may free the addon instance before or
    // after running cleanup hooks, so the hook must not reach through `this`.
    env.AddCleanupHook([jobs = jobs_] { teardown(jobs); });
    DefineAddon(exports, {
                             InstanceMethod<&CoreKernels::Gemm>("gemm"),
                             InstanceMethod<&CoreKernels::GemmBatch>("gemmBatch"),
                             InstanceMethod<&CoreKernels::Count>("count"),
                             InstanceMethod<&CoreKernels::CountByRow>("countByRow"),
                             InstanceMethod<&CoreKernels::CountByColumn>("countByColumn"),
                             InstanceMethod<&CoreKernels::Histogram>("histogram"),
                             InstanceMethod<&CoreKernels::MinMax>("minMax"),
                             InstanceMethod<&CoreKernels::Gemv>("gemv"),
                             InstanceMethod<&CoreKernels::HistogramWeighted>("histogramWeighted"),
                             InstanceMethod<&CoreKernels::Cancel>("cancel"),
                             InstanceMethod<&CoreKernels::Info>("info"),
                         });
  }

 private:
  Napi::Value Gemm(const Napi::CallbackInfo& info) { return bind_gemm(info, *jobs_); }
  Napi::Value GemmBatch(const Napi::CallbackInfo& info) { return bind_gemm_batch(info, *jobs_); }
  Napi::Value Count(const Napi::CallbackInfo& info) { return bind_count(info, *jobs_); }
  Napi::Value CountByRow(const Napi::CallbackInfo& info) { return bind_count_by_row(info, *jobs_); }
  Napi::Value CountByColumn(const Napi::CallbackInfo& info) { return bind_count_by_column(info, *jobs_); }
  Napi::Value Histogram(const Napi::CallbackInfo& info) { return bind_histogram(info, *jobs_); }
  Napi::Value MinMax(const Napi::CallbackInfo& info) { return bind_min_max(info, *jobs_); }
  Napi::Value Gemv(const Napi::CallbackInfo& info) { return bind_gemv(info, *jobs_); }
  Napi::Value HistogramWeighted(const Napi::CallbackInfo& info) { return bind_histogram_weighted(info, *jobs_); }

  void Cancel(const Napi::CallbackInfo& info) { jobs_->cancel(static_cast<uint32_t>(info[0].As<Napi::Number>().Uint32Value())); }

  Napi::Value Info(const Napi::CallbackInfo& info) {
    Napi::Object o = Napi::Object::New(info.Env());
    o.Set("isa", isa_name(active_isa()));
    o.Set("cpu", cpu_tuning().name);
    o.Set("build", COREKERNELS_BUILD);
    o.Set("openmp", false);
    o.Set("pending", static_cast<double>(jobs_->pending()));
    return o;
  }

  // Runs before the environment's handles close: stops this environment's jobs; the last
  // environment to go also joins the process-wide threads.
  static void teardown(EnvJobs* jobs) {
    jobs->shutdown();
    delete jobs;
    if (--live_envs == 0) {
      scheduler_shutdown();
      pool_shutdown();
    }
  }

  EnvJobs* jobs_;  // owned by the cleanup hook
};

}  // namespace ck

using CoreKernelsAddon = ck::CoreKernels;
NODE_API_ADDON(CoreKernelsAddon)
