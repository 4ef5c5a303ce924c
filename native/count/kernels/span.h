#pragma once
// Range counts written once against a "lanes" type L (scalar.h, and one per ISA):
//
//   L::Elem                 the element type T
//   L::N                    elements per vector (1 for scalar)
//   L::kMaxSteps            increments a counter lane holds before it must be flushed
//   L::bounds(lo, hi)       the range prepared once per call (broadcasts, sign tricks)
//   L::test(p, b)           which of p[0..N) are in range (a vector mask or a k-mask)
//   L::zero(), L::add(acc, mask), L::sum(acc)
//                           lane counters: +1 where the mask is set; the total of all lanes
//   L::word(p, b)           bit i set iff p[i] is in range, for the 64 elements p[0..64)
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "bits.h"
#include "prefetch.h"
#include "scalar.h"
#include "valid.h"

namespace ck {
namespace {

template <class L>
using ElemOf = typename L::Elem;

// Elements from p to the next 64-byte boundary. Loads from there on never straddle cache
// lines: a Float64Array's data usually sits 16 bytes into a page, and split loads cost
// ~15% of the streaming rate.
template <class T>
size_t to_alignment(const T* p) {
  return ((64 - reinterpret_cast<uintptr_t>(p) % 64) % 64) / sizeof(T);
}

// Not std::min: an out-of-line copy of a std template instantiated here could be the one
// the linker keeps for the whole addon (see scalar.h), built with this ISA's flags.
inline size_t min_size(size_t a, size_t b) { return a < b ? a : b; }

template <class T>
uint64_t scalar_bits(const T* p, size_t n, const ScalarBounds<T>& b) {
  uint64_t w = 0;
  for (size_t j = 0; j < n; ++j) w |= static_cast<uint64_t>(b.test(p[j])) << j;
  return w;
}

// Four independent counters per step so that loads, not the add chain, are the limit;
// the lanes are flushed into the 64-bit total before they can wrap (every 255 steps for
// 8-bit lanes).
template <class L>
uint64_t count_span(const ElemOf<L>* p, size_t n, ElemOf<L> lo, ElemOf<L> hi) {
  using T = ElemOf<L>;
  constexpr size_t kStep = 4 * L::N;
  const auto b = L::bounds(lo, hi);
  const ScalarBounds<T> sb(lo, hi);
  uint64_t total = 0;
  size_t i = 0;
  for (const size_t lead = min_size(to_alignment(p), n); i < lead; ++i) total += sb.test(p[i]);
  while (n - i >= kStep) {
    const size_t left = (n - i) / kStep;
    const size_t steps = left < L::kMaxSteps ? left : static_cast<size_t>(L::kMaxSteps);
    auto a0 = L::zero(), a1 = a0, a2 = a0, a3 = a0;
    for (size_t s = 0; s < steps; ++s, i += kStep) {
      // One prefetch per 256-byte step (AVX-512): 1 GiB f64 totals went from 13.1 to 14.1
      // GB/s on one core. One per 128-byte AVX2 step cost more than it gained (14.0 -> 12.9).
      if constexpr (kStep * sizeof(T) >= 256) prefetch_ahead(p + i);
      a0 = L::add(a0, L::test(p + i, b));
      a1 = L::add(a1, L::test(p + i + L::N, b));
      a2 = L::add(a2, L::test(p + i + 2 * L::N, b));
      a3 = L::add(a3, L::test(p + i + 3 * L::N, b));
    }
    total += L::sum(a0) + L::sum(a1) + L::sum(a2) + L::sum(a3);
  }
  auto a = L::zero();  // at most three more vectors: no flush needed
  for (; n - i >= L::N; i += L::N) a = L::add(a, L::test(p + i, b));
  total += L::sum(a);
  for (; i < n; ++i) total += sb.test(p[i]);
  return total;
}

// count_span over the present elements only: 64 elements' in-range bits at a time (the
// ISA's compares), ANDed with the bitmap's 64 bits and popcounted.
template <class L>
uint64_t count_valid_span(const ElemOf<L>* p, size_t n, ElemOf<L> lo, ElemOf<L> hi, Valid v) {
  const auto b = L::bounds(lo, hi);
  const ScalarBounds<ElemOf<L>> sb(lo, hi);
  uint64_t total = 0;
  size_t i = 0;
  for (; n - i >= 64; i += 64) {
    const auto* at = reinterpret_cast<const unsigned char*>(p + i);
    for (size_t line = 0; line < 64 * sizeof(*p); line += 64) prefetch_ahead(at + line);
    total += popcount64(L::word(p + i, b) & valid_word(v, i, 64));
  }
  return total + popcount64(scalar_bits(p + i, n - i, sb) & valid_word(v, i, n - i));
}

// Rows at least this long are counted one by one with count_span; shorter ones go through
// the bit stream below, which has no per-row setup at all.
constexpr size_t kLongRow = 512;
// Elements turned into bits between row flushes: 512, with the data prefetched 4 KiB ahead
// of the loads. Measured on AVX-512 against 256/1024/2048-element blocks with and without
// prefetch: 1 GiB of 16-wide f64 rows streams at the rate of a plain total count (8.3 GB/s
// without the prefetch), and 200000 5-wide int32 rows (L3-resident) stay within 5% of the
// best block size for them.
constexpr size_t kBlockWords = 8;


// Per-row counts without per-row call overhead: the block's elements become a bit stream
// (one bit per element, 64 per word, in SIMD), then each finished row is a popcount over
// its bit range (Isa::row_fields, several narrow rows a vector where the ISA can). Bits of
// a row that straddles blocks are carried to the next block.
// V is AllValid, or a Valid bitmap whose bits are ANDed into the stream.
template <class L, class Isa, class V>
void count_rows_masked(const ElemOf<L>* p, size_t rows, size_t cols, ElemOf<L> lo, ElemOf<L> hi, uint32_t* out, V v) {
  if (cols == 0) {
    for (size_t r = 0; r < rows; ++r) out[r] = 0;
    return;
  }
  if (cols >= kLongRow) {
    for (size_t r = 0; r < rows; ++r) {
      if constexpr (std::is_same_v<V, AllValid>) out[r] = static_cast<uint32_t>(count_span<L>(p + r * cols, cols, lo, hi));
      else out[r] = static_cast<uint32_t>(count_valid_span<L>(p + r * cols, cols, lo, hi, advance(v, r * cols)));
    }
    return;
  }
  // Carried bits (< cols + 64) + one block + a partial word + the word popcount_range may
  // read past the end.
  uint64_t buf[(kLongRow + 63) / 64 + 1 + kBlockWords + 2];
  const auto b = L::bounds(lo, hi);
  const ScalarBounds<ElemOf<L>> sb(lo, hi);
  const size_t n = rows * cols;
  // Element 0 sits at stream bit `s`, so that whole words start at 64-byte aligned elements;
  // the first `lead` elements fill the rest of word 0.
  const size_t lead = min_size(to_alignment(p), n), s = lead == 0 ? 0 : 64 - lead;
  size_t e = 0;     // elements turned into bits so far
  size_t base = 0;  // stream bit of buf bit 0; e + s - base is a multiple of 64 after the lead
  size_t r = 0;
  while (e < n) {
    const size_t w0 = (e + s - base) / 64;
    size_t take, used;
    if (e == 0 && s != 0) {
      take = lead;
      buf[0] = (scalar_bits(p, lead, sb) & valid_word(v, 0, lead)) << s;
      used = 1;
    } else {
      const size_t left = n - e;
      take = left < kBlockWords * 64 ? left : kBlockWords * 64;
      const size_t full = take / 64;
      for (size_t k = 0; k < full; ++k) {
        const auto* at = reinterpret_cast<const unsigned char*>(p + e + 64 * k);
        for (size_t line = 0; line < 64 * sizeof(*p); line += 64) prefetch_ahead(at + line);
        buf[w0 + k] = L::word(p + e + 64 * k, b) & valid_word(v, e + 64 * k, 64);
      }
      used = w0 + full;
      if (take % 64 != 0)
        buf[used++] = scalar_bits(p + e + 64 * full, take % 64, sb) & valid_word(v, e + 64 * full, take % 64);
    }
    buf[used] = 0;
    e += take;
    size_t done = r;  // rows that end within the bits so far (no division: a block ends few)
    while (done < rows && (done + 1) * cols <= e) ++done;
    Isa::row_fields(buf, r * cols + s - base, done - r, cols, out + r);
    r = done;
    if (r == rows) break;
    const size_t keep = (r * cols + s - base) / 64;  // the word holding the unfinished row's first bit
    if (keep != 0) {
      std::memmove(buf, buf + keep, (used - keep) * sizeof(uint64_t));
      base += keep * 64;
    }
  }
}

template <class L, class Isa>
void count_rows(const ElemOf<L>* p, size_t rows, size_t cols, ElemOf<L> lo, ElemOf<L> hi, uint32_t* out) {
  count_rows_masked<L, Isa>(p, rows, cols, lo, hi, out, AllValid{});
}

// Per-row counts row by row, for rows of V whole vectors (V = 0: as many as cols says) and
// up to a vector's worth of single elements after them: each vector's in-range lanes counted
// (L::count), the row's count stored at its end. The rows are read in order, so the data is
// prefetched a line at a time from a cursor that runs ahead of them.
template <class L, size_t V>
void rows_plain(const ElemOf<L>* p, size_t rows, size_t cols, ElemOf<L> lo, ElemOf<L> hi, uint32_t* out) {
  using T = ElemOf<L>;
  const auto b = L::bounds(lo, hi);
  const ScalarBounds<T> sb(lo, hi);
  const size_t vectors = V != 0 ? V : cols / L::N, singles = vectors * L::N;
  uintptr_t line = reinterpret_cast<uintptr_t>(p) / 64 * 64;
  for (size_t r = 0; r < rows; ++r) {
    const T* row = p + r * cols;
    for (const uintptr_t end = reinterpret_cast<uintptr_t>(row + cols); line < end; line += 64)
      prefetch_ahead(reinterpret_cast<const void*>(line));
    uint32_t c = 0;
    for (size_t j = 0; j < vectors; ++j) c += L::count(L::test(row + j * L::N, b));
    for (size_t j = singles; j < cols; ++j) c += sb.test(row[j]);
    out[r] = c;
  }
}

// count_rows with the plain per-row loop (rows_plain) for rows of one vector up to kLongRow
// elements; narrower rows go through the bit stream, which reads several rows per vector,
// and longer ones through count_span as there.
template <class L, class Isa>
void count_rows_plain(const ElemOf<L>* p, size_t rows, size_t cols, ElemOf<L> lo, ElemOf<L> hi, uint32_t* out) {
  if (cols < L::N || cols >= kLongRow) return count_rows<L, Isa>(p, rows, cols, lo, hi, out);
  switch (cols / L::N) {  // a whole number of vectors the compiler unrolls, for the usual widths
    case 1: return rows_plain<L, 1>(p, rows, cols, lo, hi, out);
    case 2: return rows_plain<L, 2>(p, rows, cols, lo, hi, out);
    case 3: return rows_plain<L, 3>(p, rows, cols, lo, hi, out);
    case 4: return rows_plain<L, 4>(p, rows, cols, lo, hi, out);
    default: return rows_plain<L, 0>(p, rows, cols, lo, hi, out);
  }
}

template <class L, class Isa>
void count_rows_valid(const ElemOf<L>* p, size_t rows, size_t cols, ElemOf<L> lo, ElemOf<L> hi, uint32_t* out, Valid v) {
  count_rows_masked<L, Isa>(p, rows, cols, lo, hi, out, v);
}

}  // namespace
}  // namespace ck
