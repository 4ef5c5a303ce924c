#pragma once
// Builds one ISA's CountTable from its pieces, for every element type.
#include "../kernels.h"
#include "hist.h"
#include "hist_weighted.h"
#include "columns.h"
#include "minmax.h"
#include "span.h"

namespace ck {
namespace {

// The ISA-wide pieces that do not depend on the element type: hist.h's vector bin indices
// (Bins) and the per-row counts from the bit stream (row_fields). Portable by default.
struct PortableIsa {
  using Bins = NoSimdBins;
  static void row_fields(const uint64_t* w, size_t a, size_t count, size_t width, uint32_t* out) {
    popcount_fields(w, a, count, width, out);
  }
};

// Lanes<T>: span.h's lanes per element type.
template <template <class> class Lanes, class Isa, class T>
constexpr CountKernels<T> kernels_of() {
  return {&count_span<Lanes<T>>, &count_rows<Lanes<T>, Isa>, &hist_span<typename Isa::Bins, T>, &minmax_span<T>,
          &hist_weighted_span<typename Isa::Bins, T, double>, &hist_weighted_span<typename Isa::Bins, T, float>,
          &count_columns<Lanes<T>>, &count_valid_span<Lanes<T>>, &count_rows_valid<Lanes<T>, Isa>,
          &count_columns_valid<Lanes<T>>, &hist_valid_span<typename Isa::Bins, T>, &minmax_valid_span<T>,
          &count_rows_plain<Lanes<T>, Isa>};
}

template <template <class> class Lanes, class Isa = PortableIsa>
constexpr CountTable make_table(const char* isa) {
  return {isa,
          kernels_of<Lanes, Isa, int8_t>(),
          kernels_of<Lanes, Isa, uint8_t>(),
          kernels_of<Lanes, Isa, int16_t>(),
          kernels_of<Lanes, Isa, uint16_t>(),
          kernels_of<Lanes, Isa, int32_t>(),
          kernels_of<Lanes, Isa, uint32_t>(),
          kernels_of<Lanes, Isa, int64_t>(),
          kernels_of<Lanes, Isa, uint64_t>(),
          kernels_of<Lanes, Isa, float>(),
          kernels_of<Lanes, Isa, double>(),
          std::is_same_v<typename Isa::Bins, NoSimdBins> ? HistCounters::copies : HistCounters::pairs};
}

}  // namespace
}  // namespace ck
