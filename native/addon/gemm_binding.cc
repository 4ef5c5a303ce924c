#include "../gemm/batch.h"
#include "../gemm/gemm.h"
#include "args.h"
#include "bindings.h"
#include "job.h"

namespace ck {
namespace {

// Whether a rows×cols row-major matrix with leading dimension ld fits in `length` elements.
bool fits(size_t length, size_t rows, size_t cols, size_t ld) {
  if (rows == 0 || cols == 0) return true;
  if (ld < cols) return false;
  // (rows - 1) * ld + cols <= length, without overflow
  return cols <= length && rows - 1 <= (length - cols) / ld;
}

// Whether `batch` such matrices, `stride` elements apart, fit in `length` elements.
bool fits_batch(size_t length, size_t rows, size_t cols, size_t ld, size_t batch, size_t stride) {
  if (rows == 0 || cols == 0 || batch == 0) return true;
  if (!fits(length, rows, cols, ld)) return false;
  const size_t extent = (rows - 1) * ld + cols;
  return stride == 0 || batch - 1 <= (length - extent) / stride;
}

// One product, a stack of them, or a half product: its arguments and the function that runs them.
template <class Args, void (*Run)(const Args&, const Exec&)>
class ArgsJob : public Job {
 public:
  explicit ArgsJob(const Args& args) : args_(args) {}
  void execute(const Exec& ex) override { Run(args_, ex); }

 private:
  Args args_;
};
template <class T>
using GemmJob = ArgsJob<GemmArgs<T>, &gemm<T>>;
template <class T>
using GemmBatchJob = ArgsJob<BatchArgs<T>, &gemm_batch<T>>;
using HalfGemmJob = ArgsJob<HalfGemmArgs, &gemm_half>;
using HalfGemmBatchJob = ArgsJob<HalfBatchArgs, &gemm_batch_half>;

// The GemmArgs of the shape arguments at i + 3 .. i + 12 (pointers left unset), checked
// against the arrays' lengths.
template <class T>
GemmArgs<T> shape_args(const Napi::CallbackInfo& info, size_t i, const ArrayArg& a, const ArrayArg& b, const ArrayArg& c) {
  GemmArgs<T> g;
  g.m = size_arg(info, i + 3);
  g.n = size_arg(info, i + 4);
  g.k = size_arg(info, i + 5);
  g.trans_a = bool_arg(info, i + 6);
  g.trans_b = bool_arg(info, i + 7);
  g.lda = size_arg(info, i + 8);
  g.ldb = size_arg(info, i + 9);
  g.ldc = size_arg(info, i + 10);
  g.alpha = static_cast<T>(number_arg(info, i + 11));
  g.beta = static_cast<T>(number_arg(info, i + 12));
  // The TS layer checked these; repeated here so that no caller can make a kernel
  // read or write outside the arrays.
  if (!fits(a.length, g.trans_a ? g.k : g.m, g.trans_a ? g.m : g.k, g.lda) ||
      !fits(b.length, g.trans_b ? g.n : g.k, g.trans_b ? g.k : g.n, g.ldb) || !fits(c.length, g.m, g.n, g.ldc))
    throw_type(info.Env(), "gemm: an array is too short for its shape and leading dimension");
  return g;
}

// A half product's operands (shape left unset): a and b halves; c halves or a Float32Array.
HalfGemmArgs half_operands(Napi::Env env, const char* what, const ArrayArg& a, const ArrayArg& b, const ArrayArg& c) {
  if (!(c.type == napi_uint16_array || c.type == napi_float32_array)) throw_type(env, what);
  HalfGemmArgs h;
  h.a = elements<half>(env, a);
  h.b = elements<half>(env, b);
  if (c.type == napi_float32_array) h.c32 = elements<float>(env, c);
  else h.c16 = elements<half>(env, c);
  return h;
}

}  // namespace

// gemm(async, id, threads, a, b, c, m, n, k, transA, transB, lda, ldb, ldc, alpha, beta[, half]),
// row-major. With half = true, a and b are halves as Uint16Arrays (args.h), and c is halves
// (a Uint16Array) or a Float32Array.
Napi::Value bind_gemm(const Napi::CallbackInfo& info, EnvJobs& jobs) {
  Napi::Env env = info.Env();
  const size_t i = kFirstKernelArg;
  const ArrayArg a = array_arg(info, i), b = array_arg(info, i + 1), c = array_arg(info, i + 2);
  const bool is_half = half_flag(info, i + 13);
  auto build = [&](auto tag) -> std::unique_ptr<Job> {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_same_v<T, half>) {
      HalfGemmArgs h = half_operands(env, "gemm: a half product's c is halves or a Float32Array", a, b, c);
      h.g = shape_args<float>(info, i, a, b, c);
      return std::make_unique<HalfGemmJob>(h);
    } else if constexpr (std::is_floating_point_v<T>) {
      GemmArgs<T> g = shape_args<T>(info, i, a, b, c);
      g.a = elements<T>(env, a);
      g.b = elements<T>(env, b);
      g.c = elements<T>(env, c);
      return std::make_unique<GemmJob<T>>(g);
    } else {
      throw_type(env, "gemm takes Float32Array or Float64Array");
    }
  };
  return run_job(info, jobs, visit_stored_type(env, a.type, is_half, build));
}

