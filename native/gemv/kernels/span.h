#pragma once
// The matrix-vector kernels: the same C++ in every ISA file, which each compiles with its own
// flags, so the lanes below become that ISA's vectors (GCC/Clang vector extensions, as count's
// minmax.h does). Included by the per-ISA translation units only: the unnamed namespace gives
// each its own copy, compiled for its ISA.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "../../runtime/half.h"
#include "../kernels.h"

#if (defined(__x86_64__) || defined(_M_X64)) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#elif defined(__aarch64__) && defined(__ARM_NEON)
#include <arm_neon.h>
#endif

namespace ck {
namespace {

// The widest vector this translation unit's flags allow (wider lanes would be scalarised).
#if defined(__AVX512F__)
constexpr size_t kGemvVecBytes = 64;
#elif defined(__AVX__)
constexpr size_t kGemvVecBytes = 32;
#else
constexpr size_t kGemvVecBytes = 16;  // SSE2, NEON, WebAssembly SIMD128
#endif

// Rows per pass: a dot product's x vectors are loaded once for four rows, and Aᵀ·x loads and
// stores its y vector once for four rows. Four row streams plus x (or y) stay well within
// what the hardware prefetchers track.
constexpr size_t kRowGroup = 4;
// Vectors per row per step: two independent accumulators per row hide the add latency.
constexpr size_t kUnroll = 2;
// The hardware prefetcher stops at 4 KiB page boundaries; a row's next lines are asked for
// this far ahead (the distance count's streaming loops use, measured there on one core).
constexpr uintptr_t kGemvPrefetchBytes = 4096;

#if defined(_MSC_VER) && !defined(__clang__)
// MSVC has no vector extensions: one element per "vector", i.e. the plain loops.
template <class T>
struct Lanes {
  using V = T;
};
#else
template <class T>
struct Lanes {
  typedef T V __attribute__((vector_size(kGemvVecBytes)));
};
#endif

// A hint only: prefetches never fault, and the address is formed as an integer, not as a
// pointer past the matrix.
inline void prefetch_row(const void* p) {
#if defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(reinterpret_cast<const void*>(reinterpret_cast<uintptr_t>(p) + kGemvPrefetchBytes));
#else
  (void)p;
#endif
}

// No vector crosses a call (that would tie the lanes to an ABI, -Wpsabi): loads and stores
// are memcpy, which compiles to plain unaligned vector moves.
template <class V, class T>
inline V load(const T* p) {
  V v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// Halves widened to a vector of floats in registers: AVX-512F's or F16C's vcvtph2ps (F16C
// where the file asks for it: kernels/avx2.cc), NEON's vcvt, else one lane at a time
// (SSE2, WebAssembly: no half conversions). Every path is exact, so a kernel over halves
// sums the very floats the float kernel would sum over the widened array.
template <class V>
inline V widen_halves(const half* p) {
  V v;
#if (defined(__x86_64__) || defined(_M_X64)) && (defined(__GNUC__) || defined(__clang__))
#if defined(__AVX512F__)
  if constexpr (sizeof(V) == 64) {  // the maskz form: GCC 12's plain one warns of an undefined source register
    const __m512 w = _mm512_maskz_cvtph_ps(0xffff, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
    std::memcpy(&v, &w, sizeof v);
    return v;
  }
#endif
#if defined(CK_GEMV_F16C)
  if constexpr (sizeof(V) == 32) {
    const __m256 w = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    std::memcpy(&v, &w, sizeof v);
    return v;
  }
#endif
#elif defined(__aarch64__) && defined(__ARM_NEON)
  if constexpr (sizeof(V) == 16) {
    const float32x4_t w = vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(&p->bits)));
    std::memcpy(&v, &w, sizeof v);
    return v;
  }
#endif
  float lanes[sizeof(V) / sizeof(float)];
  for (size_t l = 0; l < sizeof(V) / sizeof(float); ++l) lanes[l] = half_to_float(p[l].bits);
  std::memcpy(&v, lanes, sizeof v);
  return v;
}

// How a kernel reads its stored elements S as the type T it sums in: floats and doubles as
// they are, halves widened to float32 (vectors in registers, never a copy of the matrix).
template <class S>
struct Source {
  using T = S;
  template <class V>
  static V vec(const S* p) { return load<V>(p); }
  static T one(const S* p) { return *p; }
};
template <>
struct Source<half> {
  using T = float;
  template <class V>
  static V vec(const half* p) { return widen_halves<V>(p); }
  static T one(const half* p) { return half_to_float(p->bits); }
};

// y[r] = dot(row r, x) for R rows. Row r's sum is the same arithmetic whatever R is: its own
// kUnroll accumulators, added together, their lanes added in order, then the tail elements.
template <class S, size_t R, class T = typename Source<S>::T>
inline void dot_group(const S* a, size_t lda, size_t cols, const S* x, T* y) {
  using V = typename Lanes<T>::V;
  using Src = Source<S>;
  constexpr size_t L = sizeof(V) / sizeof(T), step = kUnroll * L;
  V acc[R][kUnroll];
  for (size_t r = 0; r < R; ++r)
    for (size_t u = 0; u < kUnroll; ++u) acc[r][u] = V{};
  size_t j = 0;
  for (; j + step <= cols; j += step) {
    V xv[kUnroll];
    for (size_t u = 0; u < kUnroll; ++u) xv[u] = Src::template vec<V>(x + j + u * L);
    for (size_t r = 0; r < R; ++r) {
      const S* row = a + r * lda + j;
      for (size_t b = 0; b < step * sizeof(S); b += 64) prefetch_row(reinterpret_cast<const char*>(row) + b);
      for (size_t u = 0; u < kUnroll; ++u) acc[r][u] += Src::template vec<V>(row + u * L) * xv[u];
    }
  }
  for (size_t r = 0; r < R; ++r) {
    V s = acc[r][0];
    for (size_t u = 1; u < kUnroll; ++u) s += acc[r][u];
    T lanes[L];
    std::memcpy(lanes, &s, sizeof s);
    T t = lanes[0];
    for (size_t l = 1; l < L; ++l) t += lanes[l];
    for (size_t k = j; k < cols; ++k) t += Src::one(a + r * lda + k) * Src::one(x + k);
    y[r] = t;
  }
}

template <class S, class T = typename Source<S>::T>
void dot_rows(const S* a, size_t lda, size_t rows, size_t cols, const S* x, T* y) {
  size_t r = 0;
  for (; r + kRowGroup <= rows; r += kRowGroup) dot_group<S, kRowGroup>(a + r * lda, lda, cols, x, y + r);
  for (; r < rows; ++r) dot_group<S, 1>(a + r * lda, lda, cols, x, y + r);
}

// y[j] += x[0]·a[0][j] + ... + x[R-1]·a[R-1][j], the products added in row order, then to y.
template <class S, size_t R, class T = typename Source<S>::T>
inline void axpy_group(const S* a, size_t lda, size_t cols, const S* x, T* y) {
  using V = typename Lanes<T>::V;
  using Src = Source<S>;
  constexpr size_t L = sizeof(V) / sizeof(T), step = kUnroll * L;
  V xs[R];
  for (size_t r = 0; r < R; ++r) xs[r] = V{} + Src::one(x + r);
  size_t j = 0;
  for (; j + step <= cols; j += step) {
    for (size_t r = 0; r < R; ++r)
      for (size_t b = 0; b < step * sizeof(S); b += 64) prefetch_row(reinterpret_cast<const char*>(a + r * lda + j) + b);
    for (size_t u = 0; u < kUnroll; ++u) {
      V t = Src::template vec<V>(a + j + u * L) * xs[0];
      for (size_t r = 1; r < R; ++r) t += Src::template vec<V>(a + r * lda + j + u * L) * xs[r];
      V yv = load<V>(y + j + u * L) + t;
      std::memcpy(y + j + u * L, &yv, sizeof yv);
    }
  }
  for (; j < cols; ++j) {
    T t = Src::one(a + j) * Src::one(x);
    for (size_t r = 1; r < R; ++r) t += Src::one(a + r * lda + j) * Src::one(x + r);
    y[j] += t;
  }
}

template <class S, class T = typename Source<S>::T>
void axpy_rows(const S* a, size_t lda, size_t rows, size_t cols, const S* x, T* y) {
  size_t r = 0;
  for (; r + kRowGroup <= rows; r += kRowGroup) axpy_group<S, kRowGroup>(a + r * lda, lda, cols, x + r, y);
  for (; r < rows; ++r) axpy_group<S, 1>(a + r * lda, lda, cols, x + r, y);
}

template <class S>
constexpr GemvKernels<S> gemv_kernels_of() {
  return {&dot_rows<S>, &axpy_rows<S>};
}

constexpr GemvTable make_gemv_table(const char* isa) {
  return {isa, gemv_kernels_of<float>(), gemv_kernels_of<double>(), gemv_kernels_of<half>()};
}

}  // namespace
}  // namespace ck
