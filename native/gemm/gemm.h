#pragma once
#include <cstddef>

#include "../runtime/exec.h"

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

extern template void gemm<float>(const GemmArgs<float>&, const Exec&);
extern template void gemm<double>(const GemmArgs<double>&, const Exec&);

}  // namespace ck
