// Portable C++: the path on CPUs without a SIMD file here, and the reference the others
// are tested against (COREKERNELS_ISA=generic).
#include "scalar.h"
#include "table.h"

namespace ck {

const CountTable* count_table_generic() {
  static constexpr CountTable table = make_table<ScalarLanes>("generic");
  return &table;
}

}  // namespace ck
