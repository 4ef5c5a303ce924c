// Chooses the count kernels' ISA once, from runtime/cpu.h's active_isa().
#include "../runtime/cpu.h"
#include "kernels.h"

namespace ck {
namespace {

const CountTable& choose() {
  const CountTable* t = nullptr;
  switch (active_isa()) {
    case Isa::avx512: t = count_table_avx512(); break;
    case Isa::avx2: t = count_table_avx2(); break;
    case Isa::neon: t = count_table_neon(); break;
    case Isa::generic:
    case Isa::wasm: break;  // only in the WebAssembly build, which has its own select
  }
  // A level this build has no file for (e.g. avx512 without an AVX-512 compiler) falls back
  // one step, then to portable C++.
  if (t == nullptr && active_isa() == Isa::avx512) t = count_table_avx2();
  return t != nullptr ? *t : *count_table_generic();
}

}  // namespace

const CountTable& count_table() {
  static const CountTable& table = choose();
  return table;
}

}  // namespace ck
