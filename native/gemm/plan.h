#pragma once
#include <cstddef>

#include "gemm.h"
#include "kernels/kernel.h"

namespace ck {

// How one multiply is cut up. Everything that changes the arithmetic (the path and the
// depth blocking) depends on the shape and the machine only, never on the thread count,
// so results are bit-identical for any number of threads; threads only change the tiles.
struct Plan {
  bool packed = false;   // A and B packed into panels; otherwise both read in place
  bool stage_b = false;  // B goes through the shared staging buffer (panels, or rows of Bᵀ)
  size_t kc = 0;         // depth block
  size_t chunk = 0;      // columns staged as one unit (a multiple of NR)
  size_t region_n = 0;   // columns per region (a multiple of chunk, or all of n)
  size_t region_k = 0;   // depth per region (a multiple of kc, or all of k)
  size_t tiles_m = 1;    // row tiles per region, balanced in MR-row panels
  size_t tiles_n = 1;    // column tiles per region, balanced in chunks (or NR panels)
  size_t tile_rows = 0;  // most rows any tile has (a multiple of MR)
  unsigned threads = 1;
};

// Below this many flops a thread hop costs more than it saves. Measured on a 2-vCPU VM: a
// pool thread starts on a region ~40 us after it is woken, so a second thread pays off once
// the call would run ~50 us alone: ~4 MFLOP of f64 on AVX-512 (f32, twice as fast, crosses
// nearer 8 MFLOP; one figure for both costs it at most ~10% between the two).
inline constexpr double kInlineFlops = 4e6;

// Direct too (plan.cc's packs()): a product at most kSmallDirect in every dimension and at
// most twice the direct panels wide, where packing both operands costs as much as a fifth of
// the multiply. Measured on Sapphire Rapids (AVX-512 f64, m = n = k, best of 9 on a shared
// 2-vCPU VM, indicative): n = 96 22-24 vs 27-28 us, n = 128 54-60 vs 66-70 us, direct vs packed.
inline constexpr size_t kSmallDirect = 128;

// Whether a product with op(A) m rows, op(B) n columns and depth k packs both into panels;
// otherwise both are read in place (the direct path).
template <class T>
bool packs(const gemm_kernels::Kernels<T>& kern, size_t m, size_t n, size_t k);

template <class T>
Plan make_plan(const gemm_kernels::Kernels<T>& kern, const GemmArgs<T>& g, unsigned threads);

}  // namespace ck
