#pragma once
// Popcounts over a bit stream held in 64-bit words (bit j of word k is element 64k + j).
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace ck {
namespace {

inline unsigned popcount64(uint64_t x) {
#if defined(__GNUC__) || defined(__clang__)
  return static_cast<unsigned>(__builtin_popcountll(x));
#else
  x = x - ((x >> 1) & 0x5555555555555555ULL);
  x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
  x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
  return static_cast<unsigned>((x * 0x0101010101010101ULL) >> 56);
#endif
}

inline uint64_t low_bits(size_t n) { return n >= 64 ? ~uint64_t(0) : (uint64_t(1) << n) - 1; }

inline uint64_t load_bytes8(const uint64_t* w, size_t byte) {
  uint64_t v;
  std::memcpy(&v, reinterpret_cast<const unsigned char*>(w) + byte, sizeof v);
  return v;
}

// Set bits among bits [a, a + len) of `w`. The stream must have one readable word after
// the one holding bit a + len - 1 (the short-range path reads 8 bytes from bit a's byte).
inline uint64_t popcount_range(const uint64_t* w, size_t a, size_t len) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  if (len <= 57) {  // one unaligned 8-byte read covers it: bit a sits in byte a/8 at a%8
    return popcount64((load_bytes8(w, a / 8) >> (a % 8)) & low_bits(len));
  }
#endif
  size_t k = a / 64;
  const unsigned s = static_cast<unsigned>(a % 64);
  uint64_t c = 0;
  if (s != 0) {
    const size_t first = len < 64 - s ? len : 64 - s;
    c += popcount64((w[k++] >> s) & low_bits(first));
    len -= first;
  }
  for (; len >= 64; len -= 64) c += popcount64(w[k++]);
  if (len != 0) c += popcount64(w[k] & low_bits(len));
  return c;
}

// out[i] = set bits among bits [a + i * width, a + (i + 1) * width) for i < count: the
// per-row counts of rows `width` elements long. Narrow fields are read several to one
// unaligned 8-byte load (57 usable bits after the sub-byte shift), so a 5-wide row costs a
// shift, an and and a popcount. Same readable-word requirement as popcount_range.
inline void popcount_fields(const uint64_t* w, size_t a, size_t count, size_t width, uint32_t* out) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  if (width <= 28) {
    const size_t per_load = 57 / width;
    const uint64_t mask = low_bits(width);
    for (size_t i = 0; i < count;) {
      uint64_t v = load_bytes8(w, a / 8) >> (a % 8);
      const size_t n = count - i < per_load ? count - i : per_load;
      for (size_t j = 0; j < n; ++j, v >>= width) out[i + j] = popcount64(v & mask);
      i += n;
      a += n * width;
    }
    return;
  }
#endif
  for (size_t i = 0; i < count; ++i, a += width) out[i] = static_cast<uint32_t>(popcount_range(w, a, width));
}

}  // namespace
}  // namespace ck
