// The loops around the micro-kernels, written once for every ISA and element type:
// regions of B (staged once, shared by all threads), tiles of C (one thread each, A packed
// privately), depth blocks in order inside each tile (k is never split across threads).
// Half operands take the same loops: A and B are widened as they are packed, and C, when it
// is halves, accumulates in float32 scratch and is narrowed chunk by chunk as it is final.
#include "driver.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <optional>
#include <type_traits>

#include "../runtime/pool.h"
#include "../runtime/yield.h"
#include "buffer.h"
#include "plan.h"
#include "staging.h"

namespace ck {
namespace {

using gemm_kernels::BlockArgs;
using gemm_kernels::Kernels;
using gemm_kernels::Operand;

size_t ceil_div(size_t a, size_t b) { return (a + b - 1) / b; }

// Element (r, c) of op(X) at p[r·rs + c·cs]: transposes are just swapped strides.
template <class T>
struct View {
  const T* p;
  size_t rs, cs;
};

// k == 0 or alpha == 0: C = beta·C without touching A or B; beta == 0 overwrites.
template <class T>
void scale_c(const GemmArgs<T>& g) {
  if (g.beta == T(1)) return;
  for (size_t i = 0; i < g.m; ++i) {
    T* c = g.c + i * g.ldc;
    if (g.beta == T(0)) std::fill(c, c + g.n, T(0));
    else for (size_t j = 0; j < g.n; ++j) c[j] *= g.beta;
  }
}

// Packing from the element type itself, or from halves through the caller's conversion.
template <class T>
void pack_a(const Kernels<T>& kern, const HalfConvert*, const T* a, size_t rs, size_t cs, size_t m, size_t k, T* dst) {
  kern.pack_a(a, rs, cs, m, k, dst);
}
template <class T>
void pack_a(const Kernels<T>& kern, const HalfConvert* cvt, const uint16_t* a, size_t rs, size_t cs, size_t m, size_t k, T* dst) {
  kern.pack_a_half(a, rs, cs, m, k, cvt->widen, dst);
}
template <class T>
void pack_b(const Kernels<T>& kern, const HalfConvert*, const T* b, size_t rs, size_t cs, size_t k, size_t n, T* dst) {
  kern.pack_b(b, rs, cs, k, n, dst);
}
template <class T>
void pack_b(const Kernels<T>& kern, const HalfConvert* cvt, const uint16_t* b, size_t rs, size_t cs, size_t k, size_t n, T* dst) {
  kern.pack_b_half(b, rs, cs, k, n, cvt->widen, dst);
}

// Rows [0, m) × columns [0, n) of src into dst through a span conversion.
template <class From, class To>
void convert_rows(void (*convert)(const From*, size_t, To*), const From* src, size_t lds, To* dst, size_t ldd, size_t m, size_t n) {
  for (size_t i = 0; i < m; ++i) convert(src + i * lds, n, dst + i * ldd);
}

// One A packing buffer per thread that can be inside a region at once (the caller plus
// at most threads - 1 helpers), handed to tiles as they start.
template <class T>
class ASlots {
 public:
  ASlots(T* space, unsigned count, size_t each)
      : space_(space), count_(count), each_(each), busy_(count == 0 ? nullptr : new std::atomic<bool>[count]) {
    for (unsigned i = 0; i < count; ++i) busy_[i].store(false, std::memory_order_relaxed);
  }

  class Lease {
   public:
    explicit Lease(ASlots& s) : slots_(s) {
      for (;;) {
        for (unsigned i = 0; i < s.count_; ++i) {
          if (!s.busy_[i].exchange(true, std::memory_order_acquire)) {
            index_ = i;
            return;
          }
        }
        yield_thread();  // unreachable while the pool respects helpers_allowed
      }
    }
    ~Lease() { slots_.busy_[index_].store(false, std::memory_order_release); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    T* get() const { return slots_.space_ + index_ * slots_.each_; }

   private:
    ASlots& slots_;
    unsigned index_ = 0;
  };

 private:
  T* space_;
  unsigned count_;
  size_t each_;
  std::unique_ptr<std::atomic<bool>[]> busy_;
};

// Elements, rounded up to whole cache lines so every buffer carved from one block stays aligned.
template <class T>
size_t whole_lines(size_t elems) {
  constexpr size_t per_line = 64 / sizeof(T);
  return (elems + per_line - 1) / per_line * per_line;
}

// The operands as the loops read them: A and B of element type S (T, or halves' bits, which
// always take the packed path), and C as T at g.c, or as halves at c16 (g.c is then unset:
// the multiply accumulates into float32 scratch of its own).
template <class T, class S>
struct Operands {
  GemmArgs<T> g;  // shapes, scalars and C; its a and b are unused
  const S* a = nullptr;
  const S* b = nullptr;
  const HalfConvert* cvt = nullptr;  // with halves: widens A, B (and C when beta != 0), narrows C
  uint16_t* c16 = nullptr;
  size_t ldc16 = 0;
};

template <class T, class S>
class Multiply {
  static constexpr bool kHalves = std::is_same_v<S, uint16_t>;

