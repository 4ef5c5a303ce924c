#pragma once
#include <cstddef>
#include <new>

namespace ck {

// A cache-line-aligned array owned by one call (never a global: two multiplies at once
// must not share packing space). Allocation failure throws std::bad_alloc, which the job
// layer turns into a rejected promise.
template <class T>
class AlignedBuffer {
 public:
  static constexpr std::align_val_t kAlign{64};

  AlignedBuffer() = default;
  explicit AlignedBuffer(size_t count) {
    if (count == 0) return;
    if (count > static_cast<size_t>(-1) / sizeof(T)) throw std::bad_alloc();
    data_ = static_cast<T*>(::operator new(count * sizeof(T), kAlign));
  }
  ~AlignedBuffer() {
    if (data_ != nullptr) ::operator delete(data_, kAlign);
  }
  AlignedBuffer(const AlignedBuffer&) = delete;
  AlignedBuffer& operator=(const AlignedBuffer&) = delete;

  T* get() const { return data_; }

 private:
  T* data_ = nullptr;
};

}  // namespace ck
