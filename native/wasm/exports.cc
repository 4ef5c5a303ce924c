// The functions the TS engine (src/backends/wasm.ts) calls: the native drivers of gemm/ and
// count/ over the wasm ISA's kernel tables, on buffers the TS side allocated in this
// module's memory. Element types are passed as codes (ElemCode); bounds arrive in memory in
// the element's own type, so 64-bit integers need no BigInt crossing.
#include <cstddef>
#include <cstdint>

#include "../count/count.h"
#include "../count/kernels.h"
#include "../gemm/batch.h"
#include "../gemm/blocking.h"
#include "../gemm/gemm.h"
#include "../gemm/kernels/kernel.h"
#include "../gemv/gemv.h"
#include "../gemv/kernels.h"
#include "heap.h"

#define CK_EXPORT(name) extern "C" __attribute__((export_name(#name)))

namespace ck {

// The wasm build's only tables: what select.cc chooses among on a native CPU.
namespace gemm_kernels {
const KernelTables& active_tables() { return wasm_tables(); }
}  // namespace gemm_kernels
const CountTable& count_table() { return *count_table_wasm(); }
const GemvTable& gemv_table() { return *gemv_table_wasm(); }

namespace {

// Must match ELEM_CODES in src/backends/wasm.ts.
enum class ElemCode : uint32_t { i8, u8, i16, u16, i32, u32, i64, u64, f32, f64, f16 };

template <class F>
void visit(uint32_t code, F&& f) {
  switch (static_cast<ElemCode>(code)) {
    case ElemCode::i8: return f(int8_t{});
    case ElemCode::u8: return f(uint8_t{});
    case ElemCode::i16: return f(int16_t{});
    case ElemCode::u16: return f(uint16_t{});
    case ElemCode::i32: return f(int32_t{});
    case ElemCode::u32: return f(uint32_t{});
    case ElemCode::i64: return f(int64_t{});
    case ElemCode::u64: return f(uint64_t{});
    case ElemCode::f32: return f(float{});
    case ElemCode::f64: return f(double{});
    case ElemCode::f16: return f(half{});
  }
  __builtin_trap();
}

constexpr Exec kOneThread{};

template <class T>
GemmArgs<T> gemm_args(uint32_t m, uint32_t n, uint32_t k, uint32_t trans_a, uint32_t trans_b, const void* a, uint32_t lda,
                      const void* b, uint32_t ldb, void* c, uint32_t ldc, double alpha, double beta) {
  GemmArgs<T> g;
  g.m = m, g.n = n, g.k = k;
  g.trans_a = trans_a != 0, g.trans_b = trans_b != 0;
  g.alpha = static_cast<T>(alpha), g.beta = static_cast<T>(beta);
  g.a = static_cast<const T*>(a), g.lda = lda;
  g.b = static_cast<const T*>(b), g.ldb = ldb;
  g.c = static_cast<T*>(c), g.ldc = ldc;
  return g;
}

template <class T>
void run_gemm(uint32_t m, uint32_t n, uint32_t k, uint32_t trans_a, uint32_t trans_b, const void* a, uint32_t lda,
              const void* b, uint32_t ldb, void* c, uint32_t ldc, double alpha, double beta) {
  gemm(gemm_args<T>(m, n, k, trans_a, trans_b, a, lda, b, ldb, c, ldc, alpha, beta), kOneThread);
}

template <class T>
void run_gemm_batch(uint32_t batch, uint32_t m, uint32_t n, uint32_t k, uint32_t trans_a, uint32_t trans_b,
                    const void* a, uint32_t lda, uint32_t stride_a, const void* b, uint32_t ldb, uint32_t stride_b,
                    void* c, uint32_t ldc, uint32_t stride_c, double alpha, double beta) {
  BatchArgs<T> ba;
  ba.g = gemm_args<T>(m, n, k, trans_a, trans_b, a, lda, b, ldb, c, ldc, alpha, beta);
  ba.batch = batch, ba.stride_a = stride_a, ba.stride_b = stride_b, ba.stride_c = stride_c;
  gemm_batch(ba, kOneThread);
}

}  // namespace
}  // namespace ck

CK_EXPORT(ck_alloc) void* ck_alloc(size_t bytes) { return ck::heap_alloc(bytes); }
CK_EXPORT(ck_free) void ck_free(void* p) { ck::heap_free(p); }

// Runs the one-time setup (kernel tables, cache blocking) now, so no call races on it later.
CK_EXPORT(ck_init) void ck_init() {
  (void)ck::count_table();
  (void)ck::gemv_table();
  const ck::gemm_kernels::KernelTables& t = ck::gemm_kernels::active_tables();
  (void)ck::blocking_for(*t.f32);
  (void)ck::blocking_for(*t.f64);
}

