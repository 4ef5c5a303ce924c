// Chooses the kernel tables once, from the CPU features cpu.cc detected, capped by the CPU's
// tuning row (runtime/tuning.h; COREKERNELS_ISA forces a level instead).
#include "../../runtime/tuning.h"
#include "kernel.h"

namespace ck {
namespace gemm_kernels {

const KernelTables* tables_for(Isa isa) {
  if (!isa_supported(isa)) return nullptr;
  switch (isa) {
    case Isa::generic: return &generic_tables();
#if defined(__x86_64__) || defined(_M_X64)
    case Isa::avx2: return &avx2_tables();
    case Isa::avx512: return &avx512_tables();
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
    case Isa::neon: return &neon_tables();
#endif
    default: return nullptr;
  }
}

namespace {

const KernelTables& choose() {
  for (int level = static_cast<int>(tuned_isa(cpu_tuning().gemm_bits)); level > 0; --level) {
    if (const KernelTables* t = tables_for(static_cast<Isa>(level))) return *t;
  }
  return generic_tables();
}

}  // namespace

const KernelTables& active_tables() {
  static const KernelTables& tables = choose();
  return tables;
}

}  // namespace gemm_kernels
}  // namespace ck