 public:
  Multiply(const Kernels<T>& kern, const Operands<T, S>& o, const Exec& ex)
      : kern_(kern),
        o_(o),
        g_(o.g),
        plan_(make_plan(kern, g_, ex.threads)),
        exec_{plan_.threads, ex.cancel},
        a_{o.a, g_.trans_a ? 1 : g_.lda, g_.trans_a ? g_.lda : 1},
        b_{o.b, g_.trans_b ? 1 : g_.ldb, g_.trans_b ? g_.ldb : 1},
        stride_(plan_.packed ? ceil_div(plan_.region_n, kern.nr) * kern.nr : plan_.region_n),
        depth_blocks_(ceil_div(plan_.region_k, plan_.kc)),
        chunks_(ceil_div(plan_.region_n, plan_.chunk)),
        staged_elems_(plan_.stage_b ? whole_lines<T>(plan_.region_k * stride_) : 0),
        slot_elems_(whole_lines<T>(plan_.tile_rows * plan_.kc)),
        slot_count_(plan_.packed ? static_cast<unsigned>(std::min<size_t>(plan_.threads, plan_.tiles_m * plan_.tiles_n)) : 0),
        c_elems_(o.c16 != nullptr ? g_.m * g_.n : 0),
        scratch_((staged_elems_ + slot_count_ * slot_elems_ + c_elems_) * sizeof(T)),
        staged_(scratch_.as<T>()),
        states_(plan_.stage_b ? depth_blocks_ : 0, chunks_),
        slots_(scratch_.as<T>() + staged_elems_, slot_count_, slot_elems_) {
    if (c_elems_ != 0) {
      g_.c = scratch_.as<T>() + staged_elems_ + slot_count_ * slot_elems_;
      g_.ldc = g_.n;
    }
  }

  void run() {
    const size_t tiles = plan_.tiles_m * plan_.tiles_n;
    for (size_t jc = 0; jc < g_.n; jc += plan_.region_n) {
      const size_t region_chunks = ceil_div(std::min(plan_.region_n, g_.n - jc), plan_.chunk);
      for (size_t pc0 = 0; pc0 < g_.k; pc0 += plan_.region_k) {
        if (plan_.stage_b) states_.reset(depth_blocks_, region_chunks);
        parallel_for(tiles, exec_, [&](size_t t) { tile(t, jc, pc0); });
      }
    }
  }

 private:
  // Rows [i0, i1) and columns [j0, j1) (relative to the region) of tile t, balanced in
  // whole MR panels and whole chunks (or NR panels) so no tile straddles one.
  void tile(size_t t, size_t jc, size_t pc0) {
    const size_t rn = std::min(plan_.region_n, g_.n - jc), rk = std::min(plan_.region_k, g_.k - pc0);
    const size_t ti = t / plan_.tiles_n, tj = t % plan_.tiles_n;
    const size_t panels = ceil_div(g_.m, kern_.mr);
    const size_t i0 = ti * panels / plan_.tiles_m * kern_.mr;
    const size_t i1 = std::min(g_.m, (ti + 1) * panels / plan_.tiles_m * kern_.mr);
    const size_t unit = plan_.stage_b ? plan_.chunk : kern_.nr, units = ceil_div(rn, unit);
    const size_t j0 = tj * units / plan_.tiles_n * unit;
    const size_t j1 = std::min(rn, (tj + 1) * units / plan_.tiles_n * unit);
    if (i0 >= i1 || j0 >= j1) return;

    std::optional<typename ASlots<T>::Lease> lease;
    if (plan_.packed) lease.emplace(slots_);
    for (size_t pc = pc0; pc < pc0 + rk; pc += plan_.kc) {
      if (exec_.cancelled()) throw_cancelled();
      BlockArgs<T> args;
      args.m = i1 - i0;
      args.k = std::min(plan_.kc, g_.k - pc);
      args.ldc = g_.ldc;
      args.alpha = g_.alpha;
      args.beta = pc == 0 ? g_.beta : T(1);  // beta once, on the first depth block
      const S* a = a_.p + i0 * a_.rs + pc * a_.cs;
      if (plan_.packed) {
        pack_a(kern_, o_.cvt, a, a_.rs, a_.cs, args.m, args.k, lease->get());
        args.a = Operand<T>{lease->get(), 0, 0, true};
      } else if constexpr (!kHalves) {
        args.a = Operand<T>{a, a_.rs, a_.cs, false};
      }
      const bool last_depth = pc + args.k == g_.k;  // C is final after this block
      T* c = g_.c + i0 * g_.ldc + jc;
      const size_t d = (pc - pc0) / plan_.kc;
      T* base = staged_ + d * plan_.kc * stride_;
      // A chunk of columns at a time, with a cancellation check in between: one depth block
      // of a whole tile can take tens of milliseconds on the portable kernels.
      for (size_t cj = j0; cj < j1; cj += plan_.chunk) {
        if (cj != j0 && exec_.cancelled()) throw_cancelled();
        args.n = std::min(plan_.chunk, j1 - cj);
        args.c = c + cj;
        if constexpr (!kHalves) {
          if (!plan_.stage_b) args.b = Operand<T>{b_.p + pc * b_.rs + jc + cj, b_.rs, 1, false};
        }
        if (plan_.stage_b) {
          states_.ensure(d, cj / plan_.chunk, [&](size_t dd, size_t cc) { stage(jc, pc0, rn, dd, cc); });
          args.b = plan_.packed ? Operand<T>{base + cj * args.k, 0, 0, true} : Operand<T>{base + cj, stride_, 1, false};
        }
        if constexpr (kHalves) {
          // C as halves: its float32 chunk starts from them (beta != 0) on the first depth
          // block, and is rounded into them once, after the last, while still in cache.
          uint16_t* c16 = o_.c16 == nullptr ? nullptr : o_.c16 + i0 * o_.ldc16 + jc + cj;
          if (c16 != nullptr && pc == 0 && g_.beta != 0.0f) convert_rows(o_.cvt->widen, c16, o_.ldc16, args.c, g_.ldc, args.m, args.n);
          kern_.block(args);
          if (c16 != nullptr && last_depth) convert_rows(o_.cvt->narrow, args.c, g_.ldc, c16, o_.ldc16, args.m, args.n);
        } else {
          kern_.block(args);
        }
      }
    }
  }

