#include "args.h"

#include <cstdint>

namespace ck {

void throw_type(Napi::Env env, const char* what) {
  Napi::TypeError err = Napi::TypeError::New(env, std::string("corekernels native: ") + what);
  err.Set("code", Napi::String::New(env, "ERR_CK_INVALID_ARG_TYPE"));
  throw err;
}

// One N-API call per argument: each call is a measurable share of a small kernel's cost
// (a matmulSync of two 8×8 matrices), and the type check comes with the conversion.
ArrayArg array_arg(const Napi::CallbackInfo& info, size_t i) {
  ArrayArg a{};
  if (napi_get_typedarray_info(info.Env(), info[i], &a.type, &a.length, &a.data, nullptr, nullptr) != napi_ok)
    throw_type(info.Env(), "expected a TypedArray");
  if (a.data == nullptr && a.length != 0) throw_type(info.Env(), "detached TypedArray");
  return a;
}

double number_arg(const Napi::CallbackInfo& info, size_t i) {
  double v;
  if (napi_get_value_double(info.Env(), info[i], &v) != napi_ok) throw_type(info.Env(), "expected a number");
  return v;
}

size_t size_arg(const Napi::CallbackInfo& info, size_t i) {
  const double v = number_arg(info, i);
  // Integral and within [0, 2^53]; the round trip through an integer replaces floor(),
  // a library call on baseline x86-64.
  if (!(v >= 0 && v <= 9007199254740991.0) || static_cast<double>(static_cast<uint64_t>(v)) != v)
    throw_type(info.Env(), "expected a size");
  return static_cast<size_t>(v);
}

bool bool_arg(const Napi::CallbackInfo& info, size_t i) {
  bool v;
  if (napi_get_value_bool(info.Env(), info[i], &v) != napi_ok) throw_type(info.Env(), "expected a boolean");
  return v;
}

}  // namespace ck
