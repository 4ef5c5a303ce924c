#pragma once
// Matrix-vector products (BLAS gemv, alpha 1, beta 0) on a dense row-major matrix.
#include <cstddef>

#include "../runtime/exec.h"
#include "../runtime/half.h"

namespace ck {

// y = A·x (trans false: x has cols elements, y rows) or y = Aᵀ·x (trans true: x has rows
// elements, y cols). A is rows×cols, row-major, its rows lda >= cols apart. y is overwritten
// and must not overlap A or x. A is read once, in row order, for both orientations. The
// result does not depend on ex.threads: how the work is cut depends on the shape only.
template <class T>
void gemv(const T* a, size_t rows, size_t cols, size_t lda, const T* x, bool trans, T* y, const Exec& ex);

// Halves (Float16Array): A and x are read as halves and widened in registers as the kernels
// load them; the sums are float32, formed exactly as gemv<float> forms them over the widened
// arrays (the same bits), into a float32 y, or rounded once into a half y at the end.
void gemv_half(const half* a, size_t rows, size_t cols, size_t lda, const half* x, bool trans, float* y, const Exec& ex);
void gemv_half(const half* a, size_t rows, size_t cols, size_t lda, const half* x, bool trans, half* y, const Exec& ex);

// Aᵀ·x is summed in blocks of this many rows, each into its own partial y, and the partials
// are then added in block order (gemv.cc says why). Exported so that an engine that stages A
// a block at a time (the WebAssembly one) can add up the same blocks in the same order.
size_t gemv_trans_block_rows(size_t rows, size_t cols, size_t elem_bytes);

}  // namespace ck
