#include "../count/count.h"
#include "args.h"
#include "bindings.h"
#include "job.h"

namespace ck {
namespace {

template <class T>
class CountJob : public Job {
 public:
  CountJob(const T* data, size_t n, T lo, T hi) : data_(data), n_(n), lo_(lo), hi_(hi) {}
  void execute(const Exec& ex) override { total_ = count_in_range(data_, n_, lo_, hi_, ex); }
  Napi::Value result(Napi::Env env) override { return Napi::Number::New(env, static_cast<double>(total_)); }

 private:
  const T* data_;
  size_t n_;
  T lo_, hi_;
  uint64_t total_ = 0;
};

template <class T>
class CountByRowJob : public Job {
 public:
  CountByRowJob(const T* data, size_t rows, size_t cols, T lo, T hi, uint32_t* out)
      : data_(data), rows_(rows), cols_(cols), lo_(lo), hi_(hi), out_(out) {}
  void execute(const Exec& ex) override { count_by_row(data_, rows_, cols_, lo_, hi_, out_, ex); }

 private:
  const T* data_;
  size_t rows_, cols_;
  T lo_, hi_;
  uint32_t* out_;
};

template <class T>
class HistogramJob : public Job {
 public:
  HistogramJob(const T* data, size_t n, const T* lower, size_t nbins, T upper, double* out, BinGuess guess)
      : data_(data), n_(n), lower_(lower), nbins_(nbins), upper_(upper), out_(out), guess_(guess) {}
  void execute(const Exec& ex) override { histogram(data_, n_, lower_, nbins_, upper_, out_, ex, guess_); }

 private:
  const T* data_;
  size_t n_;
  const T* lower_;
  size_t nbins_;
  T upper_;
  double* out_;
  BinGuess guess_;
};

template <class T>
class MinMaxJob : public Job {
 public:
  MinMaxJob(const T* data, size_t n) : data_(data), n_(n) {}
  void execute(const Exec& ex) override { r_ = min_max(data_, n_, ex); }
  // [lo, hi]: BigInts for 64-bit integers, numbers otherwise; lo > hi means no value.
  Napi::Value result(Napi::Env env) override {
    Napi::Array pair = Napi::Array::New(env, 2);
    pair.Set(uint32_t(0), scalar_value(env, r_.lo));
    pair.Set(uint32_t(1), scalar_value(env, r_.hi));
    return pair;
  }

 private:
  const T* data_;
  size_t n_;
  MinMax<compute_t<T>> r_{};
};

}  // namespace

// Each takes a trailing `true` when the data is halves (args.h, half_flag).

// minMax(async, id, threads, data): [lo, hi] of the non-NaN elements.
Napi::Value bind_min_max(const Napi::CallbackInfo& info, EnvJobs& jobs) {
  Napi::Env env = info.Env();
  const ArrayArg d = array_arg(info, kFirstKernelArg);
  return run_job(info, jobs, visit_stored_type(env, d.type, half_flag(info, kFirstKernelArg + 1), [&](auto tag) -> std::unique_ptr<Job> {
    using T = typename decltype(tag)::type;
    return std::make_unique<MinMaxJob<T>>(elements<T>(env, d), d.length);
  }));
}

// countInRange(async, id, threads, data, lo, hi): lo and hi inclusive, in the element domain.
Napi::Value bind_count(const Napi::CallbackInfo& info, EnvJobs& jobs) {
  Napi::Env env = info.Env();
  const size_t i = kFirstKernelArg;
  const ArrayArg d = array_arg(info, i);
  return run_job(info, jobs, visit_stored_type(env, d.type, half_flag(info, i + 3), [&](auto tag) -> std::unique_ptr<Job> {
    using T = typename decltype(tag)::type;
    return std::make_unique<CountJob<T>>(elements<T>(env, d), d.length, scalar_arg<T>(info, i + 1), scalar_arg<T>(info, i + 2));
  }));
}

// countInRangeByRow(async, id, threads, data, rows, cols, lo, hi, out: Uint32Array).
Napi::Value bind_count_by_row(const Napi::CallbackInfo& info, EnvJobs& jobs) {
  Napi::Env env = info.Env();
  const size_t i = kFirstKernelArg;
  const ArrayArg d = array_arg(info, i), out = array_arg(info, i + 5);
  const size_t rows = size_arg(info, i + 1), cols = size_arg(info, i + 2);
  if (out.type != napi_uint32_array || out.length < rows || (cols != 0 && d.length / cols < rows))
    throw_type(env, "countInRangeByRow: bad shape or out");
  return run_job(info, jobs, visit_stored_type(env, d.type, half_flag(info, i + 6), [&](auto tag) -> std::unique_ptr<Job> {
    using T = typename decltype(tag)::type;
    return std::make_unique<CountByRowJob<T>>(elements<T>(env, d), rows, cols, scalar_arg<T>(info, i + 3),
                                              scalar_arg<T>(info, i + 4), static_cast<uint32_t*>(out.data));
  }));
}

// histogram(async, id, threads, data, lower: same kind as data, upper, out: Float64Array,
//           first, scale): first and scale are the uniform-edges guess (count.h), scale 0 for none.
Napi::Value bind_histogram(const Napi::CallbackInfo& info, EnvJobs& jobs) {
  Napi::Env env = info.Env();
  const size_t i = kFirstKernelArg;
  const ArrayArg d = array_arg(info, i), lower = array_arg(info, i + 1), out = array_arg(info, i + 3);
  if (out.type != napi_float64_array || out.length < lower.length || lower.length == 0)
    throw_type(env, "histogram: bad edges or out");
  // Trusted from TS like the thresholds: a wrong guess would miscount, but the kernel clamps
  // every index, so it can never read or write out of bounds.
  const BinGuess guess{number_arg(info, i + 4), number_arg(info, i + 5)};
  return run_job(info, jobs, visit_stored_type(env, d.type, half_flag(info, i + 6), [&](auto tag) -> std::unique_ptr<Job> {
    using T = typename decltype(tag)::type;
    return std::make_unique<HistogramJob<T>>(elements<T>(env, d), d.length, elements<T>(env, lower), lower.length,
                                             scalar_arg<T>(info, i + 2), static_cast<double*>(out.data), guess);
  }));
}

}  // namespace ck
