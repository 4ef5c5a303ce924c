#include "../count/count.h"
#include "args.h"
#include "bindings.h"
#include "job.h"

namespace ck {
namespace {

// The optional validity bitmap at argument i (count.h): undefined for none, else a
// Uint8Array of at least ceil(n / 8) bytes (the TS layer checked it; this keeps a caller of
// the raw addon from reading past it).
const uint8_t* valid_arg(const Napi::CallbackInfo& info, size_t i, size_t n) {
  if (info.Length() <= i || info[i].IsUndefined()) return nullptr;
  const ArrayArg v = array_arg(info, i);
  if (v.type != napi_uint8_array || v.length < n / 8 + (n % 8 != 0)) throw_type(info.Env(), "bad validity bitmap");
  return static_cast<const uint8_t*>(v.data);
}

template <class T>
class CountJob : public Job {
 public:
  CountJob(const T* data, size_t n, T lo, T hi, const uint8_t* valid) : data_(data), n_(n), lo_(lo), hi_(hi), valid_(valid) {}
  void execute(const Exec& ex) override { total_ = count_in_range(data_, n_, lo_, hi_, ex, valid_); }
  Napi::Value result(Napi::Env env) override { return Napi::Number::New(env, static_cast<double>(total_)); }

 private:
  const T* data_;
  size_t n_;
  T lo_, hi_;
  const uint8_t* valid_;
  uint64_t total_ = 0;
};

// Per-row or per-column counts: the one is count_by_row, the other count_by_column.
template <class T, bool kByColumn>
class CountByAxisJob : public Job {
 public:
  CountByAxisJob(const T* data, size_t rows, size_t cols, T lo, T hi, uint32_t* out, const uint8_t* valid)
      : data_(data), rows_(rows), cols_(cols), lo_(lo), hi_(hi), out_(out), valid_(valid) {}
  void execute(const Exec& ex) override {
    if constexpr (kByColumn) count_by_column(data_, rows_, cols_, lo_, hi_, out_, ex, valid_);
    else count_by_row(data_, rows_, cols_, lo_, hi_, out_, ex, valid_);
  }

 private:
  const T* data_;
  size_t rows_, cols_;
  T lo_, hi_;
  uint32_t* out_;
  const uint8_t* valid_;
};

template <class T>
class HistogramJob : public Job {
 public:
  HistogramJob(const T* data, size_t n, const T* lower, size_t nbins, T upper, double* out, BinGuess guess,
               const uint8_t* valid)
      : data_(data), n_(n), lower_(lower), nbins_(nbins), upper_(upper), out_(out), guess_(guess), valid_(valid) {}
  void execute(const Exec& ex) override { histogram(data_, n_, lower_, nbins_, upper_, out_, ex, guess_, valid_); }

 private:
  const T* data_;
  size_t n_;
  const T* lower_;
  size_t nbins_;
  T upper_;
  double* out_;
  BinGuess guess_;
  const uint8_t* valid_;
};

template <class T, class W>
class HistogramWeightedJob : public Job {
 public:
  HistogramWeightedJob(const T* data, const W* w, size_t n, const T* lower, size_t nbins, T upper, double* out,
                       size_t tile, BinGuess guess)
      : data_(data), w_(w), n_(n), lower_(lower), nbins_(nbins), upper_(upper), out_(out), tile_(tile), guess_(guess) {}
  void execute(const Exec& ex) override {
    histogram_weighted(data_, w_, n_, lower_, nbins_, upper_, out_, tile_, ex, guess_);
  }

