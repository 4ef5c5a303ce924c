#pragma once
#include <cstddef>

#include "../runtime/exec.h"
#include "gemm.h"
#include "kernels/kernel.h"

namespace ck {

// BLAS strided batched gemm: C_i = alpha·op(A_i)·op(B_i) + beta·C_i for i < batch, where
// matrix i of X starts at x + i·stride_x (stride 0: the same matrix for every i). `g` holds
// the shape, the options and matrix 0, as for gemm(). The C matrices must not overlap one
// another (the TS layer and the binding refuse a stride_c that would make them).
template <class T>
struct BatchArgs {
  GemmArgs<T> g;
  size_t batch = 0;
  size_t stride_a = 0, stride_b = 0, stride_c = 0;
};

template <class T>
void gemm_batch(const BatchArgs<T>& b, const Exec& ex);

// gemm_batch() on one given kernel table (the native tests run every table the CPU has).
template <class T>
void gemm_batch_with(const gemm_kernels::Kernels<T>& kern, const BatchArgs<T>& b, const Exec& ex);

// A stack of half products (half_batch.cc): A and B halves, C halves (c16) or float32 (c32),
// strides in elements; h.g holds the shape, options and leading dimensions (its pointers are
// unused). Bit for bit gemm_batch<float> on the widened operands, C rounded once.
struct HalfBatchArgs {
  HalfGemmArgs h;
  size_t batch = 0;
  size_t stride_a = 0, stride_b = 0, stride_c = 0;
};
void gemm_batch_half(const HalfBatchArgs& b, const Exec& ex);
void gemm_batch_half_with(const gemm_kernels::Kernels<float>& kern, const HalfConvert& cvt, const HalfBatchArgs& b,
                          const Exec& ex);

extern template void gemm_batch<float>(const BatchArgs<float>&, const Exec&);
extern template void gemm_batch<double>(const BatchArgs<double>&, const Exec&);

}  // namespace ck
