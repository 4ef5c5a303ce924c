// Chooses the count kernels once: the instruction set, per-row path and histogram set of
// the CPU's tuning row (runtime/tuning.h), COREKERNELS_ISA forcing one level for all.
#include "../runtime/cpu.h"
#include "../runtime/tuning.h"
#include "kernels.h"

namespace ck {
namespace {

const CountTable& table_for(Isa isa) {
  const CountTable* t = nullptr;
  switch (isa) {
    case Isa::avx512: t = count_table_avx512(); break;
    case Isa::avx2: t = count_table_avx2(); break;
    case Isa::neon: t = count_table_neon(); break;
    case Isa::generic:
    case Isa::wasm: break;  // only in the WebAssembly build, which has its own select
  }
  // A level this build has no file for (e.g. avx512 without an AVX-512 compiler) falls back
  // one step, then to portable C++.
  if (t == nullptr && isa == Isa::avx512) t = count_table_avx2();
  return t != nullptr ? *t : *count_table_generic();
}

template <class T>
void tune(CountKernels<T>& k, const CountKernels<T>& hist, RowPath rows) {
  k.hist = hist.hist;
  k.hist_valid = hist.hist_valid;
  k.hist_w64 = hist.hist_w64;
  k.hist_w32 = hist.hist_w32;
  if (rows == RowPath::plain) k.rows = k.rows_plain;
}

// count_kernels<T> of a table this file owns, to write into.
template <class T>
CountKernels<T>& writable(CountTable& t) {
  return const_cast<CountKernels<T>&>(count_kernels<T>(t));
}

template <class... Ts>
void tune_all(CountTable& t, const CountTable& hist, RowPath rows) {
  (tune(writable<Ts>(t), count_kernels<Ts>(hist), rows), ...);
}

}  // namespace

CountTable tuned_count_table(const Tuning& row) {
  CountTable t = table_for(tuned_isa(row.count_bits));
  const CountTable& hist = table_for(tuned_isa(row.hist_bits));
  tune_all<int8_t, uint8_t, int16_t, uint16_t, int32_t, uint32_t, int64_t, uint64_t, float, double>(t, hist, row.rows);
  // Pair tables only where the histogram kernels in use have them and the row wants them.
  t.hist_counters = row.hist == HistPath::pairs ? hist.hist_counters : HistCounters::copies;
  return t;
}

const CountTable& count_table() {
  static const CountTable table = tuned_count_table(cpu_tuning());
  return table;
}

}  // namespace ck
