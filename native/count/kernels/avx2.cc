// AVX2 range counts: 32-byte vectors, compare masks (-1 per lane) subtracted into lane
// counters of the element's width. Compiled with -mavx2 -mfma -mpopcnt; only called when
// the CPU and OS support AVX2 (runtime/cpu.cc).
#include "../kernels.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <climits>
#include <cstring>
#include <type_traits>

#include "fields_x86.h"
#include "lanes.h"
#include "table.h"
#include "x86.h"

namespace ck {
namespace {

inline uint64_t hsum64(__m256i v) {
  const __m128i s = _mm_add_epi64(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  return static_cast<uint64_t>(_mm_cvtsi128_si64(s)) + static_cast<uint64_t>(_mm_extract_epi64(s, 1));
}

// Lane-width operations (lanes.h): counters, their flush, the lane bitmask, and the
// integer range test (unsigned x - lo <= hi - lo, which serves signed and unsigned alike).
template <size_t Bytes>
struct Width;

// Counters: masks are -1 where in range, so acc - mask counts.
struct Counters {
  using Acc = __m256i;
  static Acc zero() { return _mm256_setzero_si256(); }
  static constexpr bool kJoin = false;
};

template <>
struct Width<1> : Counters {
  static constexpr size_t kLanes = 32;
  static constexpr uint64_t kMaxSteps = 255;
  static __m256i set1(uint64_t v) { return _mm256_set1_epi8(static_cast<char>(v)); }
  static Acc add(Acc a, __m256i m) { return _mm256_sub_epi8(a, m); }
  static __m256i in_range(__m256i x, __m256i lo, __m256i w) {
    const __m256i d = _mm256_sub_epi8(x, lo);
    return _mm256_cmpeq_epi8(_mm256_min_epu8(d, w), d);
  }
  static uint64_t sum(__m256i a) { return hsum64(_mm256_sad_epu8(a, _mm256_setzero_si256())); }
  static uint64_t bits(__m256i m) { return static_cast<uint32_t>(_mm256_movemask_epi8(m)); }
};

template <>
struct Width<2> : Counters {
  static constexpr size_t kLanes = 16;
  static constexpr uint64_t kMaxSteps = 65535;
  static __m256i set1(uint64_t v) { return _mm256_set1_epi16(static_cast<short>(v)); }
  static Acc add(Acc a, __m256i m) { return _mm256_sub_epi16(a, m); }
  static __m256i in_range(__m256i x, __m256i lo, __m256i w) {
    const __m256i d = _mm256_sub_epi16(x, lo);
    return _mm256_cmpeq_epi16(_mm256_min_epu16(d, w), d);
  }
  static uint64_t sum(__m256i a) {
    const __m256i lo16 = _mm256_and_si256(a, _mm256_set1_epi32(0xffff));
    const __m256i s32 = _mm256_add_epi32(lo16, _mm256_srli_epi32(a, 16));
    return hsum64(_mm256_add_epi64(_mm256_cvtepu32_epi64(_mm256_castsi256_si128(s32)),
                                   _mm256_cvtepu32_epi64(_mm256_extracti128_si256(s32, 1))));
  }
  // No 16-bit movemask: saturating packs keep -1 and 0 as bytes, the permute gathers the
  // two 128-bit halves' low quadwords, so the low 16 mask bits are the 16 lanes in order.
  static uint64_t bits(__m256i m) {
    const __m256i packed = _mm256_permute4x64_epi64(_mm256_packs_epi16(m, m), 0xd8);
    return static_cast<uint32_t>(_mm256_movemask_epi8(packed)) & 0xffffu;
  }
};

template <>
struct Width<4> : Counters {
  static constexpr size_t kLanes = 8;
  static constexpr uint64_t kMaxSteps = 0xffffffffu;
  static __m256i set1(uint64_t v) { return _mm256_set1_epi32(static_cast<int>(v)); }
  static Acc add(Acc a, __m256i m) { return _mm256_sub_epi32(a, m); }
  static __m256i in_range(__m256i x, __m256i lo, __m256i w) {
    const __m256i d = _mm256_sub_epi32(x, lo);
    return _mm256_cmpeq_epi32(_mm256_min_epu32(d, w), d);
  }
  static uint64_t sum(__m256i a) {
    return hsum64(_mm256_add_epi64(_mm256_cvtepu32_epi64(_mm256_castsi256_si128(a)),
                                   _mm256_cvtepu32_epi64(_mm256_extracti128_si256(a, 1))));
  }
  static uint64_t bits(__m256i m) { return static_cast<unsigned>(_mm256_movemask_ps(_mm256_castsi256_ps(m))); }
};

template <>
struct Width<8> : Counters {
  static constexpr size_t kLanes = 4;
  static constexpr uint64_t kMaxSteps = ~uint64_t(0);
  static constexpr uint64_t kSign = uint64_t(1) << 63;
  static __m256i set1(uint64_t v) { return _mm256_set1_epi64x(static_cast<long long>(v)); }
  static Acc add(Acc a, __m256i m) { return _mm256_sub_epi64(a, m); }
  // No unsigned 64-bit compare or min in AVX2: flip the sign bits and compare signed. The
  // caller's lo and w already carry the flip (see Lanes::bounds), so x - lo is flipped too.
  static __m256i in_range(__m256i x, __m256i lo_flipped, __m256i w_flipped) {
    const __m256i above = _mm256_cmpgt_epi64(_mm256_sub_epi64(x, lo_flipped), w_flipped);
    return _mm256_xor_si256(above, _mm256_set1_epi64x(-1));
  }
  static uint64_t sum(__m256i a) { return hsum64(a); }
  static uint64_t bits(__m256i m) { return static_cast<unsigned>(_mm256_movemask_pd(_mm256_castsi256_pd(m))); }
};

// Ordered compares for the float types: NaN is never in range.
template <class T>
struct FloatOps;

template <>
struct FloatOps<float> {
  using V = __m256;
  static V set1(float v) { return _mm256_set1_ps(v); }
  static __m256i in_range(const float* p, V lo, V hi) {
    const V x = _mm256_loadu_ps(p);
    return _mm256_castps_si256(_mm256_and_ps(_mm256_cmp_ps(x, lo, _CMP_GE_OQ), _mm256_cmp_ps(x, hi, _CMP_LE_OQ)));
  }
};

template <>
struct FloatOps<double> {
  using V = __m256d;
  static V set1(double v) { return _mm256_set1_pd(v); }
  static __m256i in_range(const double* p, V lo, V hi) {
    const V x = _mm256_loadu_pd(p);
    return _mm256_castpd_si256(_mm256_and_pd(_mm256_cmp_pd(x, lo, _CMP_GE_OQ), _mm256_cmp_pd(x, hi, _CMP_LE_OQ)));
  }
};

template <class T, bool = std::is_floating_point_v<T>>
struct Bounds2 {
  __m256i lo, width;
  Bounds2(T l, T h) {
    using U = std::make_unsigned_t<T>;
    uint64_t lo64 = static_cast<U>(l), w64 = static_cast<U>(static_cast<U>(h) - static_cast<U>(l));
    if constexpr (sizeof(T) == 8) lo64 += Width<8>::kSign, w64 ^= Width<8>::kSign;
    lo = Width<sizeof(T)>::set1(lo64);
    width = Width<sizeof(T)>::set1(w64);
  }
  __m256i test(const T* p) const {
    return Width<sizeof(T)>::in_range(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)), lo, width);
  }
};

template <class T>
struct Bounds2<T, true> {
  typename FloatOps<T>::V lo, hi;
  Bounds2(T l, T h) : lo(FloatOps<T>::set1(l)), hi(FloatOps<T>::set1(h)) {}
  __m256i test(const T* p) const { return FloatOps<T>::in_range(p, lo, hi); }
};

template <class T>
using Avx2Lanes = SimdLanes<T, Width<sizeof(T)>, Bounds2<T>>;

// Double lanes for the histogram's bin indices (hist.h, SimdBins): 4 elements of any type
// a double holds exactly, widened; 4 uint32 indices; compare masks narrowed to 32-bit lanes
// (-1 where set) so they apply to the indices.
struct Doubles {
  // 3 gathers of 4 (two cell steps) lose to the scalar cell search (5.3 vs 4.2 ns an element
  // on Sapphire Rapids); the uniform guess (2 gathers) still wins 1.9x.
  static constexpr bool kGatherCells = false;
  static constexpr size_t N = 4;
  using V = __m256d;
  using I = __m128i;
  using M = __m128i;
  static __m128i load4(const void* p) { int32_t v; std::memcpy(&v, p, 4); return _mm_cvtsi32_si128(v); }
  static V load(const double* p) { return _mm256_loadu_pd(p); }
  static V load(const float* p) { return _mm256_cvtps_pd(_mm_loadu_ps(p)); }
  static V load(const int32_t* p) { return _mm256_cvtepi32_pd(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))); }
  // No unsigned conversion in AVX2: flip the sign bit, convert as signed, add 2^31 back.
  static V load(const uint32_t* p) {
    const __m128i flipped = _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), _mm_set1_epi32(INT32_MIN));
    return _mm256_add_pd(_mm256_cvtepi32_pd(flipped), _mm256_set1_pd(2147483648.0));
  }
  static V load(const int16_t* p) { return _mm256_cvtepi32_pd(_mm_cvtepi16_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)))); }
  static V load(const uint16_t* p) { return _mm256_cvtepi32_pd(_mm_cvtepu16_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)))); }
  static V load(const int8_t* p) { return _mm256_cvtepi32_pd(_mm_cvtepi8_epi32(load4(p))); }
  static V load(const uint8_t* p) { return _mm256_cvtepi32_pd(_mm_cvtepu8_epi32(load4(p))); }
  static V set1(double v) { return _mm256_set1_pd(v); }
  static I iset1(uint32_t v) { return _mm_set1_epi32(static_cast<int>(v)); }
  static V sub(V a, V b) { return _mm256_sub_pd(a, b); }
  static V mul(V a, V b) { return _mm256_mul_pd(a, b); }
  // max returns its second operand when either is NaN: NaN -> 0.
  static V clamp(V t, V hi) { return _mm256_min_pd(_mm256_max_pd(t, _mm256_setzero_pd()), hi); }
  static I trunc(V t) { return _mm256_cvttpd_epi32(t); }
  static V gather(const double* base, I i) { return _mm256_i32gather_pd(base, i, 8); }
  static M narrow(V m) {
    const __m256i lanes = _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6);
    return _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(_mm256_castpd_si256(m), lanes));
  }
  static I gather32(const uint32_t* base, I i) { return _mm_i32gather_epi32(reinterpret_cast<const int*>(base), i, 4); }
  static M none() { return _mm_setzero_si128(); }
  static M lt(V a, V b) { return narrow(_mm256_cmp_pd(a, b, _CMP_LT_OQ)); }
  static M ge(V a, V b) { return narrow(_mm256_cmp_pd(a, b, _CMP_GE_OQ)); }
  static M in(V x, V lo, V hi) { return narrow(_mm256_and_pd(_mm256_cmp_pd(x, lo, _CMP_GE_OQ), _mm256_cmp_pd(x, hi, _CMP_LE_OQ))); }
  static I step(I b, M down, M up) { return _mm_sub_epi32(_mm_add_epi32(b, down), up); }  // masks are -1
  static I select(M m, I a, I b) { return _mm_blendv_epi8(b, a, m); }
  static V frac(V t) { return _mm256_sub_pd(t, _mm256_round_pd(t, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC)); }
  static M away(V f, V margin) {
    return narrow(_mm256_and_pd(_mm256_cmp_pd(f, margin, _CMP_GT_OQ), _mm256_cmp_pd(_mm256_sub_pd(_mm256_set1_pd(1.0), f), margin, _CMP_GT_OQ)));
  }
  static bool any_not(M in, M away) { return _mm_movemask_ps(_mm_castsi128_ps(_mm_andnot_si128(away, in))) != 0; }
  static void store(uint32_t* p, I v) { _mm_storeu_si128(reinterpret_cast<__m128i*>(p), v); }
};

struct Avx2Isa {
  using Bins = SimdBins<Doubles>;
  static void row_fields(const uint64_t* w, size_t a, size_t count, size_t width, uint32_t* out) {
    row_fields_x86(w, a, count, width, out);
  }
};

}  // namespace

const CountTable* count_table_avx2() {
  static constexpr CountTable table = make_table<Avx2Lanes, Avx2Isa>("avx2");
  return &table;
}

}  // namespace ck

#else

namespace ck {
const CountTable* count_table_avx2() { return nullptr; }
}  // namespace ck

#endif
