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

template <class T>
Plan make_plan(const gemm_kernels::Kernels<T>& kern, const GemmArgs<T>& g, unsigned threads);

}  // namespace ck
