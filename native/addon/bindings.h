#pragma once
#include <napi.h>

namespace ck {

class EnvJobs;

// One entry per kernel; each lives in its own <kernel>_binding.cc.
Napi::Value bind_gemm(const Napi::CallbackInfo& info, EnvJobs& jobs);
Napi::Value bind_gemm_batch(const Napi::CallbackInfo& info, EnvJobs& jobs);
Napi::Value bind_count(const Napi::CallbackInfo& info, EnvJobs& jobs);
Napi::Value bind_count_by_row(const Napi::CallbackInfo& info, EnvJobs& jobs);
Napi::Value bind_count_by_column(const Napi::CallbackInfo& info, EnvJobs& jobs);
Napi::Value bind_histogram(const Napi::CallbackInfo& info, EnvJobs& jobs);
Napi::Value bind_min_max(const Napi::CallbackInfo& info, EnvJobs& jobs);
Napi::Value bind_gemv(const Napi::CallbackInfo& info, EnvJobs& jobs);
Napi::Value bind_histogram_weighted(const Napi::CallbackInfo& info, EnvJobs& jobs);

}  // namespace ck
