#pragma once
#include <cstddef>

namespace ck {

// 64-byte aligned blocks from the module's memory (heap.cc); nullptr when it cannot grow.
void* heap_alloc(size_t bytes);
void heap_free(void* p);

}  // namespace ck
