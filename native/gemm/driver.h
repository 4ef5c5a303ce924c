#pragma once
#include "../runtime/exec.h"
#include "gemm.h"
#include "kernels/kernel.h"

namespace ck {

// gemm() on one given kernel table: what gemm() runs with the active ISA's table, and what
// the native tests run with every table the CPU supports.
template <class T>
void gemm_with(const gemm_kernels::Kernels<T>& kern, const GemmArgs<T>& g, const Exec& ex);

// gemm_half's packed path on one kernel table and one set of conversions: A and B widened as
// they are packed, C narrowed as each chunk of it is final. Only for shapes the table packs
// (plan.h's packs()), with k > 0 and alpha != 0; bit for bit the float32 GEMM of the
// widened operands, rounded once.
void gemm_half_packed(const gemm_kernels::Kernels<float>& kern, const HalfConvert& cvt, const HalfGemmArgs& h, const Exec& ex);

// gemm_half() on one given kernel table and set of conversions (half_gemm.cc): the packed
// path where the table packs, otherwise (small m or n, k == 0, alpha == 0) the operands
// widened once and gemm_with.
void gemm_half_with(const gemm_kernels::Kernels<float>& kern, const HalfConvert& cvt, const HalfGemmArgs& h, const Exec& ex);

}  // namespace ck
