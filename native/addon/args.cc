#include "args.h"

#include <cmath>

namespace ck {

void throw_type(Napi::Env env, const char* what) {
  Napi::TypeError err = Napi::TypeError::New(env, std::string("corekernels native: ") + what);
  err.Set("code", Napi::String::New(env, "ERR_CK_INVALID_ARG_TYPE"));
  throw err;
}

ArrayArg array_arg(const Napi::CallbackInfo& info, size_t i) {
  ArrayArg a{};
  napi_value arraybuffer;
  size_t offset;
  if (!info[i].IsTypedArray() ||
      napi_get_typedarray_info(info.Env(), info[i], &a.type, &a.length, &a.data, &arraybuffer, &offset) != napi_ok)
    throw_type(info.Env(), "expected a TypedArray");
  if (a.data == nullptr && a.length != 0) throw_type(info.Env(), "detached TypedArray");
  return a;
}

double number_arg(const Napi::CallbackInfo& info, size_t i) {
  if (!info[i].IsNumber()) throw_type(info.Env(), "expected a number");
  return info[i].As<Napi::Number>().DoubleValue();
}

size_t size_arg(const Napi::CallbackInfo& info, size_t i) {
  const double v = number_arg(info, i);
  if (!(v >= 0) || v > 9007199254740991.0 || std::floor(v) != v) throw_type(info.Env(), "expected a size");
  return static_cast<size_t>(v);
}

bool bool_arg(const Napi::CallbackInfo& info, size_t i) {
  if (!info[i].IsBoolean()) throw_type(info.Env(), "expected a boolean");
  return info[i].As<Napi::Boolean>().Value();
}

}  // namespace ck
