#pragma once
#include <cstddef>
#include <cstdint>

#include "../../runtime/cpu.h"

// The contract between the blocking loops (written once) and the code compiled per
// instruction set. Everything an ISA provides goes through one table of function pointers,
// filled in the ISA's own translation unit, so only that file needs the ISA's compiler flags.
namespace ck {
namespace gemm_kernels {

// One operand of a block product, element (r, c) of the logical matrix.
// Packed A: MR-high panels, panel q holding rows [q·MR, q·MR + MR) as k columns of MR values.
// Packed B: NR-wide panels, panel q holding columns [q·NR, q·NR + NR) as k rows of NR values.
// Both are zero padded to whole panels. Direct: ptr[r·rs + c·cs] in the caller's memory; a
// direct B must have cs == 1 (its rows are read as vectors).
template <class T>
struct Operand {
  const T* ptr = nullptr;
  size_t rs = 0, cs = 0;
  bool packed = false;
};

// C[m×n] = alpha·A[m×k]·B[k×n] + beta·C over one depth block. beta == 0 never reads C.
// Either both operands are packed or both are direct.
template <class T>
struct BlockArgs {
  size_t m = 0, n = 0, k = 0;
  Operand<T> a, b;
  T* c = nullptr;
  size_t ldc = 0;
  T alpha = 1, beta = 0;
};

// Cache-blocking defaults for one ISA and element type, expressed as the share of each
// cache level a block should fill, so they scale with the caches the OS reports.
struct BlockShares {
  double kc_l1;  // KC×NR micro-panel of B as a share of L1 (kernels that keep it there),
  double kc_l2;  //   or of L2 (kernels that stream it from L2 with prefetch); the larger wins
  double mc_l2;  // MC×KC block of A as a share of L2
  double nc_l3;  // the B block staged for one region as a share of L3
};

template <class T>
struct Kernels {
  Isa isa;
  const char* name;  // e.g. "avx512 f64 14x16"
  size_t mr, nr;     // register tile of the micro-kernel
  BlockShares shares;
  void (*block)(const BlockArgs<T>& g);
  // Packs op(X)'s rows [0, m) × depth [0, k) (element (r, p) at x[r·rs + p·cs]) into panels.
  void (*pack_a)(const T* a, size_t rs, size_t cs, size_t m, size_t k, T* dst);
  // Packs depth [0, k) × columns [0, n) (element (p, j) at b[p·rs + j·cs]) into panels.
  void (*pack_b)(const T* b, size_t rs, size_t cs, size_t k, size_t n, T* dst);
  // The same panels read from halves (Float16Array bits) and widened as they are packed by
  // `widen`, a span conversion of runtime/half.h that the caller chose (F16C, AVX-512, NEON
  // or portable: F16C is a CPU feature of its own, which an AVX2 table cannot assume).
  // Float32 tables only; nullptr in float64 ones.
  using HalfWiden = void (*)(const uint16_t* src, size_t n, float* dst);
  void (*pack_a_half)(const uint16_t* a, size_t rs, size_t cs, size_t m, size_t k, HalfWiden widen, T* dst);
  void (*pack_b_half)(const uint16_t* b, size_t rs, size_t cs, size_t k, size_t n, HalfWiden widen, T* dst);
};

// One ISA's tables for both element types.
struct KernelTables {
  const Kernels<float>* f32;
  const Kernels<double>* f64;
};

// Defined in kernels/<isa>.cc; only the ISAs this target compiles are declared usable by
// select.cc. Whether the CPU can run one is checked there (isa_supported).
const KernelTables& generic_tables();
const KernelTables& avx2_tables();
const KernelTables& avx512_tables();
const KernelTables& neon_tables();
const KernelTables& wasm_tables();  // the WebAssembly build's only tables (native/wasm/)

// The tables for `isa`, or nullptr when this build lacks it or the CPU cannot run it.
const KernelTables* tables_for(Isa isa);
// The tables for active_isa() (falling back to weaker ones), chosen once per process.
const KernelTables& active_tables();

template <class T>
const Kernels<T>& pick(const KernelTables& t);
template <>
inline const Kernels<float>& pick<float>(const KernelTables& t) { return *t.f32; }
template <>
inline const Kernels<double>& pick<double>(const KernelTables& t) { return *t.f64; }

}  // namespace gemm_kernels
}  // namespace ck
