// The WebAssembly engine's allocator: the TS side's input and output buffers and the
// drivers' operator new (scratch, vectors) come from one first-fit free list over the
// memory above the stack, grown with memory.grow when nothing fits. Blocks are 64-byte
// aligned (cache lines, and the drivers' aligned scratch), free neighbours merge, and a
// spin lock guards the list so that threads sharing the memory can allocate too.
//
// Why not wasi-libc's malloc: Debian's wasi-libc is built without the atomics feature, and
// wasm-ld refuses such objects in a module with a shared memory.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <new>

#include "heap.h"

extern "C" unsigned char __heap_base;  // set by wasm-ld: the first byte above data and stack

namespace ck {
namespace {

constexpr uint64_t kPage = 65536;
constexpr size_t kAlign = 64;
// The block header is one alignment unit, so payloads stay aligned.
constexpr size_t kHeader = kAlign;
// The last page is never used: a block ending at 4 GiB would have an end address of 0.
constexpr uint64_t kLimit = (uint64_t{1} << 32) - kPage;

struct Block {
  uint64_t size;  // bytes, header included; a multiple of kAlign
  Block* next;    // free blocks only, in address order
};

Block* free_list = nullptr;
uint64_t heap_end = 0;  // 0: not yet set up
std::atomic<bool> locked{false};

struct Lock {
  Lock() {
    while (locked.exchange(true, std::memory_order_acquire)) {
    }
  }
  ~Lock() { locked.store(false, std::memory_order_release); }
};

uint64_t address(const void* p) { return reinterpret_cast<uintptr_t>(p); }
uint64_t end_of(const Block* b) { return address(b) + b->size; }

// Puts [b, b + b->size) on the free list, merging it with free neighbours.
void insert(Block* b) {
  Block* prev = nullptr;
  Block* next = free_list;
  while (next != nullptr && address(next) < address(b)) {
    prev = next;
    next = next->next;
  }
  if (next != nullptr && end_of(b) == address(next)) {
    b->size += next->size;
    next = next->next;
  }
  b->next = next;
  if (prev != nullptr && end_of(prev) == address(b)) {
    prev->size += b->size;
    prev->next = next;
  } else if (prev != nullptr) {
    prev->next = b;
  } else {
    free_list = b;
  }
}

// Adds at least `need` bytes at the top of the heap (fewer when the last free block already
// reaches the top). False when the memory cannot grow that far.
bool grow(uint64_t need) {
  if (heap_end == 0) {
    const uint64_t base = (address(&__heap_base) + kAlign - 1) / kAlign * kAlign;
    heap_end = __builtin_wasm_memory_size(0) * kPage;
    if (heap_end > base + kHeader) {
      Block* b = reinterpret_cast<Block*>(static_cast<uintptr_t>(base));
      b->size = heap_end - base;
      insert(b);
    } else {
      heap_end = base;
    }
  }
  Block* tail = free_list;
  while (tail != nullptr && tail->next != nullptr) tail = tail->next;
  const uint64_t have = tail != nullptr && end_of(tail) == heap_end ? tail->size : 0;
  if (need <= have) return true;
  const uint64_t top = (heap_end + (need - have) + kPage - 1) / kPage * kPage;
  if (top > kLimit) return false;
  const uint64_t pages = (top - __builtin_wasm_memory_size(0) * kPage) / kPage;
  if (pages > 0 && __builtin_wasm_memory_grow(0, static_cast<size_t>(pages)) == static_cast<size_t>(-1)) return false;
  Block* b = reinterpret_cast<Block*>(static_cast<uintptr_t>(heap_end));
  b->size = top - heap_end;
  heap_end = top;
  insert(b);
  return true;
}

void* take(uint64_t need) {
  for (Block** link = &free_list; *link != nullptr; link = &(*link)->next) {
    Block* b = *link;
    if (b->size < need) continue;
    if (b->size - need >= 2 * kHeader) {
      Block* rest = reinterpret_cast<Block*>(static_cast<uintptr_t>(address(b) + need));
      rest->size = b->size - need;
      rest->next = b->next;
      *link = rest;
      b->size = need;
    } else {
      *link = b->next;
    }
    return reinterpret_cast<unsigned char*>(b) + kHeader;
  }
  return nullptr;
}

}  // namespace

void* heap_alloc(size_t bytes) {
  const uint64_t need = (uint64_t{bytes} + kAlign - 1) / kAlign * kAlign + kHeader;
  if (need > kLimit) return nullptr;
  Lock lock;
  if (void* p = take(need)) return p;
  if (!grow(need)) return nullptr;
  return take(need);
}

void heap_free(void* p) {
  if (p == nullptr) return;
  Lock lock;
  insert(reinterpret_cast<Block*>(static_cast<unsigned char*>(p) - kHeader));
}

}  // namespace ck

// The drivers' operator new: without exceptions a failed allocation cannot be reported to a
// caller that expects std::bad_alloc, so it traps, and the TS side turns the trap into an error.
namespace {
void* must_alloc(size_t bytes) {
  void* p = ck::heap_alloc(bytes);
  if (p == nullptr) __builtin_trap();
  return p;
}
}  // namespace

void* operator new(size_t bytes) { return must_alloc(bytes); }
void* operator new[](size_t bytes) { return must_alloc(bytes); }
// Every block is 64-byte aligned, which is all the drivers ask for.
void* operator new(size_t bytes, std::align_val_t al) {
  if (static_cast<size_t>(al) > 64) __builtin_trap();
  return must_alloc(bytes);
}
void* operator new[](size_t bytes, std::align_val_t al) { return operator new(bytes, al); }
void operator delete(void* p) noexcept { ck::heap_free(p); }
void operator delete[](void* p) noexcept { ck::heap_free(p); }
void operator delete(void* p, size_t) noexcept { ck::heap_free(p); }
void operator delete[](void* p, size_t) noexcept { ck::heap_free(p); }
void operator delete(void* p, std::align_val_t) noexcept { ck::heap_free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { ck::heap_free(p); }
void operator delete(void* p, size_t, std::align_val_t) noexcept { ck::heap_free(p); }
void operator delete[](void* p, size_t, std::align_val_t) noexcept { ck::heap_free(p); }
