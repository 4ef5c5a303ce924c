#include "buffer.h"

namespace ck {
namespace {

constexpr std::align_val_t kAlign{64};
// Larger blocks are given back to the system rather than kept by the thread.
constexpr size_t kKeepAtMost = size_t{64} << 20;

void release(void* p) {
  if (p != nullptr) ::operator delete(p, kAlign);
}

// The one block this thread keeps between calls; freed when the thread exits.
struct Kept {
  void* data = nullptr;
  size_t bytes = 0;
  ~Kept() { release(data); }
};
thread_local Kept kept;

}  // namespace

Scratch::Scratch(size_t bytes) {
  if (bytes == 0) return;
  if (kept.data != nullptr && kept.bytes >= bytes) {
    data_ = kept.data;
    bytes_ = kept.bytes;
    kept = {};
    return;
  }
  data_ = ::operator new(bytes, kAlign);
  bytes_ = bytes;
}

Scratch::~Scratch() {
  if (data_ == nullptr) return;
  if (bytes_ <= kKeepAtMost && bytes_ > kept.bytes) {
    release(kept.data);
    kept.data = data_;
    kept.bytes = bytes_;
  } else {
    release(data_);
  }
}

}  // namespace ck
