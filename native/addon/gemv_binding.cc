#include "../gemv/gemv.h"
#include "args.h"
#include "bindings.h"
#include "job.h"

namespace ck {
namespace {

// S: A's and x's stored element; Y: y's (S, or float32 or halves for half operands).
template <class S, class Y>
class GemvJob : public Job {
 public:
  GemvJob(const S* a, size_t rows, size_t cols, const S* x, bool trans, Y* y)
      : a_(a), x_(x), y_(y), rows_(rows), cols_(cols), trans_(trans) {}
  void execute(const Exec& ex) override {
    if constexpr (std::is_same_v<S, half>) gemv_half(a_, rows_, cols_, cols_, x_, trans_, y_, ex);
    else gemv(a_, rows_, cols_, cols_, x_, trans_, y_, ex);
  }

 private:
  const S* a_;
  const S* x_;
  Y* y_;
  size_t rows_, cols_;
  bool trans_;
};

}  // namespace

// gemv(async, id, threads, a, x, y, rows, cols, trans[, half]): y = A·x or Aᵀ·x, A row-major
// rows×cols. With half = true, a and x are halves as Uint16Arrays (args.h), and y is halves
// (a Uint16Array) or a Float32Array.
Napi::Value bind_gemv(const Napi::CallbackInfo& info, EnvJobs& jobs) {
  Napi::Env env = info.Env();
  const size_t i = kFirstKernelArg;
  const ArrayArg a = array_arg(info, i), x = array_arg(info, i + 1), y = array_arg(info, i + 2);
  const size_t rows = size_arg(info, i + 3), cols = size_arg(info, i + 4);
  const bool trans = bool_arg(info, i + 5);
  const bool is_half = half_flag(info, i + 6);
  auto build = [&](auto tag) -> std::unique_ptr<Job> {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<T> || std::is_same_v<T, half>) {
      // The TS layer checked these; repeated so that no caller can make a kernel read or
      // write outside the arrays.
      const bool fits = (rows == 0 || cols <= a.length / rows) && x.length == (trans ? rows : cols) &&
                        y.length == (trans ? cols : rows);
      if (!fits) throw_type(env, "gemv: an array's length does not match the shape");
      if constexpr (std::is_same_v<T, half>) {
        if (y.type == napi_float32_array)
          return std::make_unique<GemvJob<half, float>>(elements<half>(env, a), rows, cols, elements<half>(env, x), trans,
                                                        elements<float>(env, y));
        if (y.type != napi_uint16_array) throw_type(env, "gemv: a half product's y is halves or a Float32Array");
        return std::make_unique<GemvJob<half, half>>(elements<half>(env, a), rows, cols, elements<half>(env, x), trans,
                                                     elements<half>(env, y));
      } else {
        return std::make_unique<GemvJob<T, T>>(elements<T>(env, a), rows, cols, elements<T>(env, x), trans,
                                               elements<T>(env, y));
      }
    } else {
      throw_type(env, "gemv takes Float32Array or Float64Array");
    }
  };
  return run_job(info, jobs, visit_stored_type(env, a.type, is_half, build));
}

}  // namespace ck
