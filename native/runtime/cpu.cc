#include "cpu.h"

#include <cstdlib>
#include <cstring>
#include <initializer_list>

#if defined(__x86_64__) || defined(_M_X64)
#include <cpuid.h>
#endif

namespace ck {
namespace {

#if defined(__x86_64__) || defined(_M_X64)
unsigned long long xgetbv0() {
  unsigned eax, edx;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (static_cast<unsigned long long>(edx) << 32) | eax;
}

Isa detect() {
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return Isa::generic;
  const bool fma = c & (1u << 12), osxsave = c & (1u << 27), avx = c & (1u << 28);
  if (!(fma && osxsave && avx)) return Isa::generic;
  const unsigned long long xcr0 = xgetbv0();
  if ((xcr0 & 0x6) != 0x6) return Isa::generic;  // the OS must save XMM and YMM state
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return Isa::generic;
  const bool avx2 = b & (1u << 5);
  if (!avx2) return Isa::generic;
  const bool avx512 = (b & (1u << 16)) && (b & (1u << 17)) && (b & (1u << 30)) && (b & (1u << 31));
  if (avx512 && (xcr0 & 0xe6) == 0xe6) return Isa::avx512;  // opmask and ZMM state saved too
  return Isa::avx2;
}
#elif defined(__aarch64__)
Isa detect() { return Isa::neon; }  // Advanced SIMD is mandatory on AArch64
#else
Isa detect() { return Isa::generic; }
#endif

// On first use, not at static initialisation: other files' initialisers ask for it too
// (runtime/tuning.cc), in an order C++ leaves open.
Isa detected() {
  static const Isa isa = detect();
  return isa;
}

#if defined(__x86_64__) || defined(_M_X64)
bool detect_f16c() {
  unsigned a, b, c, d;
  // F16C works on YMM registers: it needs the OS to save them, as the avx2 level checks.
  return __get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 29)) && (c & (1u << 27)) && (c & (1u << 28)) &&
         (xgetbv0() & 0x6) == 0x6;
}
#else
bool detect_f16c() { return false; }
#endif

// The level COREKERNELS_ISA names, when this CPU supports it; unknown or unsupported names
// leave the best level in place.
bool env_isa(Isa& out) {
  const char* want = std::getenv("COREKERNELS_ISA");
  if (want == nullptr || *want == '\0') return false;
  for (Isa isa : {Isa::generic, Isa::neon, Isa::avx2, Isa::avx512}) {
    if (std::strcmp(want, isa_name(isa)) == 0 && isa_supported(isa)) {
      out = isa;
      return true;
    }
  }
  return false;
}

Isa from_env(Isa best) {
  Isa isa = best;
  env_isa(isa);
  return isa;
}

}  // namespace

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::generic: return "generic";
    case Isa::neon: return "neon";
    case Isa::avx2: return "avx2";
    case Isa::avx512: return "avx512";
    case Isa::wasm: return "wasm";
  }
  return "generic";
}

bool isa_supported(Isa isa) {
  if (isa == Isa::generic) return true;
  if (isa == Isa::neon) return detected() == Isa::neon;
  if (detected() == Isa::neon) return false;
  return static_cast<int>(isa) <= static_cast<int>(detected());
}

bool cpu_has_f16c() {
  static const bool f16c = detect_f16c();
  return f16c;
}

Isa active_isa() {
  static const Isa isa = from_env(detected());
  return isa;
}

bool isa_forced() {
  static const bool forced = [] {
    Isa isa;
    return env_isa(isa);
  }();
  return forced;
}

}  // namespace ck