  // Copies chunk c of depth block d of the region into the staging buffer: NR panels when
  // packed, otherwise rows of op(B) (B is transposed in memory, and direct tiles want rows).
  void stage(size_t jc, size_t pc0, size_t rn, size_t d, size_t c) {
    const size_t pc = pc0 + d * plan_.kc, kd = std::min(plan_.kc, g_.k - pc);
    const size_t cj = c * plan_.chunk, cn = std::min(plan_.chunk, rn - cj);
    T* base = staged_ + d * plan_.kc * stride_;
    const S* src = b_.p + pc * b_.rs + (jc + cj) * b_.cs;
    if (plan_.packed) {
      pack_b(kern_, o_.cvt, src, b_.rs, b_.cs, kd, cn, base + cj * kd);
      return;
    }
    if constexpr (!kHalves) {
      for (size_t j = 0; j < cn; ++j)
        for (size_t p = 0; p < kd; ++p) base[p * stride_ + cj + j] = src[p * b_.rs + j * b_.cs];
    }
  }

  const Kernels<T>& kern_;
  const Operands<T, S>& o_;
  GemmArgs<T> g_;  // o_.g, with C moved to scratch when C is halves
  const Plan plan_;
  const Exec exec_;
  const View<S> a_, b_;
  const size_t stride_;  // elements between depth steps of the staged B
  const size_t depth_blocks_, chunks_;
  const size_t staged_elems_, slot_elems_;
  const unsigned slot_count_;
  const size_t c_elems_;  // float32 C, when C is halves
  Scratch scratch_;  // the staged B, then one A buffer per slot, then C when it is halves
  T* const staged_;
  ChunkStates states_;
  ASlots<T> slots_;
};

}  // namespace

template <class T>
void gemm_with(const Kernels<T>& kern, const GemmArgs<T>& g, const Exec& ex) {
  if (g.m == 0 || g.n == 0) return;
  if (g.k == 0 || g.alpha == T(0)) {
    scale_c(g);
    return;
  }
  Operands<T, T> o;
  o.g = g;
  o.a = g.a;
  o.b = g.b;
  Multiply<T, T>(kern, o, ex).run();
}

void gemm_half_packed(const Kernels<float>& kern, const HalfConvert& cvt, const HalfGemmArgs& h, const Exec& ex) {
  Operands<float, uint16_t> o;
  o.g = h.g;
  o.g.c = h.c32;
  o.a = &h.a->bits;
  o.b = &h.b->bits;
  o.cvt = &cvt;
  if (h.c32 == nullptr) {
    o.c16 = &h.c16->bits;
    o.ldc16 = h.g.ldc;
  }
  Multiply<float, uint16_t>(kern, o, ex).run();
}

template void gemm_with<float>(const Kernels<float>&, const GemmArgs<float>&, const Exec&);
template void gemm_with<double>(const Kernels<double>&, const GemmArgs<double>&, const Exec&);

}  // namespace ck