 private:
  const T* data_;
  const W* w_;
  size_t n_;
  const T* lower_;
  size_t nbins_;
  T upper_;
  double* out_;
  size_t tile_;
  BinGuess guess_;
};

template <class T>
class MinMaxJob : public Job {
 public:
  MinMaxJob(const T* data, size_t n, const uint8_t* valid) : data_(data), n_(n), valid_(valid) {}
  void execute(const Exec& ex) override { r_ = min_max(data_, n_, ex, valid_); }
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
  const uint8_t* valid_;
  MinMax<compute_t<T>> r_{};
};

}  // namespace

// Each takes a trailing `true`, after `valid`, when the data is halves (args.h, half_flag).

// minMax(async, id, threads, data, valid?, half?): [lo, hi] of the non-NaN (present) elements.
Napi::Value bind_min_max(const Napi::CallbackInfo& info, EnvJobs& jobs) {
  Napi::Env env = info.Env();
  const ArrayArg d = array_arg(info, kFirstKernelArg);
  const uint8_t* valid = valid_arg(info, kFirstKernelArg + 1, d.length);
  return run_job(info, jobs, visit_stored_type(env, d.type, half_flag(info, kFirstKernelArg + 2), [&](auto tag) -> std::unique_ptr<Job> {
    using T = typename decltype(tag)::type;
    return std::make_unique<MinMaxJob<T>>(elements<T>(env, d), d.length, valid);
  }));
}

// countInRange(async, id, threads, data, lo, hi, valid?, half?): lo and hi inclusive, in the element domain.
Napi::Value bind_count(const Napi::CallbackInfo& info, EnvJobs& jobs) {
  Napi::Env env = info.Env();
  const size_t i = kFirstKernelArg;
  const ArrayArg d = array_arg(info, i);
  const uint8_t* valid = valid_arg(info, i + 3, d.length);
  return run_job(info, jobs, visit_stored_type(env, d.type, half_flag(info, i + 4), [&](auto tag) -> std::unique_ptr<Job> {
    using T = typename decltype(tag)::type;
    return std::make_unique<CountJob<T>>(elements<T>(env, d), d.length, scalar_arg<T>(info, i + 1), scalar_arg<T>(info, i + 2),
                                         valid);
  }));
}

namespace {

// (async, id, threads, data, rows, cols, lo, hi, out: Uint32Array, valid?): out has rows
// entries per row, cols per column.
template <bool kByColumn>
Napi::Value bind_count_by_axis(const Napi::CallbackInfo& info, EnvJobs& jobs, const char* bad) {
  Napi::Env env = info.Env();
  const size_t i = kFirstKernelArg;
  const ArrayArg d = array_arg(info, i), out = array_arg(info, i + 5);
  const size_t rows = size_arg(info, i + 1), cols = size_arg(info, i + 2);
  if (out.type != napi_uint32_array || out.length < (kByColumn ? cols : rows) || (cols != 0 && d.length / cols < rows))
    throw_type(env, bad);
  const uint8_t* valid = valid_arg(info, i + 6, rows * cols);
  return run_job(info, jobs, visit_stored_type(env, d.type, half_flag(info, i + 7), [&](auto tag) -> std::unique_ptr<Job> {
    using T = typename decltype(tag)::type;
    return std::make_unique<CountByAxisJob<T, kByColumn>>(elements<T>(env, d), rows, cols, scalar_arg<T>(info, i + 3),
                                                          scalar_arg<T>(info, i + 4), static_cast<uint32_t*>(out.data), valid);
  }));
}

}  // namespace

Napi::Value bind_count_by_row(const Napi::CallbackInfo& info, EnvJobs& jobs) {
  return bind_count_by_axis<false>(info, jobs, "countInRangeByRow: bad shape or out");
}

Napi::Value bind_count_by_column(const Napi::CallbackInfo& info, EnvJobs& jobs) {
  return bind_count_by_axis<true>(info, jobs, "countInRangeByColumn: bad shape or out");
}

// histogram(async, id, threads, data, lower: same kind as data, upper, out: Float64Array,
//           first, scale, valid?): first and scale are the uniform-edges guess (count.h), scale 0 for none.
Napi::Value bind_histogram(const Napi::CallbackInfo& info, EnvJobs& jobs) {
  Napi::Env env = info.Env();
  const size_t i = kFirstKernelArg;
  const ArrayArg d = array_arg(info, i), lower = array_arg(info, i + 1), out = array_arg(info, i + 3);
  if (out.type != napi_float64_array || out.length < lower.length || lower.length == 0)
    throw_type(env, "histogram: bad edges or out");
  // Trusted from TS like the thresholds: a wrong guess would miscount, but the kernel clamps
  // every index, so it can never read or write out of bounds.
  const BinGuess guess{number_arg(info, i + 4), number_arg(info, i + 5)};
  const uint8_t* valid = valid_arg(info, i + 6, d.length);
  return run_job(info, jobs, visit_stored_type(env, d.type, half_flag(info, i + 7), [&](auto tag) -> std::unique_ptr<Job> {
    using T = typename decltype(tag)::type;
    return std::make_unique<HistogramJob<T>>(elements<T>(env, d), d.length, elements<T>(env, lower), lower.length,
                                             scalar_arg<T>(info, i + 2), static_cast<double*>(out.data), guess,
                                             valid);
  }));
}

// histogramWeighted(async, id, threads, data, lower, upper, out, first, scale, weights: Float32Array or
//                   Float64Array of data's length, tile: elements per tile): as histogram, out the weights' sums.
Napi::Value bind_histogram_weighted(const Napi::CallbackInfo& info, EnvJobs& jobs) {
  Napi::Env env = info.Env();
  const size_t i = kFirstKernelArg;
  const ArrayArg d = array_arg(info, i), lower = array_arg(info, i + 1), out = array_arg(info, i + 3),
                 w = array_arg(info, i + 6);
  const size_t tile = size_arg(info, i + 7);
  if (out.type != napi_float64_array || out.length < lower.length || lower.length == 0 || tile == 0 ||
      w.length != d.length || (w.type != napi_float64_array && w.type != napi_float32_array))
    throw_type(env, "histogramWeighted: bad edges, out, weights or tile");
  const BinGuess guess{number_arg(info, i + 4), number_arg(info, i + 5)};  // trusted as in bind_histogram
  return run_job(info, jobs, visit_element_type(env, d.type, [&](auto tag) -> std::unique_ptr<Job> {
    using T = typename decltype(tag)::type;
    const T* data = elements<T>(env, d);
    const T* l = elements<T>(env, lower);
    const T upper = scalar_arg<T>(info, i + 2);
    double* o = static_cast<double*>(out.data);
    if (w.type == napi_float32_array)
      return std::make_unique<HistogramWeightedJob<T, float>>(data, elements<float>(env, w), d.length, l, lower.length,
                                                              upper, o, tile, guess);
    return std::make_unique<HistogramWeightedJob<T, double>>(data, elements<double>(env, w), d.length, l, lower.length,
                                                             upper, o, tile, guess);
  }));
}

}  // namespace ck
