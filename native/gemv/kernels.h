#pragma once
// The per-ISA matrix-vector kernels behind gemv.cc's driver: one table of function pointers
// per instruction set, filled in that ISA's own translation unit (kernels/<isa>.cc, compiled
// with its flags), chosen once at load (select.cc).
#include <cstddef>

#include "../runtime/half.h"

namespace ck {

// S: the stored element of A and x; y holds T (float32 for halves, which are widened in
// registers as they are read and summed exactly as the float kernel sums the widened values).
template <class S, class T = compute_t<S>>
struct GemvKernels {
  // y[r] = dot(row r of a, x) for rows [0, rows), each row's cols elements lda apart. Every
  // row's sum is formed the same way whichever rows it is computed with.
  void (*dot_rows)(const S* a, size_t lda, size_t rows, size_t cols, const S* x, T* y);
  // y[0..cols) += sum over rows [0, rows) of x[r]·(row r of a), rows taken in order in groups
  // of a fixed size from the first one given.
  void (*axpy_rows)(const S* a, size_t lda, size_t rows, size_t cols, const S* x, T* y);
};

struct GemvTable {
  const char* isa;
  GemvKernels<float> f32;
  GemvKernels<double> f64;
  GemvKernels<half> f16;  // the avx2 table's needs F16C, which select.cc checks
};

// Each ISA's table, or nullptr when this build or architecture has no such path.
const GemvTable* gemv_table_generic();
const GemvTable* gemv_table_avx2();
const GemvTable* gemv_table_avx512();
const GemvTable* gemv_table_neon();
const GemvTable* gemv_table_wasm();  // the WebAssembly build's only table (native/wasm/)

// The table for active_isa() (COREKERNELS_ISA can force a weaker one), chosen once.
const GemvTable& gemv_table();

template <class T>
const GemvKernels<T>& gemv_kernels(const GemvTable& t);
template <>
inline const GemvKernels<float>& gemv_kernels<float>(const GemvTable& t) { return t.f32; }
template <>
inline const GemvKernels<double>& gemv_kernels<double>(const GemvTable& t) { return t.f64; }
template <>
inline const GemvKernels<half>& gemv_kernels<half>(const GemvTable& t) { return t.f16; }

}  // namespace ck