// gemmBatch(async, id, threads, a, b, c, batch, m, n, k, transA, transB, lda, ldb, ldc, strideA, strideB, strideC,
//           alpha, beta[, half]), row-major. With half = true, a and b are halves as Uint16Arrays, and c is
// halves or a Float32Array, as for gemm.
Napi::Value bind_gemm_batch(const Napi::CallbackInfo& info, EnvJobs& jobs) {
  Napi::Env env = info.Env();
  const size_t i = kFirstKernelArg;
  const ArrayArg a = array_arg(info, i), b = array_arg(info, i + 1), c = array_arg(info, i + 2);
  const bool is_half = half_flag(info, i + 17);
  // The shape, options and strides (pointers left unset), checked against the arrays.
  auto stack_args = [&](auto tag) {
    using T = typename decltype(tag)::type;
    BatchArgs<T> ba;
    GemmArgs<T>& g = ba.g;
    ba.batch = size_arg(info, i + 3);
    g.m = size_arg(info, i + 4);
    g.n = size_arg(info, i + 5);
    g.k = size_arg(info, i + 6);
    g.trans_a = bool_arg(info, i + 7);
    g.trans_b = bool_arg(info, i + 8);
    g.lda = size_arg(info, i + 9);
    g.ldb = size_arg(info, i + 10);
    g.ldc = size_arg(info, i + 11);
    ba.stride_a = size_arg(info, i + 12);
    ba.stride_b = size_arg(info, i + 13);
    ba.stride_c = size_arg(info, i + 14);
    g.alpha = static_cast<T>(number_arg(info, i + 15));
    g.beta = static_cast<T>(number_arg(info, i + 16));
    // As for gemm: the TS layer checked these; no caller may make a kernel reach outside
    // the arrays, or two products write the same C (a race).
    if (!fits_batch(a.length, g.trans_a ? g.k : g.m, g.trans_a ? g.m : g.k, g.lda, ba.batch, ba.stride_a) ||
        !fits_batch(b.length, g.trans_b ? g.n : g.k, g.trans_b ? g.k : g.n, g.ldb, ba.batch, ba.stride_b) ||
        !fits_batch(c.length, g.m, g.n, g.ldc, ba.batch, ba.stride_c))
      throw_type(env, "gemmBatch: an array is too short for its batch, shape, strides and leading dimension");
    if (ba.batch > 1 && g.m > 0 && g.n > 0 && ba.stride_c < (g.m - 1) * g.ldc + g.n)
      throw_type(env, "gemmBatch: strideC makes the C matrices overlap");
    return ba;
  };
  auto build = [&](auto tag) -> std::unique_ptr<Job> {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_same_v<T, half>) {
      const BatchArgs<float> ba = stack_args(Tag<float>{});
      HalfBatchArgs hb;
      hb.h = half_operands(env, "gemmBatch: a half stack's c is halves or a Float32Array", a, b, c);
      hb.h.g = ba.g;
      hb.batch = ba.batch, hb.stride_a = ba.stride_a, hb.stride_b = ba.stride_b, hb.stride_c = ba.stride_c;
      return std::make_unique<HalfGemmBatchJob>(hb);
    } else if constexpr (std::is_floating_point_v<T>) {
      BatchArgs<T> ba = stack_args(tag);
      ba.g.a = elements<T>(env, a);
      ba.g.b = elements<T>(env, b);
      ba.g.c = elements<T>(env, c);
      return std::make_unique<GemmBatchJob<T>>(ba);
    } else {
      throw_type(env, "gemmBatch takes Float32Array or Float64Array");
    }
  };
  return run_job(info, jobs, visit_stored_type(env, a.type, is_half, build));
}

}  // namespace ck
