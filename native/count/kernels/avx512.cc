// AVX-512 range counts (F, BW, DQ, VL): 64-byte vectors, compares straight into k-masks
// (unsigned integer compares are native here), lane counters bumped under the mask.
// Compiled with -mavx512f -mavx512bw -mavx512dq -mavx512vl; only called when the CPU and OS
// support them (runtime/cpu.cc).
#include "../kernels.h"

#if (defined(__x86_64__) || defined(_M_X64)) && defined(__AVX512BW__)

#include <type_traits>

#include "fields_x86.h"
#include "lanes.h"
#include "table.h"
#include "x86.h"

namespace ck {
namespace {

inline uint64_t sum_u32_lanes(__m512i a) {
  const __m512i lo = _mm512_cvtepu32_epi64(_mm512_castsi512_si256(a));
  const __m512i hi = _mm512_cvtepu32_epi64(_mm512_extracti64x4_epi64(a, 1));
  return static_cast<uint64_t>(_mm512_reduce_add_epi64(_mm512_add_epi64(lo, hi)));
}

// Lane-width operations (lanes.h): the k-mask type, counters bumped under the mask and
// their flush, and the integer range test (unsigned x - lo <= hi - lo, for signed and
// unsigned types alike).
template <size_t Bytes>
struct Width;

struct Counters {
  using Acc = __m512i;
  static Acc zero() { return _mm512_setzero_si512(); }
  // A word's masks are joined inside the mask registers (kunpck reads only the low half of
  // each source) and moved out once as 64 bits. Not cast one by one: GCC 12 may spill an
  // __mmask8 with a one-byte kmovb and reload it zero-extended as 8 bytes, keeping stale
  // upper bytes (seen under -fsanitize=thread: wrong per-row counts of 64-bit integers).
  // Width's popcount reads a single mask through the same _cvtmask intrinsics.
  static constexpr bool kJoin = true;
  static uint64_t join(__mmask64 a) { return _cvtmask64_u64(a); }
  static uint64_t join(__mmask32 a, __mmask32 b) { return join(_mm512_kunpackd(b, a)); }
  static uint64_t join(__mmask16 a, __mmask16 b, __mmask16 c, __mmask16 d) {
    return join(_mm512_kunpackw(b, a), _mm512_kunpackw(d, c));
  }
  static uint64_t join(__mmask8 a, __mmask8 b, __mmask8 c, __mmask8 d, __mmask8 e, __mmask8 f, __mmask8 g, __mmask8 h) {
    return join(_mm512_kunpackb(b, a), _mm512_kunpackb(d, c), _mm512_kunpackb(f, e), _mm512_kunpackb(h, g));
  }
};

template <>
struct Width<1> : Counters {
  static constexpr size_t kLanes = 64;
  using K = __mmask64;
  static constexpr uint64_t kMaxSteps = 255;
  static __m512i set1(uint64_t v) { return _mm512_set1_epi8(static_cast<char>(v)); }
  static K le(__m512i a, __m512i b) { return _mm512_cmple_epu8_mask(a, b); }
  static __m512i sub(__m512i a, __m512i b) { return _mm512_sub_epi8(a, b); }
  static Acc add(Acc a, K k) { return _mm512_mask_sub_epi8(a, k, a, _mm512_set1_epi8(-1)); }
  static unsigned popcount(K k) { return static_cast<unsigned>(_mm_popcnt_u64(_cvtmask64_u64(k))); }
  static uint64_t sum(__m512i a) {
    return static_cast<uint64_t>(_mm512_reduce_add_epi64(_mm512_sad_epu8(a, _mm512_setzero_si512())));
  }
};

template <>
struct Width<2> : Counters {
  static constexpr size_t kLanes = 32;
  using K = __mmask32;
  static constexpr uint64_t kMaxSteps = 65535;
  static __m512i set1(uint64_t v) { return _mm512_set1_epi16(static_cast<short>(v)); }
  static K le(__m512i a, __m512i b) { return _mm512_cmple_epu16_mask(a, b); }
  static __m512i sub(__m512i a, __m512i b) { return _mm512_sub_epi16(a, b); }
  static Acc add(Acc a, K k) { return _mm512_mask_sub_epi16(a, k, a, _mm512_set1_epi16(-1)); }
  static unsigned popcount(K k) { return static_cast<unsigned>(_mm_popcnt_u32(_cvtmask32_u32(k))); }
  static uint64_t sum(__m512i a) {
    return sum_u32_lanes(_mm512_add_epi32(_mm512_and_si512(a, _mm512_set1_epi32(0xffff)), _mm512_srli_epi32(a, 16)));
  }
};

template <>
struct Width<4> : Counters {
  static constexpr size_t kLanes = 16;
  using K = __mmask16;
  static constexpr uint64_t kMaxSteps = 0xffffffffu;
  static __m512i set1(uint64_t v) { return _mm512_set1_epi32(static_cast<int>(v)); }
  static K le(__m512i a, __m512i b) { return _mm512_cmple_epu32_mask(a, b); }
  static __m512i sub(__m512i a, __m512i b) { return _mm512_sub_epi32(a, b); }
  static Acc add(Acc a, K k) { return _mm512_mask_sub_epi32(a, k, a, _mm512_set1_epi32(-1)); }
  static unsigned popcount(K k) { return static_cast<unsigned>(_mm_popcnt_u32(_cvtmask16_u32(k))); }
  static uint64_t sum(__m512i a) { return sum_u32_lanes(a); }
};

template <>
struct Width<8> : Counters {
  static constexpr size_t kLanes = 8;
  using K = __mmask8;
  static constexpr uint64_t kMaxSteps = ~uint64_t(0);
  static __m512i set1(uint64_t v) { return _mm512_set1_epi64(static_cast<long long>(v)); }
  static K le(__m512i a, __m512i b) { return _mm512_cmple_epu64_mask(a, b); }
  static __m512i sub(__m512i a, __m512i b) { return _mm512_sub_epi64(a, b); }
  static Acc add(Acc a, K k) { return _mm512_mask_sub_epi64(a, k, a, _mm512_set1_epi64(-1)); }
  static unsigned popcount(K k) { return static_cast<unsigned>(_mm_popcnt_u32(_cvtmask8_u32(k))); }
  static uint64_t sum(__m512i a) { return static_cast<uint64_t>(_mm512_reduce_add_epi64(a)); }
};

template <class T, bool = std::is_floating_point_v<T>>
struct Bounds512 {
  using W = Width<sizeof(T)>;
  __m512i lo, width;
  Bounds512(T l, T h) {
    using U = std::make_unsigned_t<T>;
    lo = W::set1(static_cast<U>(l));
    width = W::set1(static_cast<U>(static_cast<U>(h) - static_cast<U>(l)));
  }
  typename W::K test(const T* p) const { return W::le(W::sub(_mm512_loadu_si512(p), lo), width); }
};

// Ordered compares, the second under the first's mask: NaN is never in range.
template <>
struct Bounds512<float, true> {
  __m512 lo, hi;
  Bounds512(float l, float h) : lo(_mm512_set1_ps(l)), hi(_mm512_set1_ps(h)) {}
  __mmask16 test(const float* p) const {
    const __m512 x = _mm512_loadu_ps(p);
    return _mm512_mask_cmp_ps_mask(_mm512_cmp_ps_mask(x, lo, _CMP_GE_OQ), x, hi, _CMP_LE_OQ);
  }
};

template <>
struct Bounds512<double, true> {
  __m512d lo, hi;
  Bounds512(double l, double h) : lo(_mm512_set1_pd(l)), hi(_mm512_set1_pd(h)) {}
  __mmask8 test(const double* p) const {
    const __m512d x = _mm512_loadu_pd(p);
    return _mm512_mask_cmp_pd_mask(_mm512_cmp_pd_mask(x, lo, _CMP_GE_OQ), x, hi, _CMP_LE_OQ);
  }
};

template <class T>
using Avx512Lanes = SimdLanes<T, Width<sizeof(T)>, Bounds512<T>>;

// Double lanes for the histogram's bin indices (hist.h, SimdBins): 8 elements of any type
// a double holds exactly, widened; 8 uint32 indices; k-masks.
struct Doubles {
  // 3 gathers of 8 (two cell steps) beat the scalar cell search 1.6x here.
  static constexpr bool kGatherCells = true;
  static constexpr size_t N = 8;
  using V = __m512d;
  using I = __m256i;
  using M = __mmask8;
  static V load(const double* p) { return _mm512_loadu_pd(p); }
  static V load(const float* p) { return _mm512_cvtps_pd(_mm256_loadu_ps(p)); }
  static V load(const int32_t* p) { return _mm512_cvtepi32_pd(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p))); }
  static V load(const uint32_t* p) { return _mm512_cvtepu32_pd(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p))); }
  static V load(const int16_t* p) { return _mm512_cvtepi32_pd(_mm256_cvtepi16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)))); }
  static V load(const uint16_t* p) { return _mm512_cvtepi32_pd(_mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)))); }
  static V load(const int8_t* p) { return _mm512_cvtepi32_pd(_mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)))); }
  static V load(const uint8_t* p) { return _mm512_cvtepi32_pd(_mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)))); }
  static V set1(double v) { return _mm512_set1_pd(v); }
  static I iset1(uint32_t v) { return _mm256_set1_epi32(static_cast<int>(v)); }
  static V sub(V a, V b) { return _mm512_sub_pd(a, b); }
  static V mul(V a, V b) { return _mm512_mul_pd(a, b); }
  // max returns its second operand when either is NaN: NaN -> 0.
  static V clamp(V t, V hi) { return _mm512_min_pd(_mm512_max_pd(t, _mm512_setzero_pd()), hi); }
  static I trunc(V t) { return _mm512_cvttpd_epi32(t); }
  static V gather(const double* base, I i) { return _mm512_i32gather_pd(i, base, 8); }
  static I gather32(const uint32_t* base, I i) { return _mm256_i32gather_epi32(reinterpret_cast<const int*>(base), i, 4); }
  static M none() { return 0; }
  static M lt(V a, V b) { return _mm512_cmp_pd_mask(a, b, _CMP_LT_OQ); }
  static M ge(V a, V b) { return _mm512_cmp_pd_mask(a, b, _CMP_GE_OQ); }
  static M in(V x, V lo, V hi) { return _mm512_mask_cmp_pd_mask(ge(x, lo), x, hi, _CMP_LE_OQ); }
  static I step(I b, M down, M up) {
    const I one = _mm256_set1_epi32(1), lowered = _mm256_mask_sub_epi32(b, down, b, one);
    return _mm256_mask_add_epi32(lowered, up, lowered, one);
  }
  static I select(M m, I a, I b) { return _mm256_mask_blend_epi32(m, b, a); }
  static V frac(V t) { return _mm512_reduce_pd(t, _MM_FROUND_TO_ZERO); }  // t - trunc(t), one instruction
  static M away(V f, V margin) {
    return _mm512_mask_cmp_pd_mask(_mm512_cmp_pd_mask(f, margin, _CMP_GT_OQ), _mm512_sub_pd(_mm512_set1_pd(1.0), f), margin, _CMP_GT_OQ);
  }
  static bool any_not(M in, M away) { return (in & ~away & 0xff) != 0; }
  static void store(uint32_t* p, I v) { _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v); }
};

struct Avx512Isa {
  using Bins = SimdBins<Doubles>;
  static void row_fields(const uint64_t* w, size_t a, size_t count, size_t width, uint32_t* out) {
    row_fields_x86(w, a, count, width, out);
  }
};

}  // namespace

const CountTable* count_table_avx512() {
  static constexpr CountTable table = make_table<Avx512Lanes, Avx512Isa>("avx512");
  return &table;
}

}  // namespace ck

#else

namespace ck {
const CountTable* count_table_avx512() { return nullptr; }
}  // namespace ck

#endif
