#pragma once
// A vector type made of plain arrays, for the portable kernels: compilers turn the lane
// loops into whatever SIMD the baseline target has, and where there is none it is still
// correct C++. Masks are lane counts.
#include <cstddef>

namespace ck {
namespace gemm_kernels {
namespace {

template <class Elem, size_t N>
struct Lanes {
  using T = Elem;
  struct R {
    T v[N];
  };
  using Mask = size_t;
  static constexpr size_t W = N;
  static R zero() {
    R r;
    for (size_t i = 0; i < W; ++i) r.v[i] = T(0);
    return r;
  }
  static R load(const T* p) {
    R r;
    for (size_t i = 0; i < W; ++i) r.v[i] = p[i];
    return r;
  }
  static R load_part(const T* p, Mask n) {
    R r = zero();
    for (size_t i = 0; i < W; ++i) if (i < n) r.v[i] = p[i];
    return r;
  }
  static void store(T* p, const R& r) {
    for (size_t i = 0; i < W; ++i) p[i] = r.v[i];
  }
  static void store_part(T* p, const R& r, Mask n) {
    for (size_t i = 0; i < W; ++i) if (i < n) p[i] = r.v[i];
  }
  static R set1(T x) {
    R r;
    for (size_t i = 0; i < W; ++i) r.v[i] = x;
    return r;
  }
  static R bcast(const T* p) { return set1(*p); }
  static R fma(const R& a, const R& b, const R& c) {
    R r;
    for (size_t i = 0; i < W; ++i) r.v[i] = a.v[i] * b.v[i] + c.v[i];
    return r;
  }
  static R mul(const R& a, const R& b) {
    R r;
    for (size_t i = 0; i < W; ++i) r.v[i] = a.v[i] * b.v[i];
    return r;
  }
  static R add(const R& a, const R& b) {
    R r;
    for (size_t i = 0; i < W; ++i) r.v[i] = a.v[i] + b.v[i];
    return r;
  }
  static Mask mask(size_t n) { return n; }
  static void prefetch(const void*) {}
};

}  // namespace
}  // namespace gemm_kernels
}  // namespace ck
