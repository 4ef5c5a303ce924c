#pragma once
#include <cstddef>

#include "../runtime/exec.h"
#include "../runtime/half.h"

namespace ck {

// C = alpha·op(A)·op(B) + beta·C, all row-major (the TS layer maps col-major onto this by
// swapping operands). op(A) is m×k, op(B) is k×n. beta == 0 never reads C.
template <class T>
struct GemmArgs {
  size_t m = 0, n = 0, k = 0;
  bool trans_a = false, trans_b = false;
  T alpha = 1, beta = 0;
  const T* a = nullptr;
  size_t lda = 0;
  const T* b = nullptr;
  size_t ldb = 0;
  T* c = nullptr;
  size_t ldc = 0;
};

template <class T>
void gemm(const GemmArgs<T>& g, const Exec& ex);

// Half operands (Float16Array): the float32 GEMM of op(A) and op(B) widened (float32
// accumulation), with C either float32 (c32) or halves (c16, each rounded once, to nearest
// even, from the float32 result). g holds the shapes, leading dimensions, alpha and beta;
// its pointers are unused. A and B are widened as they are packed (half_gemm.cc); scratch:
// a float32 C when C is halves, and float32 copies of A and B for products too small in m
// or n to pack.
struct HalfGemmArgs {
  GemmArgs<float> g;
  const half* a = nullptr;
  const half* b = nullptr;
  half* c16 = nullptr;
  float* c32 = nullptr;
};
void gemm_half(const HalfGemmArgs& h, const Exec& ex);

extern template void gemm<float>(const GemmArgs<float>&, const Exec&);
extern template void gemm<double>(const GemmArgs<double>&, const Exec&);

}  // namespace ck
