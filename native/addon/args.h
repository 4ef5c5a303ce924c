#pragma once
#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "../runtime/half.h"

// Unwrapping of positional arguments. The TS layer has validated everything; these checks
// only keep a caller that bypasses it (the raw addon) from reaching undefined behaviour.
namespace ck {

struct ArrayArg {
  napi_typedarray_type type;
  void* data;
  size_t length;
};

ArrayArg array_arg(const Napi::CallbackInfo& info, size_t i);
double number_arg(const Napi::CallbackInfo& info, size_t i);
size_t size_arg(const Napi::CallbackInfo& info, size_t i);
bool bool_arg(const Napi::CallbackInfo& info, size_t i);
[[noreturn]] void throw_type(Napi::Env env, const char* what);

template <class T>
struct Tag {
  using type = T;
};

// Calls fn(Tag<T>{}) with T the C++ element type of a TypedArray kind, so one template
// serves every element type.
template <class F>
decltype(auto) visit_element_type(Napi::Env env, napi_typedarray_type t, F&& fn) {
  switch (t) {
    case napi_int8_array: return fn(Tag<int8_t>{});
    case napi_uint8_array:
    case napi_uint8_clamped_array: return fn(Tag<uint8_t>{});
    case napi_int16_array: return fn(Tag<int16_t>{});
    case napi_uint16_array: return fn(Tag<uint16_t>{});
    case napi_int32_array: return fn(Tag<int32_t>{});
    case napi_uint32_array: return fn(Tag<uint32_t>{});
    case napi_float32_array: return fn(Tag<float>{});
    case napi_float64_array: return fn(Tag<double>{});
    case napi_bigint64_array: return fn(Tag<int64_t>{});
    case napi_biguint64_array: return fn(Tag<uint64_t>{});
    default: throw_type(env, "unsupported TypedArray kind");
  }
}

// Float16Array data crosses as a Uint16Array view of the same memory plus a trailing `true`
// (the argument at index i): the Node-API of Node 20 and 22, which the addon is built
// against, has no Float16Array kind, and older runtimes would not report one.
inline bool half_flag(const Napi::CallbackInfo& info, size_t i) {
  return info.Length() > i && info[i].IsBoolean() && info[i].As<Napi::Boolean>().Value();
}

// visit_element_type, with T = half when the half flag was passed (over a Uint16Array).
template <class F>
decltype(auto) visit_stored_type(Napi::Env env, napi_typedarray_type t, bool is_half, F&& fn) {
  if (!is_half) return visit_element_type(env, t, fn);
  if (t != napi_uint16_array) throw_type(env, "half data must cross as a Uint16Array");
  return fn(Tag<half>{});
}

// A scalar argument in element type T: a BigInt for 64-bit integers, a number otherwise
// (already representable exactly; the TS layer converted it).
template <class T>
T scalar_arg(const Napi::CallbackInfo& info, size_t i) {
  if constexpr (std::is_same_v<T, int64_t> || std::is_same_v<T, uint64_t>) {
    if (!info[i].IsBigInt()) throw_type(info.Env(), "expected a BigInt bound");
    bool lossless = false;
    if constexpr (std::is_same_v<T, int64_t>) {
      return info[i].As<Napi::BigInt>().Int64Value(&lossless);
    } else {
      return info[i].As<Napi::BigInt>().Uint64Value(&lossless);
    }
  } else if constexpr (std::is_same_v<T, half>) {
    return half{float_to_half(static_cast<float>(number_arg(info, i)))};
  } else {
    return static_cast<T>(number_arg(info, i));
  }
}

// A value of element type T for JavaScript: a BigInt for 64-bit integers, a number otherwise.
template <class T>
Napi::Value scalar_value(Napi::Env env, T x) {
  if constexpr (std::is_same_v<T, int64_t>) return Napi::BigInt::New(env, static_cast<int64_t>(x));
  else if constexpr (std::is_same_v<T, uint64_t>) return Napi::BigInt::New(env, static_cast<uint64_t>(x));
  else return Napi::Number::New(env, static_cast<double>(x));
}

// The array's elements as T, after checking that the array really holds T.
template <class T>
T* elements(Napi::Env env, const ArrayArg& a) {
  if constexpr (std::is_same_v<T, half>) {
    if (a.type != napi_uint16_array) throw_type(env, "TypedArray element types differ");
    return static_cast<T*>(a.data);
  }
  bool ok = visit_element_type(env, a.type, [](auto tag) { return std::is_same_v<typename decltype(tag)::type, T>; });
  if (!ok) throw_type(env, "TypedArray element types differ");
  return static_cast<T*>(a.data);
}

}  // namespace ck
