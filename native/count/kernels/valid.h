#pragma once
// Reading an Arrow validity bitmap (kernels.h's Valid) a word at a time: the kernels AND
// the in-range bits of 64 elements (the ISA's compares, as the per-row bit stream makes
// them) with the same 64 bits of the bitmap, so one bitmap load masks 64 lanes whatever
// the ISA's vector width. Included by the per-ISA translation units only (see scalar.h).
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "../kernels.h"
#include "bits.h"

namespace ck {
namespace {

// Bits [i, i + len) of the bitmap as a word (bit j = bit i + j), len <= 64. Reads only the
// bytes holding those bits: the bitmap may end with the last of them.
inline uint64_t valid_word(const uint8_t* bits, size_t i, size_t len) {
  if (len == 0) return 0;
  const size_t byte = i / 8, shift = i % 8, bytes = (shift + len + 7) / 8;  // at most 9
  uint64_t w = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  std::memcpy(&w, bits + byte, bytes < 8 ? bytes : 8);
#else
  for (size_t k = 0; k < bytes && k < 8; ++k) w |= static_cast<uint64_t>(bits[byte + k]) << (8 * k);
#endif
  w >>= shift;
  if (bytes == 9) w |= static_cast<uint64_t>(bits[byte + 8]) << (64 - shift);
  return w & low_bits(len);
}

inline uint64_t valid_word(const Valid& v, size_t i, size_t len) { return valid_word(v.bits, v.first + i, len); }

inline bool present(const Valid& v, size_t i) {
  const size_t k = v.first + i;
  return (v.bits[k / 8] >> (k % 8)) & 1;
}

// The bitmap of the elements from the k-th on.
inline Valid advance(const Valid& v, size_t k) { return Valid{v.bits, v.first + k}; }

// "Every element is present": the no-bitmap instantiation of a kernel written for both.
struct AllValid {};
inline bool present(const AllValid&, size_t) { return true; }
inline uint64_t valid_word(const AllValid&, size_t, size_t) { return ~uint64_t(0); }
inline AllValid advance(const AllValid& v, size_t) { return v; }

// Index of the lowest set bit of a non-zero word.
inline unsigned lowest_bit(uint64_t w) {
#if defined(__GNUC__) || defined(__clang__)
  return static_cast<unsigned>(__builtin_ctzll(w));
#else
  unsigned j = 0;
  for (; (w & 1) == 0; w >>= 1) ++j;
  return j;
#endif
}

}  // namespace
}  // namespace ck
