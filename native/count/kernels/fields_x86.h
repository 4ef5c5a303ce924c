#pragma once
// Per-row counts of narrow rows from the bit stream (bits.h's popcount_fields), several rows
// per vector: one 8-byte window broadcast, shifted per lane to each row's bits, masked, and
// popcounted through a nibble table (pshufb) summed per 64-bit lane (psadbw). AVX2: 4 rows
// of up to 14 bits per ymm; AVX-512: 8 rows of up to 7 bits per zmm. Wider rows, and the
// last few, take the scalar path.
#include <cstddef>
#include <cstdint>

#include "bits.h"
#include "x86.h"

namespace ck {
namespace {

inline __m256i nibble_popcounts256() {
  return _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
}

inline size_t fields4(const uint64_t* w, size_t a, size_t count, size_t width, uint32_t* out) {
  const long long s = static_cast<long long>(width);
  const __m256i shifts = _mm256_setr_epi64x(0, s, 2 * s, 3 * s);
  const __m256i mask = _mm256_set1_epi64x(static_cast<long long>(low_bits(width)));
  const __m256i lut = nibble_popcounts256(), low4 = _mm256_set1_epi8(0x0f);
  const __m256i even = _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6);
  size_t i = 0;
  for (; i + 4 <= count; i += 4, a += 4 * width) {
    const __m256i v = _mm256_set1_epi64x(static_cast<long long>(load_bytes8(w, a / 8) >> (a % 8)));
    const __m256i f = _mm256_and_si256(_mm256_srlv_epi64(v, shifts), mask);
    const __m256i nibbles = _mm256_add_epi8(_mm256_shuffle_epi8(lut, _mm256_and_si256(f, low4)),
                                            _mm256_shuffle_epi8(lut, _mm256_and_si256(_mm256_srli_epi64(f, 4), low4)));
    const __m256i c = _mm256_sad_epu8(nibbles, _mm256_setzero_si256());  // one count per 64-bit lane
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(c, even)));
  }
  return i;
}

#if defined(__AVX512BW__)
inline size_t fields8(const uint64_t* w, size_t a, size_t count, size_t width, uint32_t* out) {
  const long long s = static_cast<long long>(width);
  const __m512i shifts = _mm512_setr_epi64(0, s, 2 * s, 3 * s, 4 * s, 5 * s, 6 * s, 7 * s);
  const __m512i mask = _mm512_set1_epi64(static_cast<long long>(low_bits(width)));
  const __m512i lut = _mm512_broadcast_i64x4(nibble_popcounts256()), low4 = _mm512_set1_epi8(0x0f);
  size_t i = 0;
  for (; i + 8 <= count; i += 8, a += 8 * width) {
    const __m512i v = _mm512_set1_epi64(static_cast<long long>(load_bytes8(w, a / 8) >> (a % 8)));
    const __m512i f = _mm512_and_si512(_mm512_srlv_epi64(v, shifts), mask);  // < 128: the high nibble is in byte 0 too
    const __m512i c = _mm512_add_epi8(_mm512_shuffle_epi8(lut, _mm512_and_si512(f, low4)),
                                      _mm512_shuffle_epi8(lut, _mm512_srli_epi64(f, 4)));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), _mm512_cvtepi64_epi32(c));
  }
  return i;
}
#endif

// out[i] = the count of row i, rows `width` bits wide from bit a (see popcount_fields).
inline void row_fields_x86(const uint64_t* w, size_t a, size_t count, size_t width, uint32_t* out) {
  size_t done = 0;
#if defined(__AVX512BW__)
  if (width <= 7) done = fields8(w, a, count, width, out);  // 8 rows + 7 shift bits <= 64
  else
#endif
  if (width <= 14) done = fields4(w, a, count, width, out);  // 4 rows + 7 shift bits <= 64
  popcount_fields(w, a + done * width, count - done, width, out + done);
}

}  // namespace
}  // namespace ck
