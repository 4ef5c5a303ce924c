#pragma once
// The matrix-vector kernels: the same C++ in every ISA file, which each compiles with its own
// flags, so the lanes below become that ISA's vectors (GCC/Clang vector extensions, as count's
// minmax.h does). Included by the per-ISA translation units only: the unnamed namespace gives
// each its own copy, compiled for its ISA.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "../kernels.h"

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

// y[r] = dot(row r, x) for R rows. Row r's sum is the same arithmetic whatever R is: its own
// kUnroll accumulators, added together, their lanes added in order, then the tail elements.
template <class T, size_t R>
inline void dot_group(const T* a, size_t lda, size_t cols, const T* x, T* y) {
  using V = typename Lanes<T>::V;
  constexpr size_t L = sizeof(V) / sizeof(T), step = kUnroll * L;
  V acc[R][kUnroll];
  for (size_t r = 0; r < R; ++r)
    for (size_t u = 0; u < kUnroll; ++u) acc[r][u] = V{};
  size_t j = 0;
  for (; j + step <= cols; j += step) {
    V xv[kUnroll];
    for (size_t u = 0; u < kUnroll; ++u) xv[u] = load<V>(x + j + u * L);
    for (size_t r = 0; r < R; ++r) {
      const T* row = a + r * lda + j;
      for (size_t b = 0; b < step * sizeof(T); b += 64) prefetch_row(reinterpret_cast<const char*>(row) + b);
      for (size_t u = 0; u < kUnroll; ++u) acc[r][u] += load<V>(row + u * L) * xv[u];
    }
  }
  for (size_t r = 0; r < R; ++r) {
    V s = acc[r][0];
    for (size_t u = 1; u < kUnroll; ++u) s += acc[r][u];
    T lanes[L];
    std::memcpy(lanes, &s, sizeof s);
    T t = lanes[0];
    for (size_t l = 1; l < L; ++l) t += lanes[l];
    for (size_t k = j; k < cols; ++k) t += a[r * lda + k] * x[k];
    y[r] = t;
  }
}

template <class T>
void dot_rows(const T* a, size_t lda, size_t rows, size_t cols, const T* x, T* y) {
  size_t r = 0;
  for (; r + kRowGroup <= rows; r += kRowGroup) dot_group<T, kRowGroup>(a + r * lda, lda, cols, x, y + r);
  for (; r < rows; ++r) dot_group<T, 1>(a + r * lda, lda, cols, x, y + r);
}

// y[j] += x[0]·a[0][j] + ... + x[R-1]·a[R-1][j], the products added in row order, then to y.
template <class T, size_t R>
inline void axpy_group(const T* a, size_t lda, size_t cols, const T* x, T* y) {
  using V = typename Lanes<T>::V;
  constexpr size_t L = sizeof(V) / sizeof(T), step = kUnroll * L;
  V xs[R];
  for (size_t r = 0; r < R; ++r) xs[r] = V{} + x[r];
  size_t j = 0;
  for (; j + step <= cols; j += step) {
    for (size_t r = 0; r < R; ++r)
      for (size_t b = 0; b < step * sizeof(T); b += 64) prefetch_row(reinterpret_cast<const char*>(a + r * lda + j) + b);
    for (size_t u = 0; u < kUnroll; ++u) {
      V t = load<V>(a + j + u * L) * xs[0];
      for (size_t r = 1; r < R; ++r) t += load<V>(a + r * lda + j + u * L) * xs[r];
      V yv = load<V>(y + j + u * L) + t;
      std::memcpy(y + j + u * L, &yv, sizeof yv);
    }
  }
  for (; j < cols; ++j) {
    T t = a[j] * x[0];
    for (size_t r = 1; r < R; ++r) t += a[r * lda + j] * x[r];
    y[j] += t;
  }
}

template <class T>
void axpy_rows(const T* a, size_t lda, size_t rows, size_t cols, const T* x, T* y) {
  size_t r = 0;
  for (; r + kRowGroup <= rows; r += kRowGroup) axpy_group<T, kRowGroup>(a + r * lda, lda, cols, x + r, y);
  for (; r < rows; ++r) axpy_group<T, 1>(a + r * lda, lda, cols, x + r, y);
}

template <class T>
constexpr GemvKernels<T> gemv_kernels_of() {
  return {&dot_rows<T>, &axpy_rows<T>};
}

constexpr GemvTable make_gemv_table(const char* isa) { return {isa, gemv_kernels_of<float>(), gemv_kernels_of<double>()}; }

}  // namespace
}  // namespace ck
