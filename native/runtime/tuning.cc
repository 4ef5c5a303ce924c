#include "tuning.h"

#include <cstdlib>
#include <cstring>
#include <initializer_list>

#if defined(__x86_64__) || defined(_M_X64)
#include <cpuid.h>
#endif

namespace ck {

namespace {

constexpr unsigned kWidest = 512;  // no cap
constexpr uint32_t kPage = 4096;   // the hardware prefetchers stop at 4 KiB pages (prefetch.h)

}  // namespace

// One row per CPU family. Measured: intel-spr only (Xeon family 6 model 207, 2 vCPUs under
// KVM, bench/native/count-rows.cc): the plain per-row loop beat the bit stream on 8..300
// float64 columns, in the AVX-512 and the AVX2 tables alike (16 columns, 1 thread: 6.7 vs
// 6.0 and 5.4 GB/s), so the x86 rows count rows plainly. amd-zen4 follows the figures of
// issue 14 (an EPYC Zen 4: AVX2 counts beat AVX-512 ones, 512-bit loads read ~10% slower
// on one core, a plain C per-row loop ran 2.2x the bit stream); zen3 and zen5 take Zen 4's
// choices. Rows no one measured keep their instruction set's defaults. Histogram pair
// tables (33 KiB) only where the L1d holds them beside the data's stream: 48 KiB on
// Sapphire Rapids (measured) and Ice Lake server (not measured); every 32 KiB core, Zen 4
// included, and the fallbacks keep the copies. A new family is one row here, above the
// fallbacks.
const Tuning kTuningRows[] = {
    // name, vendor, family, models, needs;
    //   count_bits, hist_bits, hist, rows, prefetch_bytes, gemm_bits, gemv_bits
    {"intel-spr", Vendor::intel, 6, {{143, 143}, {207, 207}}, Isa::avx512,
     kWidest, kWidest, HistPath::pairs, RowPath::plain, kPage, kWidest, kWidest},
    {"intel-icx", Vendor::intel, 6, {{106, 106}, {108, 108}}, Isa::avx512,
     kWidest, kWidest, HistPath::pairs, RowPath::plain, kPage, kWidest, kWidest},
    {"intel-skx", Vendor::intel, 6, {{85, 85}}, Isa::avx512,
     kWidest, kWidest, HistPath::copies, RowPath::plain, kPage, kWidest, kWidest},
    // Haswell, Broadwell, Skylake..Comet Lake, Alder, Raptor and Meteor Lake clients.
    {"intel-client-avx2", Vendor::intel, 6,
     {{0x3c, 0x5e}, {0x8e, 0x8e}, {0x9e, 0x9e}, {0xa5, 0xa6}, {0x97, 0x9a}, {0xaa, 0xac}, {0xb7, 0xbf}}, Isa::avx2,
     256, 256, HistPath::copies, RowPath::plain, kPage, 256, 256},
    // Zen 4 (Genoa, Raphael, Phoenix, Bergamo): AVX-512 on 256-bit units.
    {"amd-zen4", Vendor::amd, 25, {{0x10, 0x1f}, {0x60, 0x7f}, {0xa0, 0xaf}}, Isa::avx512,
     256, kWidest, HistPath::copies, RowPath::plain, kPage, kWidest, 256},
    {"amd-zen3", Vendor::amd, 25, {}, Isa::avx2,
     256, 256, HistPath::copies, RowPath::plain, kPage, 256, 256},
    {"amd-zen5", Vendor::amd, 26, {}, Isa::avx2,
     256, kWidest, HistPath::copies, RowPath::plain, kPage, kWidest, 256},
    {"arm64-generic", Vendor::arm, 0, {}, Isa::neon,
     kWidest, kWidest, HistPath::copies, RowPath::bits, kPage, kWidest, kWidest},
    // Fallbacks by instruction set, for CPUs no row above names.
    {"x86-avx512", Vendor::any, 0, {}, Isa::avx512,
     kWidest, kWidest, HistPath::copies, RowPath::plain, kPage, kWidest, kWidest},
    {"x86-avx2", Vendor::any, 0, {}, Isa::avx2,
     kWidest, kWidest, HistPath::copies, RowPath::plain, kPage, kWidest, kWidest},
    {"generic", Vendor::any, 0, {}, Isa::generic,
     kWidest, kWidest, HistPath::copies, RowPath::bits, kPage, kWidest, kWidest},
};
const size_t kTuningRowCount = sizeof(kTuningRows) / sizeof(kTuningRows[0]);

namespace {

unsigned width_of(Isa isa) {
  switch (isa) {
    case Isa::avx512: return 512;
    case Isa::avx2: return 256;
    case Isa::neon:
    case Isa::wasm: return 128;
    case Isa::generic: return 0;
  }
  return 0;
}

// The level order of cpu.h puts neon below avx2: "at least" compares within an architecture.
bool at_least(Isa have, Isa need) {
  if (need == Isa::generic) return true;
  if ((have == Isa::neon) != (need == Isa::neon)) return false;
  return static_cast<int>(have) >= static_cast<int>(need);
}

bool matches(const Tuning& row, const CpuId& id, Isa best) {
  if (row.vendor != Vendor::any && row.vendor != id.vendor) return false;
  if (row.family != 0 && row.family != id.family) return false;
  bool any_range = false, in_range = false;
  for (const Models& m : row.models) {
    if (m.lo > m.hi) continue;
    any_range = true;
    in_range |= id.model >= m.lo && id.model <= m.hi;
  }
  return (!any_range || in_range) && at_least(best, row.needs);
}

CpuId detect_id() {
  CpuId id;
#if defined(__x86_64__) || defined(_M_X64)
  unsigned a, b, c, d;
  if (!__get_cpuid(0, &a, &b, &c, &d)) return id;
  char vendor[13];
  std::memcpy(vendor, &b, 4);
  std::memcpy(vendor + 4, &d, 4);
  std::memcpy(vendor + 8, &c, 4);
  vendor[12] = '\0';
  if (std::strcmp(vendor, "GenuineIntel") == 0) id.vendor = Vendor::intel;
  else if (std::strcmp(vendor, "AuthenticAMD") == 0) id.vendor = Vendor::amd;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return id;
  const unsigned base_family = (a >> 8) & 0xf, base_model = (a >> 4) & 0xf;
  id.family = base_family == 0xf ? base_family + ((a >> 20) & 0xff) : base_family;
  id.model = base_family == 0x6 || base_family == 0xf ? base_model + (((a >> 16) & 0xf) << 4) : base_model;
#elif defined(__aarch64__) || defined(_M_ARM64)
  id.vendor = Vendor::arm;
#endif
  return id;
}

const Tuning& choose() {
  const char* want = std::getenv("COREKERNELS_CPU");
  if (want != nullptr && *want != '\0')
    if (const Tuning* row = tuning_named(want)) return *row;
  Isa best = Isa::generic;
  for (Isa isa : {Isa::avx512, Isa::avx2, Isa::neon})
    if (isa_supported(isa)) {
      best = isa;
      break;
    }
  return tuning_for(detect_id(), best);
}

}  // namespace

const Tuning& tuning_for(const CpuId& id, Isa best) {
  for (size_t i = 0; i < kTuningRowCount; ++i)
    if (matches(kTuningRows[i], id, best)) return kTuningRows[i];
  return kTuningRows[kTuningRowCount - 1];
}

const Tuning* tuning_named(const char* name) {
  for (size_t i = 0; i < kTuningRowCount; ++i)
    if (std::strcmp(kTuningRows[i].name, name) == 0) return &kTuningRows[i];
  return nullptr;
}

const Tuning& cpu_tuning() {
  static const Tuning& row = choose();
  return row;
}

Isa tuned_isa(unsigned bits) {
  if (isa_forced()) return active_isa();
  for (Isa isa : {Isa::avx512, Isa::avx2, Isa::neon})
    if (isa_supported(isa) && width_of(isa) <= bits) return isa;
  return Isa::generic;
}

const uintptr_t kCpuPrefetchBytes = cpu_tuning().prefetch_bytes;

}  // namespace ck
