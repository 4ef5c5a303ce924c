#pragma once
#include <cstddef>
#include <new>

namespace ck {

// Cache-line-aligned scratch memory owned by one call. Allocation failure throws
// std::bad_alloc, which the job layer turns into a rejected promise.
//
// Fresh pages cost the kernel a zeroing pass (several percent of a 512×512 multiply), so
// each thread keeps the block its last call released and hands it to its next call when it
// is big enough. A block belongs to exactly one call while in use — it leaves the thread's
// cache when taken — so two multiplies running at once never share packing space.
class Scratch {
 public:
  explicit Scratch(size_t bytes);
  ~Scratch();
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

  template <class T>
  T* as() const {
    return static_cast<T*>(data_);
  }

 private:
  void* data_ = nullptr;
  size_t bytes_ = 0;
};

}  // namespace ck
