#pragma once
// Builds one ISA's CountTable from its pieces, for every element type.
#include "../kernels.h"
#include "hist.h"
#include "span.h"

namespace ck {
namespace {

// Lanes<T>: span.h's lanes per element type; Binner: hist.h's vector bin indices (or none).
template <template <class> class Lanes, class Binner, class T>
constexpr CountKernels<T> kernels_of() {
  return {&count_span<Lanes<T>>, &count_rows<Lanes<T>>, &hist_span<Binner, T>};
}

template <template <class> class Lanes, class Binner = NoSimdBins>
constexpr CountTable make_table(const char* isa) {
  return {isa,
          kernels_of<Lanes, Binner, int8_t>(),
          kernels_of<Lanes, Binner, uint8_t>(),
          kernels_of<Lanes, Binner, int16_t>(),
          kernels_of<Lanes, Binner, uint16_t>(),
          kernels_of<Lanes, Binner, int32_t>(),
          kernels_of<Lanes, Binner, uint32_t>(),
          kernels_of<Lanes, Binner, int64_t>(),
          kernels_of<Lanes, Binner, uint64_t>(),
          kernels_of<Lanes, Binner, float>(),
          kernels_of<Lanes, Binner, double>()};
}

}  // namespace
}  // namespace ck
