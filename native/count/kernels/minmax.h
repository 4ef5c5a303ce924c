#pragma once
// Least and greatest element of a span, skipping NaN: the same C++ in every ISA file, which
// each compiles with its own flags, so the lanes below become that ISA's vectors. Included
// by the per-ISA translation units only (see scalar.h on the unnamed namespace).
#include <cstddef>
#include <cstdint>

#include "prefetch.h"
#include "span.h"
#include "valid.h"

namespace ck {
namespace {

// The widest vector this translation unit's flags allow: lanes wider than the ISA's
// registers get scalarised (GCC 12 split 64-byte lanes into vminsd under AVX2).
#if defined(__AVX512F__)
constexpr size_t kMinMaxVecBytes = 64;
#elif defined(__AVX__)
constexpr size_t kMinMaxVecBytes = 32;
#else
constexpr size_t kMinMaxVecBytes = 16;  // SSE2, NEON, WebAssembly SIMD128
#endif

// Folds p[0..n) into lo and hi (MinMax<T>::none() to start). "x < m ? x : m" is false for
// NaN, so NaN never enters; it is also exactly x86's MINPD and a compare-and-select
// elsewhere. The lanes are GCC/Clang vector extensions, which each ISA file's flags lower
// to its own registers (the plain loop was not vectorised without fast-math). Four
// independent chains per step hide the compare latency. As count_span: the loads start at a
// 64-byte boundary and a 256-byte step (AVX-512) prefetches its line a page ahead.
template <class T>
void minmax_span(const T* p, size_t n, T& lo, T& hi) {
#if defined(_MSC_VER) && !defined(__clang__)
  // MSVC has no vector extensions: the plain loop (untested here; see the README on Windows).
  for (size_t i = 0; i < n; ++i) {
    lo = p[i] < lo ? p[i] : lo;
    hi = p[i] > hi ? p[i] : hi;
  }
#else
  typedef T V __attribute__((vector_size(kMinMaxVecBytes)));
  constexpr size_t L = kMinMaxVecBytes / sizeof(T), K = 4;
  V mn[K], mx[K];
  for (size_t k = 0; k < K; ++k) mn[k] = V{} + lo, mx[k] = V{} + hi;
  size_t i = 0;
  for (const size_t lead = min_size(to_alignment(p), n); i < lead; ++i) {
    lo = p[i] < lo ? p[i] : lo;
    hi = p[i] > hi ? p[i] : hi;
  }
  for (; i + K * L <= n; i += K * L) {
    if constexpr (K * L * sizeof(T) >= 256) prefetch_ahead(p + i);
    for (size_t k = 0; k < K; ++k) {
      V a;  // no vector crosses a call: that would tie the lanes to an ABI (-Wpsabi)
      __builtin_memcpy(&a, p + i + k * L, sizeof a);
      mn[k] = a < mn[k] ? a : mn[k];
      mx[k] = a > mx[k] ? a : mx[k];
    }
  }
  for (size_t k = 0; k < K; ++k)
    for (size_t j = 0; j < L; ++j) {
      lo = mn[k][j] < lo ? mn[k][j] : lo;
      hi = mx[k][j] > hi ? mx[k][j] : hi;
    }
  for (; i < n; ++i) {
    lo = p[i] < lo ? p[i] : lo;
    hi = p[i] > hi ? p[i] : hi;
  }
#endif
}

// minmax_span over the present elements: runs of whole bitmap words with every bit set go
// through the vector fold, the elements of other words one by one.
template <class T>
void minmax_valid_span(const T* p, size_t n, T& lo, T& hi, Valid v) {
  auto full = [&](size_t i) {
    const size_t len = n - i < 64 ? n - i : 64;
    return valid_word(v, i, len) == low_bits(len);
  };
  for (size_t i = 0; i < n;) {
    if (full(i)) {
      size_t j = i + 64;
      while (j < n && full(j)) j += 64;
      j = j < n ? j : n;
      minmax_span(p + i, j - i, lo, hi);
      i = j;
      continue;
    }
    const size_t len = n - i < 64 ? n - i : 64;
    for (uint64_t w = valid_word(v, i, len); w != 0; w &= w - 1) {
      const T x = p[i + lowest_bit(w)];
      lo = x < lo ? x : lo;
      hi = x > hi ? x : hi;
    }
    i += len;
  }
}

}  // namespace
}  // namespace ck
