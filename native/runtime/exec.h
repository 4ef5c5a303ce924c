#pragma once
#include <cstddef>

#include "cancel.h"

namespace ck {

// How one kernel call may run: how many threads it may use and what can cancel it.
struct Exec {
  unsigned threads = 1;
  const CancelToken* cancel = nullptr;
  bool cancelled() const noexcept { return cancel != nullptr && cancel->cancelled(); }
};

}  // namespace ck
