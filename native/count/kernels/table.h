#pragma once
// Builds one ISA's CountTable from its lanes template (Lanes<T> for every element type).
#include "../kernels.h"
#include "hist.h"
#include "span.h"

namespace ck {
namespace {

template <template <class> class Lanes, class T>
constexpr CountKernels<T> kernels_of() {
  return {&count_span<Lanes<T>>, &count_rows<Lanes<T>>, &hist_span<T>};
}

template <template <class> class Lanes>
constexpr CountTable make_table(const char* isa) {
  return {isa,
          kernels_of<Lanes, int8_t>(),
          kernels_of<Lanes, uint8_t>(),
          kernels_of<Lanes, int16_t>(),
          kernels_of<Lanes, uint16_t>(),
          kernels_of<Lanes, int32_t>(),
          kernels_of<Lanes, uint32_t>(),
          kernels_of<Lanes, int64_t>(),
          kernels_of<Lanes, uint64_t>(),
          kernels_of<Lanes, float>(),
          kernels_of<Lanes, double>()};
}

}  // namespace
}  // namespace ck