// Row-major C = alpha·op(A)·op(B) + beta·C; `elem` is f32 or f64.
CK_EXPORT(ck_gemm) void ck_gemm(uint32_t elem, uint32_t m, uint32_t n, uint32_t k, uint32_t trans_a, uint32_t trans_b,
                                const void* a, uint32_t lda, const void* b, uint32_t ldb, void* c, uint32_t ldc,
                                double alpha, double beta) {
  if (static_cast<ck::ElemCode>(elem) == ck::ElemCode::f32)
    ck::run_gemm<float>(m, n, k, trans_a, trans_b, a, lda, b, ldb, c, ldc, alpha, beta);
  else
    ck::run_gemm<double>(m, n, k, trans_a, trans_b, a, lda, b, ldb, c, ldc, alpha, beta);
}

// Strided batched gemm: matrix i of A at a + i·stride_a elements (likewise B, C); `elem` is f32 or f64.
CK_EXPORT(ck_gemm_batch)
void ck_gemm_batch(uint32_t elem, uint32_t batch, uint32_t m, uint32_t n, uint32_t k, uint32_t trans_a, uint32_t trans_b,
                   const void* a, uint32_t lda, uint32_t stride_a, const void* b, uint32_t ldb, uint32_t stride_b, void* c,
                   uint32_t ldc, uint32_t stride_c, double alpha, double beta) {
  if (static_cast<ck::ElemCode>(elem) == ck::ElemCode::f32)
    ck::run_gemm_batch<float>(batch, m, n, k, trans_a, trans_b, a, lda, stride_a, b, ldb, stride_b, c, ldc, stride_c, alpha, beta);
  else
    ck::run_gemm_batch<double>(batch, m, n, k, trans_a, trans_b, a, lda, stride_a, b, ldb, stride_b, c, ldc, stride_c, alpha, beta);
}

// A stack of half products: A and B halves, C halves or (c_f32) float32; as ck_gemm_batch
// otherwise. Widened a run of products at a time into float32 scratch (gemm/half_batch.cc).
CK_EXPORT(ck_gemm_batch_half)
void ck_gemm_batch_half(uint32_t c_f32, uint32_t batch, uint32_t m, uint32_t n, uint32_t k, uint32_t trans_a, uint32_t trans_b,
                        const void* a, uint32_t lda, uint32_t stride_a, const void* b, uint32_t ldb, uint32_t stride_b, void* c,
                        uint32_t ldc, uint32_t stride_c, double alpha, double beta) {
  ck::HalfBatchArgs hb;
  hb.h.g = ck::gemm_args<float>(m, n, k, trans_a, trans_b, nullptr, lda, nullptr, ldb, nullptr, ldc, alpha, beta);
  hb.h.a = static_cast<const ck::half*>(a);
  hb.h.b = static_cast<const ck::half*>(b);
  if (c_f32 != 0) hb.h.c32 = static_cast<float*>(c);
  else hb.h.c16 = static_cast<ck::half*>(c);
  hb.batch = batch, hb.stride_a = stride_a, hb.stride_b = stride_b, hb.stride_c = stride_c;
  ck::gemm_batch_half(hb, ck::kOneThread);
}

// Halves (Float16Array) to float32 and back (rounded to nearest even): a half GEMM is the
// float32 one on operands widened once (src/backends/wasm-kernels.ts).
CK_EXPORT(ck_widen_half) void ck_widen_half(const uint16_t* src, size_t n, float* dst) { ck::half_convert().widen(src, n, dst); }
CK_EXPORT(ck_narrow_half) void ck_narrow_half(const float* src, size_t n, uint16_t* dst) {
  ck::half_convert().narrow(src, n, dst);
}

// bounds: [lo, hi] as two elements of the data's type, inclusive. valid: a validity
// bitmap over data[0..n) (count.h), or null for none; so for every export below.
CK_EXPORT(ck_count) double ck_count(uint32_t elem, const void* data, size_t n, const void* bounds, const uint8_t* valid) {
  double total = 0;
  ck::visit(elem, [&](auto tag) {
    using T = decltype(tag);
    const T* lh = static_cast<const T*>(bounds);
    total = static_cast<double>(ck::count_in_range(static_cast<const T*>(data), n, lh[0], lh[1], ck::kOneThread, valid));
  });
  return total;
}

