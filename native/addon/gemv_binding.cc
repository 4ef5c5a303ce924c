#include "../gemv/gemv.h"
#include "args.h"
#include "bindings.h"
#include "job.h"

namespace ck {
namespace {

template <class T>
class GemvJob : public Job {
 public:
  GemvJob(const T* a, size_t rows, size_t cols, const T* x, bool trans, T* y)
      : a_(a), x_(x), y_(y), rows_(rows), cols_(cols), trans_(trans) {}
  void execute(const Exec& ex) override { gemv(a_, rows_, cols_, cols_, x_, trans_, y_, ex); }

 private:
  const T* a_;
  const T* x_;
  T* y_;
  size_t rows_, cols_;
  bool trans_;
};

}  // namespace

// gemv(async, id, threads, a, x, y, rows, cols, trans): y = A·x or Aᵀ·x, A row-major rows×cols.
Napi::Value bind_gemv(const Napi::CallbackInfo& info, EnvJobs& jobs) {
  Napi::Env env = info.Env();
  const size_t i = kFirstKernelArg;
  const ArrayArg a = array_arg(info, i), x = array_arg(info, i + 1), y = array_arg(info, i + 2);
  const size_t rows = size_arg(info, i + 3), cols = size_arg(info, i + 4);
  const bool trans = bool_arg(info, i + 5);
  auto build = [&](auto tag) -> std::unique_ptr<Job> {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<T>) {
      // The TS layer checked these; repeated so that no caller can make a kernel read or
      // write outside the arrays.
      const bool fits = (rows == 0 || cols <= a.length / rows) && x.length == (trans ? rows : cols) &&
                        y.length == (trans ? cols : rows);
      if (!fits) throw_type(env, "gemv: an array's length does not match the shape");
      return std::make_unique<GemvJob<T>>(elements<T>(env, a), rows, cols, elements<T>(env, x), trans,
                                          elements<T>(env, y));
    } else {
      throw_type(env, "gemv takes Float32Array or Float64Array");
    }
  };
  return run_job(info, jobs, visit_element_type(env, a.type, build));
}

}  // namespace ck
