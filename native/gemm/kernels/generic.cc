// Portable micro-kernels in plain C++: the reference the SIMD kernels are tested against,
// and the path for CPUs without a dedicated kernel (or COREKERNELS_ISA=generic).
#include "kernel.h"
#include "lanes.h"
#include "microkernel.h"

namespace ck {
namespace gemm_kernels {
namespace {

// 4×4 f64 and 4×8 f32 tiles: eight SSE2-sized accumulators, so even the x86-64 baseline
// keeps them in its 16 registers.
constexpr BlockShares kShares{0.5, 0, 0.3, 0.25};
constexpr Kernels<double> kF64 = make_kernels<Lanes<double, 4>, 4, 1>(Isa::generic, "generic f64", kShares);
constexpr Kernels<float> kF32 = make_kernels<Lanes<float, 4>, 4, 2>(Isa::generic, "generic f32", kShares);
constexpr KernelTables kTables{&kF32, &kF64};

}  // namespace

const KernelTables& generic_tables() { return kTables; }

}  // namespace gemm_kernels
}  // namespace ck
