#pragma once
// The register-blocked micro-kernel, the loops over one block and the packing routines,
// written once over a vector type V. Each ISA file includes this after defining V for
// float and double; V supplies:
//   T, R (register), Mask, W (lanes), zero, load, load_part(p, mask), store,
//   store_part(p, r, mask), bcast(p), set1, fma(a, b, c) = a·b + c, mul, add,
//   mask(n) (the first n lanes, 0 < n <= W), prefetch(p).
//
// Everything sits in an unnamed namespace: these templates are compiled with different -m
// flags in different files, and the linker must never merge an AVX-512 instance into the
// generic path. For the same reason this header uses no standard-library templates.
#include <cstddef>
#include <cstdint>

#include "kernel.h"

#if defined(__clang__)
#define CK_UNROLL _Pragma("unroll")
#elif defined(__GNUC__)
#define CK_UNROLL _Pragma("GCC unroll 32")
#else
#define CK_UNROLL
#endif

namespace ck {
namespace gemm_kernels {
namespace {

inline size_t min_size(size_t a, size_t b) { return a < b ? a : b; }

// How C is read: beta == 0 must not read it at all (BLAS: C need not be set on input).
enum class BetaKind { zero, one, other };

inline BetaKind beta_kind(double beta) {
  return beta == 0 ? BetaKind::zero : beta == 1 ? BetaKind::one : BetaKind::other;
}

template <class V, BetaKind kBeta>
inline typename V::R combine(typename V::R acc, typename V::R c, typename V::R va, [[maybe_unused]] typename V::R vb) {
  // alpha·acc is formed even for alpha == 1 (exact), so every tile rounds the same way.
  const typename V::R r = V::mul(va, acc);
  if (kBeta == BetaKind::one) return V::add(r, c);
  if (kBeta == BetaKind::other) return V::fma(vb, c, r);
  return r;
}

// Writes the first m rows and n columns of the MR×(NV·W) accumulator tile into C.
template <class V, size_t MR, size_t NV, BetaKind kBeta>
inline void store_tile(typename V::R (&acc)[MR][NV], typename V::T* c, size_t ldc, size_t m, size_t n,
                       typename V::T alpha, typename V::T beta) {
  using R = typename V::R;
  constexpr size_t W = V::W;
  const R va = V::set1(alpha), vb = V::set1(beta);
  if (m == MR && n == NV * W) {
    CK_UNROLL for (size_t i = 0; i < MR; ++i) {
      CK_UNROLL for (size_t v = 0; v < NV; ++v) {
        typename V::T* p = c + i * ldc + v * W;
        const R old = kBeta == BetaKind::zero ? V::zero() : V::load(p);
        V::store(p, combine<V, kBeta>(acc[i][v], old, va, vb));
      }
    }
    return;
  }
  CK_UNROLL for (size_t i = 0; i < MR; ++i) {
    if (i >= m) break;
    CK_UNROLL for (size_t v = 0; v < NV; ++v) {
      if (v * W >= n) break;
      typename V::T* p = c + i * ldc + v * W;
      const size_t lanes = n - v * W;
      if (lanes >= W) {
        const R old = kBeta == BetaKind::zero ? V::zero() : V::load(p);
        V::store(p, combine<V, kBeta>(acc[i][v], old, va, vb));
      } else {
        const typename V::Mask mk = V::mask(lanes);
        const R old = kBeta == BetaKind::zero ? V::zero() : V::load_part(p, mk);
        V::store_part(p, combine<V, kBeta>(acc[i][v], old, va, vb), mk);
      }
    }
  }
}

// Depth steps ahead that A and B are prefetched (measured flat from 6 to 32).
constexpr size_t kPrefetchSteps = 12;
template <class V>
constexpr size_t kLineElems = 64 / sizeof(typename V::T);

// An address `elems` elements past p, possibly beyond the array: only ever prefetched
// (which cannot fault), and formed as an integer so no out-of-range pointer exists.
template <class T>
inline const void* ahead(const T* p, size_t elems) {
  return reinterpret_cast<const void*>(reinterpret_cast<uintptr_t>(p) + elems * sizeof(T));
}

// One MR×(NV·W) tile of C over depth k. A is packed (MR values per depth step) or direct
// (MR rows rs_a apart, stepping cs_a). B rows are rs_b apart; with kPartialB the last
// vector reads only `tail` lanes (direct B at the right edge of the matrix).
template <class V, size_t MR, size_t NV, bool kPackedA, bool kPartialB>
void tile(size_t k, const typename V::T* a, size_t rs_a, size_t cs_a, const typename V::T* b, size_t rs_b,
          size_t tail, typename V::T* c, size_t ldc, size_t m, size_t n, typename V::T alpha, typename V::T beta) {
  using R = typename V::R;
  constexpr size_t W = V::W;
  const typename V::Mask tail_mask = V::mask(kPartialB ? tail : W);
  R acc[MR][NV];
  CK_UNROLL for (size_t i = 0; i < MR; ++i) {
    CK_UNROLL for (size_t v = 0; v < NV; ++v) acc[i][v] = V::zero();
    if (i < m) {
      V::prefetch(c + i * ldc);
      V::prefetch(ahead(c + i * ldc, NV * W - 1));  // a row of the tile may span two cache lines
    }
  }
  // Addresses are formed from the depth index (not by stepping pointers past the last
  // step), so none ever points outside its array.
  const size_t step_a = kPackedA ? MR : cs_a;
  for (size_t p = 0; p < k; ++p) {
    const typename V::T* ap = a + p * step_a;
    const typename V::T* bp = b + p * rs_b;
    // The A panel streams from L2 and the B micro-panel falls out of L1 between passes:
    // fetch both a few depth steps ahead (the hardware prefetcher alone leaves the FMAs
    // waiting, most of all for deep KC).
    if (kPackedA) {
      V::prefetch(ahead(ap, kPrefetchSteps * MR));
      V::prefetch(ahead(ap, kPrefetchSteps * MR + kLineElems<V>));
    }
    V::prefetch(ahead(bp, kPrefetchSteps * rs_b));
    if (NV * W > kLineElems<V>) V::prefetch(ahead(bp, kPrefetchSteps * rs_b + kLineElems<V>));
    R bv[NV];
    CK_UNROLL for (size_t v = 0; v < NV; ++v) {
      bv[v] = kPartialB && v + 1 == NV ? V::load_part(bp + v * W, tail_mask) : V::load(bp + v * W);
    }
    CK_UNROLL for (size_t i = 0; i < MR; ++i) {
      const R av = V::bcast(kPackedA ? ap + i : ap + i * rs_a);
      CK_UNROLL for (size_t v = 0; v < NV; ++v) acc[i][v] = V::fma(av, bv[v], acc[i][v]);
    }
  }
  switch (beta_kind(static_cast<double>(beta))) {
    case BetaKind::zero: store_tile<V, MR, NV, BetaKind::zero>(acc, c, ldc, m, n, alpha, beta); break;
    case BetaKind::one: store_tile<V, MR, NV, BetaKind::one>(acc, c, ldc, m, n, alpha, beta); break;
    case BetaKind::other: store_tile<V, MR, NV, BetaKind::other>(acc, c, ldc, m, n, alpha, beta); break;
  }
}

// Packed operands: zero-padded panels, so every tile runs the full register tile and only
// the stores are trimmed. Columns outer, rows inner: one B micro-panel stays in L1 while
// the A panels stream from L2.
template <class V, size_t MR, size_t NV>
void block_packed(const BlockArgs<typename V::T>& g) {
  constexpr size_t NR = NV * V::W;
  for (size_t j = 0; j < g.n; j += NR) {
    const typename V::T* b = g.b.ptr + j * g.k;
    const size_t nr = min_size(NR, g.n - j);
    for (size_t i = 0; i < g.m; i += MR) {
      tile<V, MR, NV, true, false>(g.k, g.a.ptr + i * g.k, 0, 0, b, NR, V::W, g.c + i * g.ldc + j, g.ldc,
                                   min_size(MR, g.m - i), nr, g.alpha, g.beta);
    }
  }
}

// Direct operands cannot be read past the matrix, so the row edge takes smaller register
// tiles (MR, then powers of two below it) and the column edge masks B's last vector.
constexpr size_t next_rows(size_t r) {
  size_t p = 1;
  while (p * 2 < r) p *= 2;
  return p;
}

template <class V, size_t R, size_t NV, bool kPartial>
void direct_rows(const BlockArgs<typename V::T>& g, size_t i, size_t j, size_t nr, size_t tail) {
  for (; g.m - i >= R; i += R) {
    tile<V, R, NV, false, kPartial>(g.k, g.a.ptr + i * g.a.rs, g.a.rs, g.a.cs, g.b.ptr + j, g.b.rs, tail,
                                    g.c + i * g.ldc + j, g.ldc, R, nr, g.alpha, g.beta);
  }
  if constexpr (R > 1) {
    if (i < g.m) direct_rows<V, next_rows(R), NV, kPartial>(g, i, j, nr, tail);
  }
}

// Picks the number of vectors (1..NV) a right-edge panel of nr columns needs.
template <class V, size_t MR, size_t NV>
void direct_panel(const BlockArgs<typename V::T>& g, size_t j, size_t nr) {
  constexpr size_t W = V::W;
  const size_t nv = (nr + W - 1) / W, tail = nr - (nv - 1) * W;
  if (nv == NV) {
    if (tail == W) direct_rows<V, MR, NV, false>(g, 0, j, nr, W);
    else direct_rows<V, MR, NV, true>(g, 0, j, nr, tail);
  } else if constexpr (NV > 1) {
    direct_panel<V, MR, NV - 1>(g, j, nr);
  }
}

template <class V, size_t MR, size_t NV>
void block_direct(const BlockArgs<typename V::T>& g) {
  constexpr size_t NR = NV * V::W;
  for (size_t j = 0; j < g.n; j += NR) direct_panel<V, MR, NV>(g, j, min_size(NR, g.n - j));
}

template <class V, size_t MR, size_t NV>
void block(const BlockArgs<typename V::T>& g) {
  if (g.a.packed) block_packed<V, MR, NV>(g);
  else block_direct<V, MR, NV>(g);
}

// Where packing reads its elements: T itself (copied) or halves (widened). Each provides
// gather<L> (L lanes rs apart, each a run along depth), run<L> (L contiguous lanes of one
// depth step) and one (a single element, for the edges).
template <class T>
struct Copied {
  using S = T;
  template <size_t L>
  void gather(const T* x, size_t rs, size_t k, T* dst) const {
    for (size_t p = 0; p < k; ++p) {
      CK_UNROLL for (size_t r = 0; r < L; ++r) dst[p * L + r] = x[r * rs + p];
    }
  }
  template <size_t L>
  void run(const T* x, T* dst) const {
    CK_UNROLL for (size_t r = 0; r < L; ++r) dst[r] = x[r];
  }
  T one(T x) const { return x; }
};

// Halves go through the caller's span conversion, never an inline function of namespace
// ck: this header is compiled under several ISAs' flags, and the linker could keep an
// AVX-512 copy of such a function for every caller.
struct Widened {
  using S = uint16_t;
  using HalfWiden = Kernels<float>::HalfWiden;
  HalfWiden widen;
  // Runs of kDepth halves per lane are widened into a small block, then interleaved into the
  // panel (the transpose the float32 gather does in one step).
  static constexpr size_t kDepth = 16;
  template <size_t L>
  void gather(const uint16_t* x, size_t rs, size_t k, float* dst) const {
    float runs[L][kDepth];
    for (size_t p0 = 0; p0 < k; p0 += kDepth) {
      const size_t d = min_size(kDepth, k - p0);
      for (size_t r = 0; r < L; ++r) widen(x + r * rs + p0, d, runs[r]);
      for (size_t p = 0; p < d; ++p) {
        CK_UNROLL for (size_t r = 0; r < L; ++r) dst[(p0 + p) * L + r] = runs[r][p];
      }
    }
  }
  template <size_t L>
  void run(const uint16_t* x, float* dst) const {
    widen(x, L, dst);
  }
  float one(uint16_t x) const {
    float f;
    widen(&x, 1, &f);
    return f;
  }
};

// Rows [0, m) × depth [0, k) of x (element (r, p) at x[r·rs + p·cs]) into L-high panels:
// panel q, depth p, lane r at dst[q·L·k + p·L + r]. Used for A (L = MR) and, with the
// roles of rows and columns swapped, for B (L = NR).
template <class T, size_t L, class Src>
void pack_panels(const typename Src::S* x, size_t rs, size_t cs, size_t m, size_t k, Src from, T* dst) {
  for (size_t r0 = 0; r0 < m; r0 += L, dst += L * k) {
    const typename Src::S* src = x + r0 * rs;
    const size_t lanes = min_size(L, m - r0);
    if (lanes == L && cs == 1) {
      // Each lane is a contiguous run along depth: gather L runs per depth step.
      from.template gather<L>(src, rs, k, dst);
    } else if (lanes == L && rs == 1) {
      // Each depth step is a contiguous run of L lanes: straight copies.
      for (size_t p = 0; p < k; ++p) from.template run<L>(src + p * cs, dst + p * L);
    } else {
      for (size_t p = 0; p < k; ++p) {
        for (size_t r = 0; r < L; ++r) dst[p * L + r] = r < lanes ? from.one(src[r * rs + p * cs]) : T(0);
      }
    }
  }
}

template <class T, size_t MR>
void pack_a(const T* a, size_t rs, size_t cs, size_t m, size_t k, T* dst) {
  pack_panels<T, MR>(a, rs, cs, m, k, Copied<T>{}, dst);
}

// B's columns are the panel lanes: a column is lane j (stride cs), depth is p (stride rs).
template <class T, size_t NR>
void pack_b(const T* b, size_t rs, size_t cs, size_t k, size_t n, T* dst) {
  pack_panels<T, NR>(b, cs, rs, n, k, Copied<T>{}, dst);
}

template <class T, size_t MR>
void pack_a_half(const uint16_t* a, size_t rs, size_t cs, size_t m, size_t k, Widened::HalfWiden widen, T* dst) {
  pack_panels<T, MR>(a, rs, cs, m, k, Widened{widen}, dst);
}

template <class T, size_t NR>
void pack_b_half(const uint16_t* b, size_t rs, size_t cs, size_t k, size_t n, Widened::HalfWiden widen, T* dst) {
  pack_panels<T, NR>(b, cs, rs, n, k, Widened{widen}, dst);
}

template <class V, size_t MR, size_t NV>
constexpr Kernels<typename V::T> make_kernels(Isa isa, const char* name, BlockShares shares) {
  using T = typename V::T;
  constexpr size_t NR = NV * V::W;
  Kernels<T> k{isa, name, MR, NR, shares, &block<V, MR, NV>, &pack_a<T, MR>, &pack_b<T, NR>, nullptr, nullptr};
  if constexpr (sizeof(T) == sizeof(float)) {
    k.pack_a_half = &pack_a_half<T, MR>;
    k.pack_b_half = &pack_b_half<T, NR>;
  }
  return k;
}

}  // namespace
}  // namespace gemm_kernels
}  // namespace ck
