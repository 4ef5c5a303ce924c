#include "gemm.h"

#include "driver.h"

namespace ck {

template <class T>
void gemm(const GemmArgs<T>& g, const Exec& ex) {
  gemm_with(gemm_kernels::pick<T>(gemm_kernels::active_tables()), g, ex);
}

template void gemm<float>(const GemmArgs<float>&, const Exec&);
template void gemm<double>(const GemmArgs<double>&, const Exec&);

}  // namespace ck
