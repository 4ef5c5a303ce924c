#pragma once
#include "../runtime/exec.h"
#include "gemm.h"
#include "kernels/kernel.h"

namespace ck {

// gemm() on one given kernel table: what gemm() runs with the active ISA's table, and what
// the native tests run with every table the CPU supports.
template <class T>
void gemm_with(const gemm_kernels::Kernels<T>& kern, const GemmArgs<T>& g, const Exec& ex);

}  // namespace ck
