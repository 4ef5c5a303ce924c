// Chooses the gemv kernels' ISA once: the CPU's tuning row's (runtime/tuning.h), capped by
// what it runs; COREKERNELS_ISA forces a level instead.
#include "../runtime/cpu.h"
#include "../runtime/tuning.h"
#include "kernels.h"

namespace ck {
namespace {

const GemvTable& choose() {
  const GemvTable* t = nullptr;
  const Isa isa = tuned_isa(cpu_tuning().gemv_bits);
  switch (isa) {
    case Isa::avx512: t = gemv_table_avx512(); break;
    case Isa::avx2: t = gemv_table_avx2(); break;
    case Isa::neon: t = gemv_table_neon(); break;
    case Isa::generic:
    case Isa::wasm: break;  // only in the WebAssembly build, which has its own choice
  }
  // A level this build has no file for (avx512 without an AVX-512 compiler) falls back one
  // step, then to portable C++.
  if (t == nullptr && isa == Isa::avx512) t = gemv_table_avx2();
  if (t == nullptr) return *gemv_table_generic();
  if (t != gemv_table_avx2() || cpu_has_f16c()) return *t;
  // An AVX2 CPU without F16C (none shipped, but a hypervisor may hide it): portable halves.
  static GemvTable without_f16c = *t;
  without_f16c.f16 = gemv_table_generic()->f16;
  return without_f16c;
}

}  // namespace

const GemvTable& gemv_table() {
  static const GemvTable& table = choose();
  return table;
}

}  // namespace ck
