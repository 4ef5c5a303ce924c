#pragma once

namespace ck {

// Instruction-set levels a kernel may be built for, weakest first; wasm (SIMD128) is the
// WebAssembly build's only level (native/wasm/) and never detected on a native CPU.
enum class Isa { generic = 0, neon = 1, avx2 = 2, avx512 = 3, wasm = 4 };

const char* isa_name(Isa isa);

// The best level this CPU and OS support, capped by COREKERNELS_ISA when it names a
// weaker one (so every path can be tested on one machine). Read once, then cached.
Isa active_isa();

// True when COREKERNELS_ISA names a level this CPU supports: that level then runs
// everything, whatever runtime/tuning.h's row says.
bool isa_forced();

// True when the CPU and OS support `isa` (independent of COREKERNELS_ISA).
bool isa_supported(Isa isa);

// F16C (half <-> float conversions; runtime/half.cc). Every AVX2 CPU shipped has it, but the
// avx2 level does not check it, so it is asked for on its own. False off x86-64.
bool cpu_has_f16c();

}  // namespace ck