namespace {
// Per-row (out: rows counts) or per-column (out: cols counts) counts, overwritten.
template <bool kByColumn>
void count_by_axis(uint32_t elem, const void* data, size_t rows, size_t cols, const void* bounds, uint32_t* out,
                   const uint8_t* valid) {
  ck::visit(elem, [&](auto tag) {
    using T = decltype(tag);
    const T* lh = static_cast<const T*>(bounds);
    const auto count = kByColumn ? &ck::count_by_column<T> : &ck::count_by_row<T>;
    count(static_cast<const T*>(data), rows, cols, lh[0], lh[1], out, ck::kOneThread, valid);
  });
}
}  // namespace

CK_EXPORT(ck_count_by_row)
void ck_count_by_row(uint32_t elem, const void* data, size_t rows, size_t cols, const void* bounds, uint32_t* out,
                     const uint8_t* valid) {
  count_by_axis<false>(elem, data, rows, cols, bounds, out, valid);
}

CK_EXPORT(ck_count_by_column)
void ck_count_by_column(uint32_t elem, const void* data, size_t rows, size_t cols, const void* bounds, uint32_t* out,
                        const uint8_t* valid) {
  count_by_axis<true>(elem, data, rows, cols, bounds, out, valid);
}

// Folds data[0..n) into out[0] (least) and out[1] (greatest), two elements of the data's
// type that the caller set (to the running values, or MinMax::none() to start).
CK_EXPORT(ck_min_max)
void ck_min_max(uint32_t elem, const void* data, size_t n, void* out, const uint8_t* valid) {
  ck::visit(elem, [&](auto tag) {
    using T = decltype(tag);
    T* lh = static_cast<T*>(out);
    const auto r = ck::min_max(static_cast<const T*>(data), n, ck::kOneThread, valid);
    const auto lo = ck::to_compute(lh[0]), hi = ck::to_compute(lh[1]);
    lh[0] = ck::from_compute<T>(r.lo < lo ? r.lo : lo);
    lh[1] = ck::from_compute<T>(r.hi > hi ? r.hi : hi);
  });
}

// lower: nbins thresholds and then the inclusive upper bound, all of the data's type.
CK_EXPORT(ck_histogram)
void ck_histogram(uint32_t elem, const void* data, size_t n, const void* lower, size_t nbins, double* out, double first,
                  double scale, const uint8_t* valid) {
  ck::visit(elem, [&](auto tag) {
    using T = decltype(tag);
    const T* l = static_cast<const T*>(lower);
    ck::histogram(static_cast<const T*>(data), n, l, nbins, l[nbins], out, ck::kOneThread, ck::BinGuess{first, scale},
                  valid);
  });
}

// y = A·x (trans 0) or Aᵀ·x (trans 1), A rows×cols row-major and packed; `elem` is f32, f64
// or f16 (A and x halves, read as such; y float32).
CK_EXPORT(ck_gemv)
void ck_gemv(uint32_t elem, uint32_t trans, size_t rows, size_t cols, const void* a, const void* x, void* y) {
  if (static_cast<ck::ElemCode>(elem) == ck::ElemCode::f16)
    ck::gemv_half(static_cast<const ck::half*>(a), rows, cols, cols, static_cast<const ck::half*>(x), trans != 0,
                  static_cast<float*>(y), ck::kOneThread);
  else if (static_cast<ck::ElemCode>(elem) == ck::ElemCode::f32)
    ck::gemv(static_cast<const float*>(a), rows, cols, cols, static_cast<const float*>(x), trans != 0, static_cast<float*>(y),
             ck::kOneThread);
  else
    ck::gemv(static_cast<const double*>(a), rows, cols, cols, static_cast<const double*>(x), trans != 0,
             static_cast<double*>(y), ck::kOneThread);
}

// One tile of a weighted histogram: out[0..nbins) = the sums of weights[0..n) (f32 when
// `weights_f32`, else f64) per bin, in element order (count.h's histogram_weighted with the
// whole span as its one tile); `lower` as for ck_histogram.
CK_EXPORT(ck_histogram_weighted)
void ck_histogram_weighted(uint32_t elem, const void* data, size_t n, const void* lower, size_t nbins, double* out,
                           double first, double scale, const void* weights, uint32_t weights_f32) {
  ck::visit(elem, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, ck::half>) {
      __builtin_trap();  // never called: TS widens half data to float32 before a weighted histogram
    } else {
      const T* l = static_cast<const T*>(lower);
      const size_t tile = n > 0 ? n : 1;
      if (weights_f32)
        ck::histogram_weighted(static_cast<const T*>(data), static_cast<const float*>(weights), n, l, nbins, l[nbins], out,
                               tile, ck::kOneThread, ck::BinGuess{first, scale});
      else
        ck::histogram_weighted(static_cast<const T*>(data), static_cast<const double*>(weights), n, l, nbins, l[nbins], out,
                               tile, ck::kOneThread, ck::BinGuess{first, scale});
    }
  });
}
