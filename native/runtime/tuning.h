#pragma once
// Choices by measurement, per microarchitecture: one row of tuning.cc's table per CPU family
// (as BLIS keeps one configuration per family), picked once at load from the CPU's vendor,
// family and model. The kernels' selectors read the row; COREKERNELS_ISA still forces one
// instruction set for everything, and COREKERNELS_CPU=<row name> picks a row by name (so
// every row can be tested on one machine).
#include <cstddef>
#include <cstdint>

#include "cpu.h"

namespace ck {

// How the per-row counts run (count/select.cc maps it onto the count kernel table).
enum class RowPath : uint8_t {
  bits,   // a block of elements becomes a bit stream, each row a popcount of its bits
  plain,  // row by row: the row's vectors compared, their in-range lanes counted at its end
};

// How the histogram kernels bump their counters (count/select.cc maps it onto the count
// table's HistCounters): `pairs` counts two elements with one increment into four 65x65
// uint16 tables (33 KiB: measured 0.19 vs 0.39 ns an element on Sapphire Rapids, whose L1d is
// 48 KiB), where the histogram table's kernels have them; `copies` bumps interleaved copies
// of the counters, one increment an element (for 32 KiB L1d cores, which the pair tables
// would overflow).
enum class HistPath : uint8_t { copies, pairs };

enum class Vendor : uint8_t { any, intel, amd, arm };

// What cpuid says (family and model with their extended fields folded in, as vendors
// document them); vendor arm on AArch64, any elsewhere.
struct CpuId {
  Vendor vendor = Vendor::any;
  unsigned family = 0, model = 0;
};

// A model range, empty when lo > hi (the default, so a row lists only the ranges it needs).
struct Models {
  unsigned lo = 1, hi = 0;
};

struct Tuning {
  const char* name;
  // Which CPUs the row is for: vendor (any = every one), family (0 = any), model in one of
  // the ranges (none given = any), and at least this instruction set. Rows are tried in
  // order; the first that matches wins.
  Vendor vendor;
  unsigned family;
  Models models[8];
  Isa needs;
  // The choices. Widths cap the vector registers (bits) a kernel family uses: the widest
  // level this CPU runs that is no wider (avx512 512, avx2 256, neon 128, generic 0).
  unsigned count_bits;  // range counts, per row and column counts, min/max (count/select.cc)
  unsigned hist_bits;   // histograms, weighted or not (count/select.cc)
  HistPath hist;
  RowPath rows;
  uint32_t prefetch_bytes;  // how far ahead of the loads the streaming loops prefetch
  unsigned gemm_bits;       // matrix products (gemm/kernels/select.cc)
  unsigned gemv_bits;       // matrix-vector products (gemv/select.cc)
};

// The table, in match order (its last rows are the fallbacks by instruction set).
extern const Tuning kTuningRows[];
extern const size_t kTuningRowCount;

// This CPU's row (or COREKERNELS_CPU's), chosen once.
const Tuning& cpu_tuning();

// The row for `id` on a CPU whose best level is `best` (the table lookup alone, for tests).
const Tuning& tuning_for(const CpuId& id, Isa best);

// The row named `name`, or nullptr.
const Tuning* tuning_named(const char* name);

// The level a kernel family capped at `bits` runs: COREKERNELS_ISA's when set, else the
// widest this CPU supports within the cap.
Isa tuned_isa(unsigned bits);

// The prefetch distance of cpu_tuning(), for prefetch.h (read in the streaming loops).
extern const uintptr_t kCpuPrefetchBytes;

}  // namespace ck
