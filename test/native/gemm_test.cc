// Native GEMM test: every kernel table this CPU can run (generic, avx2, avx512 on x64;
// generic, neon on arm64) against a naive reference, over shapes chosen to hit every
// register-tile edge, both paths (direct and packed), several depth blocks and regions,
// transposes, leading dimensions, alpha and beta; plus BLAS corner cases, bit-identical
// results for 1..4 threads, and cancellation. Batched products (gemm_batch) must equal their
// products run one by one through gemm, bit for bit, on every path and thread count; half
// operands (gemm_half_with) the float32 GEMM of the widened operands, bit for bit, on every
// table with every half conversion the CPU has. Prints one line per table; exit status 1 on
// any failure.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "../../native/gemm/batch.h"
#include "../../native/gemm/driver.h"
#include "../../native/gemm/gemm.h"
#include "../../native/gemm/plan.h"
#include "../../native/gemm/staging.h"
#include "../../native/runtime/cancel.h"

namespace {

using ck::GemmArgs;
using ck::gemm_kernels::Kernels;

struct Rng {
  uint64_t s;
  uint32_t next() {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<uint32_t>(s >> 33);
  }
  double uniform() { return next() / 2147483648.0 - 1.0; }  // [-1, 1)
  size_t below(size_t n) { return next() % n; }
};

// A stored operand with padding (NaN, so reading it shows) around the logical matrix.
template <class T>
struct Stored {
  std::vector<T> data;
  size_t ld = 0;
};

template <class T>
Stored<T> make_stored(Rng& rng, size_t rows, size_t cols, size_t pad, bool fill_nan) {
  Stored<T> s;
  s.ld = cols + pad;
  s.data.assign(rows * s.ld + 1, std::numeric_limits<T>::quiet_NaN());
  for (size_t r = 0; r < rows; ++r)
    for (size_t c = 0; c < cols; ++c) s.data[r * s.ld + c] = fill_nan ? std::numeric_limits<T>::quiet_NaN() : static_cast<T>(rng.uniform());
  return s;
}

struct Shape {
  size_t m, n, k;
  bool ta, tb;
  double alpha, beta;
  size_t pad_a, pad_b, pad_c;
};

struct Failures {
  int count = 0;
  void report(const std::string& what) {
    if (++count <= 10) std::printf("  FAIL %s\n", what.c_str());
  }
};

std::string describe(const char* name, const Shape& s, unsigned threads) {
  char buf[256];
  std::snprintf(buf, sizeof buf, "%s m=%zu n=%zu k=%zu ta=%d tb=%d alpha=%g beta=%g pads=%zu,%zu,%zu threads=%u", name, s.m,
                s.n, s.k, s.ta, s.tb, s.alpha, s.beta, s.pad_a, s.pad_b, s.pad_c, threads);
  return buf;
}

// Runs one shape on `kern` with `threads` and checks it against the reference; returns C.
template <class T>
std::vector<T> check(const Kernels<T>& kern, const Shape& s, unsigned threads, uint64_t seed, Failures& f) {
  Rng rng{seed};
  const bool beta_zero = s.beta == 0;
  Stored<T> a = make_stored<T>(rng, s.ta ? s.k : s.m, s.ta ? s.m : s.k, s.pad_a, false);
  Stored<T> b = make_stored<T>(rng, s.tb ? s.n : s.k, s.tb ? s.k : s.n, s.pad_b, false);
  Stored<T> c = make_stored<T>(rng, s.m, s.n, s.pad_c, beta_zero);  // beta == 0: C is NaN and must not leak
  const std::vector<T> c0 = c.data;

  GemmArgs<T> g;
  g.m = s.m, g.n = s.n, g.k = s.k;
  g.trans_a = s.ta, g.trans_b = s.tb;
  g.alpha = static_cast<T>(s.alpha), g.beta = static_cast<T>(s.beta);
  g.a = a.data.data(), g.lda = a.ld, g.b = b.data.data(), g.ldb = b.ld, g.c = c.data.data(), g.ldc = c.ld;
  ck::Exec ex;
  ex.threads = threads;
  ck::gemm_with(kern, g, ex);

  const double eps = std::numeric_limits<T>::epsilon();
  auto at_a = [&](size_t i, size_t p) { return static_cast<double>(s.ta ? a.data[p * a.ld + i] : a.data[i * a.ld + p]); };
  auto at_b = [&](size_t p, size_t j) { return static_cast<double>(s.tb ? b.data[j * b.ld + p] : b.data[p * b.ld + j]); };
  for (size_t i = 0; i < s.m; ++i) {
    for (size_t j = 0; j < s.n; ++j) {
      double sum = 0, mag = 0;
      for (size_t p = 0; p < s.k; ++p) {
        sum += at_a(i, p) * at_b(p, j);
        mag += std::fabs(at_a(i, p) * at_b(p, j));
      }
      const double old = beta_zero ? 0 : static_cast<double>(c0[i * c.ld + j]);
      const double want = static_cast<double>(g.alpha) * sum + (beta_zero ? 0 : static_cast<double>(g.beta) * old);
      const double tol = 4 * (static_cast<double>(s.k) + 2) * eps * (std::fabs(s.alpha) * mag + std::fabs(s.beta * old)) + 1e-30;
      const double got = static_cast<double>(c.data[i * c.ld + j]);
      if (!(std::fabs(got - want) <= tol)) {
        f.report(describe(kern.name, s, threads) + " at (" + std::to_string(i) + "," + std::to_string(j) +
                 ") got " + std::to_string(got) + " want " + std::to_string(want));
        return c.data;
      }
    }
  }
  // Padding of C (and the element past its end) untouched.
  for (size_t idx = 0; idx < c.data.size(); ++idx) {
    const size_t i = idx / c.ld, j = idx % c.ld;
    if (i < s.m && j < s.n) continue;
    if (std::memcmp(&c.data[idx], &c0[idx], sizeof(T)) != 0) {
      f.report(describe(kern.name, s, threads) + " wrote padding at " + std::to_string(idx));
      break;
    }
  }
  return c.data;
}

const size_t kEdges[] = {1, 2, 3, 5, 7, 8, 9, 13, 14, 15, 16, 17, 31, 32, 33, 47, 63, 64, 65, 100, 129, 160, 200, 257};

template <class T>
void run_table(const Kernels<T>& kern, Failures& f, bool quick) {
  Rng rng{0x5eed ^ kern.mr ^ (kern.nr << 8)};
  const double scalars[] = {1, 0, -1, 0.5, 2, -0.75};
  const size_t count = quick ? 150 : 500;
  // Random shapes from the edge list.
  for (size_t t = 0; t < count; ++t) {
    const size_t ne = sizeof kEdges / sizeof kEdges[0];
    Shape s{kEdges[rng.below(ne)], kEdges[rng.below(ne)], kEdges[rng.below(ne)], rng.below(2) == 1, rng.below(2) == 1,
            scalars[rng.below(6)], scalars[rng.below(6)], rng.below(3), rng.below(3), rng.below(3)};
    if (s.alpha == 0) s.alpha = 1.5;  // alpha == 0 has its own test below
    check(kern, s, 1 + static_cast<unsigned>(t % 3), rng.next(), f);
  }
  // Many depth blocks and depth regions; a B too wide for one region; a register-tile
  // multiple; tall and skinny shapes.
  const Shape big[] = {
      {70, 90, 1500, false, false, 1, 0, 0, 0, 0},  {123, 301, 700, true, true, -0.5, 0.25, 1, 2, 3},
      {40, 9000, 150, false, true, 1, 1, 0, 0, 0},  {2 * kern.mr, 8 * kern.nr, 96, false, false, 1, 0, 0, 0, 0},
      {3000, 24, 40, true, false, 2, 0, 0, 1, 0},   {24, 40, 3000, false, true, 1, -1, 2, 0, 1},
  };
  for (const Shape& s : big) check(kern, s, 2, rng.next(), f);

  // Around the small products that take the direct path although wider than its panels
  // (plan.h's kSmallDirect): each of m, n, k one below, at and above it, and widths on
  // either side of the direct panels; every combination of transposes, alpha and beta.
  const size_t side[] = {ck::kSmallDirect - 1, ck::kSmallDirect, ck::kSmallDirect + 1};
  const size_t widths[] = {4 * kern.nr, 4 * kern.nr + 1, std::min(8 * kern.nr, ck::kSmallDirect), ck::kSmallDirect + 1};
  for (size_t t = 0; t < (quick ? 12u : 36u); ++t) {
    Shape s{side[t % 3], widths[(t / 3) % 4], side[(t / 12 + t) % 3], t % 2 == 1, (t / 2) % 2 == 1,
            scalars[t % 6] == 0 ? 1.5 : scalars[t % 6], scalars[(t + 3) % 6], t % 3, (t + 1) % 3, (t + 2) % 3};
    const std::vector<T> one = check(kern, s, 1, 7 + t, f);
    const std::vector<T> two = check(kern, s, 2, 7 + t, f);
    if (std::memcmp(one.data(), two.data(), one.size() * sizeof(T)) != 0) f.report(describe(kern.name, s, 2) + " differs from 1 thread");
  }

  // Each side of the table's own boundaries, whatever its register tile: one row or column
  // short of, at and past a whole tile, and around the width where B stops being read in
  // place (plan.h's packs(): 4 NR panels) and m where A starts being packed (2 MR panels);
  // k past kSmallDirect too, where those panel limits alone decide (below it small products
  // stay direct).
  const size_t rows[] = {kern.mr - 1, kern.mr, kern.mr + 1, 2 * kern.mr, 2 * kern.mr + 1, 3 * kern.mr - 1};
  const size_t cols[] = {kern.nr - 1, kern.nr, kern.nr + 1, 4 * kern.nr, 4 * kern.nr + 1, 5 * kern.nr - 1};
  for (size_t k : {size_t{37}, ck::kSmallDirect + 3}) {
    for (size_t m : rows) {
      for (size_t n : cols) check(kern, Shape{m, n, k, false, false, 1, 0.5, 0, 0, 0}, 1, rng.next(), f);
    }
  }

  // Bit-identical for any thread count, on both paths.
  const Shape inv[] = {{301, 257, 450, false, false, 1, 0, 0, 0, 0},
                       {250, 40, 300, true, true, 0.5, 2, 1, 1, 1},
                       {17, 700, 260, false, true, 1, 1, 0, 0, 0}};
  for (const Shape& s : inv) {
    const std::vector<T> one = check(kern, s, 1, 99, f);
    for (unsigned th = 2; th <= 4; ++th) {
      const std::vector<T> many = check(kern, s, th, 99, f);
      if (std::memcmp(one.data(), many.data(), one.size() * sizeof(T)) != 0) f.report(describe(kern.name, s, th) + " differs from 1 thread");
    }
  }
}

// BLAS corner cases that must not read what they are not supposed to.
template <class T>
void corner_cases(const Kernels<T>& kern, Failures& f) {
  const T nan = std::numeric_limits<T>::quiet_NaN();
  ck::Exec ex;
  ex.threads = 2;
  // alpha == 0: A and B are NaN and never read; C = beta·C.
  {
    std::vector<T> a(6, nan), b(6, nan), c{1, 2, 3, 4};
    GemmArgs<T> g;
    g.m = 2, g.n = 2, g.k = 3, g.alpha = 0, g.beta = 2, g.a = a.data(), g.lda = 3, g.b = b.data(), g.ldb = 2, g.c = c.data(), g.ldc = 2;
    ck::gemm_with(kern, g, ex);
    if (c != std::vector<T>{2, 4, 6, 8}) f.report(std::string(kern.name) + " alpha=0 read A or B");
  }
  // k == 0, beta == 0: C is overwritten with zeros even when it held NaN.
  {
    std::vector<T> c(4, nan);
    GemmArgs<T> g;
    g.m = 2, g.n = 2, g.k = 0, g.c = c.data(), g.ldc = 2, g.lda = 1, g.ldb = 2;
    ck::gemm_with(kern, g, ex);
    if (c != std::vector<T>(4, T(0))) f.report(std::string(kern.name) + " k=0 beta=0 did not zero C");
  }
  // Cancellation before the first tile: throws ck::Cancelled, no crash.
  {
    const size_t n = 256;
    std::vector<T> a(n * n, T(1)), b(n * n, T(1)), c(n * n);
    GemmArgs<T> g;
    g.m = g.n = g.k = n, g.a = a.data(), g.lda = n, g.b = b.data(), g.ldb = n, g.c = c.data(), g.ldc = n;
    ck::CancelToken token;
    token.cancel();
    ck::Exec cex;
    cex.threads = 2;
    cex.cancel = &token;
    bool thrown = false;
    try {
      ck::gemm_with(kern, g, cex);
    } catch (const ck::Cancelled&) {
      thrown = true;
    }
    if (!thrown) f.report(std::string(kern.name) + " ignored a cancelled token");
  }
}

// One stack of products: `stride_x` 0 shares a matrix; otherwise matrices `gap` elements
// beyond their extent apart (0 = packed one after another, the collapsible layout).
struct BatchShape {
  size_t batch, m, n, k;
  bool ta, tb;
  double alpha, beta;
  bool share_a, share_b;
  size_t pad, gap;
};

template <class T>
void batch_matches_gemm(const Kernels<T>& kern, const BatchShape& s, Failures& f) {
  Rng rng{s.batch * 131 + s.m * 7 + s.n * 3 + s.k};
  const T nan = std::numeric_limits<T>::quiet_NaN();
  const size_t lda = (s.ta ? s.m : s.k) + s.pad, ldb = (s.tb ? s.k : s.n) + s.pad, ldc = s.n + s.pad;
  const size_t ext_a = (s.ta ? s.k : s.m) * lda, ext_b = (s.tb ? s.n : s.k) * ldb, ext_c = s.m * ldc;
  const size_t sa = s.share_a ? 0 : ext_a + s.gap, sb = s.share_b ? 0 : ext_b + s.gap, sc = ext_c + s.gap;
  std::vector<T> a(sa * s.batch + ext_a + 1), b(sb * s.batch + ext_b + 1), c0(sc * s.batch + 1);
  for (T& x : a) x = static_cast<T>(rng.uniform());
  for (T& x : b) x = static_cast<T>(rng.uniform());
  for (T& x : c0) x = s.beta == 0 ? nan : static_cast<T>(rng.uniform());
  ck::BatchArgs<T> ba;
  ba.g.m = s.m, ba.g.n = s.n, ba.g.k = s.k, ba.g.trans_a = s.ta, ba.g.trans_b = s.tb;
  ba.g.alpha = static_cast<T>(s.alpha), ba.g.beta = static_cast<T>(s.beta);
  ba.g.a = a.data(), ba.g.lda = lda, ba.g.b = b.data(), ba.g.ldb = ldb, ba.g.ldc = ldc;
  ba.batch = s.batch, ba.stride_a = sa, ba.stride_b = sb, ba.stride_c = sc;
  std::vector<T> want = c0;
  for (size_t i = 0; i < s.batch; ++i) {
    GemmArgs<T> g = ba.g;
    g.a += i * sa, g.b += i * sb, g.c = want.data() + i * sc;
    ck::gemm_with(kern, g, ck::Exec{});
  }
  char what[200];
  std::snprintf(what, sizeof what, "%s batch=%zu m=%zu n=%zu k=%zu ta=%d tb=%d share=%d%d pad=%zu gap=%zu", kern.name, s.batch,
                s.m, s.n, s.k, s.ta, s.tb, s.share_a, s.share_b, s.pad, s.gap);
  for (unsigned threads = 1; threads <= 3; ++threads) {
    std::vector<T> got = c0;
    ba.g.c = got.data();
    ck::gemm_batch_with(kern, ba, ck::Exec{threads, nullptr});
    if (std::memcmp(got.data(), want.data(), got.size() * sizeof(T)) != 0) {
      f.report(std::string(what) + " threads=" + std::to_string(threads) + " differs from one gemm per product");
      return;
    }
  }
}

template <class T>
void batch_cases(const Kernels<T>& kern, Failures& f) {
  const BatchShape shapes[] = {
      {1000, 8, 8, 8, false, false, 1, 0, false, false, 0, 0},   // many tiny products: grouped, direct
      {777, 8, 8, 8, true, true, -0.5, 2, false, false, 1, 3},   // transposes, padding, gaps
      {300, 3, 5, 7, false, true, 1, 1, true, false, 0, 1},      // A shared (stride 0)
      {300, 5, 3, 7, true, false, 2, 0, false, true, 2, 0},      // B shared
      {64, 9, 13, 1, false, false, 1, 0.5, false, true, 0, 0},   // collapsible: one product of 576 rows
      {5, 8, 8, 1500, false, true, 1, 0.5, false, false, 0, 0},  // several depth blocks, transposed B staged
      {9, 40, 100, 30, false, false, 0.5, 0, false, false, 1, 2}, // packed products, grouped
      {3, 200, 200, 200, true, false, 1, -1, false, false, 0, 0}, // each product on the whole pool
      {40, 6, 6, 0, false, false, 1, 0, false, false, 0, 0},      // k == 0: C zeroed
      {1, 33, 17, 9, false, false, 1, 0, false, false, 0, 0},     // batch 1: plain gemm
      {0, 4, 4, 4, false, false, 1, 0, false, false, 0, 0},       // batch 0: nothing
  };
  for (const BatchShape& s : shapes) batch_matches_gemm(kern, s, f);
  // A cancelled token stops a stack of small products too.
  std::vector<T> a(64 * 1000, T(1)), c(64 * 1000);
  ck::BatchArgs<T> ba;
  ba.g.m = ba.g.n = ba.g.k = 8, ba.g.a = a.data(), ba.g.b = a.data(), ba.g.c = c.data(), ba.g.lda = ba.g.ldb = ba.g.ldc = 8;
  ba.batch = 1000, ba.stride_a = ba.stride_b = ba.stride_c = 64;
  ck::CancelToken token;
  token.cancel();
  bool thrown = false;
  try {
    ck::gemm_batch_with(kern, ba, ck::Exec{2, &token});
  } catch (const ck::Cancelled&) {
    thrown = true;
  }
  if (!thrown) f.report(std::string(kern.name) + " gemm_batch ignored a cancelled token");
}

// Half operands (gemm_half_with, on `kern` with the conversions `cvt`): C as float32 is bit
// for bit the float32 GEMM (gemm_with, same table) of the operands widened beforehand, and C
// as halves is that rounded once (to nearest even); padding around C is never written, nor
// C read when beta == 0. Packed shapes (A and B widened as they are packed, C narrowed per
// chunk: many depth blocks and B regions with tiny caches), direct ones (widened copies),
// edge sizes, transposes, alpha and beta, k = 0, alpha = 0, 1..3 threads.
void half_products(const Kernels<float>& kern, const ck::HalfConvert& cvt, Failures& f, bool quick) {
  Rng rng{99 ^ kern.mr ^ (kern.nr << 8)};
  const size_t big = 5 * kern.nr;  // wider than the direct path's B, whatever the table
  std::vector<Shape> shapes = {
      {37, 29, 50, false, false, 1, 0, 3, 1, 2},       {64, 70, 33, true, false, 0.5, -2, 0, 5, 1},
      {9, 130, 200, false, true, -1, 1, 2, 0, 4},      {5, 6, 0, true, true, 1, 3, 1, 1, 1},
      {100, 300, 150, false, false, 1, 0, 1, 2, 3},    {131, 257, 301, true, true, -0.5, 0.25, 0, 1, 2},
      {61, big + 7, 1500, false, true, 2, 1, 3, 0, 1}, {200, 700, 90, true, false, 1, -1, 0, 0, 0},
      {3 * kern.mr + 1, big, 17, false, false, 1, 0.5, 0, 0, 0}, {40, big, 10, false, false, 0, 2, 1, 1, 1},
      {2 * kern.mr + 1, 4 * kern.nr + 1, 1, true, true, 1, 0, 0, 0, 0},
  };
  const double scalars[] = {1, 0, -1, 0.5, 2, -0.75};
  const size_t ne = sizeof kEdges / sizeof kEdges[0];
  for (size_t t = 0; t < (quick ? 8u : 24u); ++t)
    shapes.push_back(Shape{kEdges[rng.below(ne)], kEdges[rng.below(ne)], kEdges[rng.below(ne)], rng.below(2) == 1, rng.below(2) == 1,
                           scalars[rng.below(6)] + 0.25, scalars[rng.below(6)], rng.below(3), rng.below(3), rng.below(3)});
  auto widen = [](const std::vector<ck::half>& h) {
    std::vector<float> w(h.size());
    for (size_t i = 0; i < h.size(); ++i) w[i] = ck::half_to_float(h[i].bits);
    return w;
  };
  for (const Shape& s : shapes)
    for (unsigned threads = 1; threads <= 3; ++threads) {
      auto halves = [&](size_t rows, size_t cols, size_t pad, bool fill_nan) {
        const Stored<float> x = make_stored<float>(rng, rows, cols, pad, fill_nan);
        std::vector<ck::half> h(x.data.size());
        for (size_t i = 0; i < h.size(); ++i) h[i] = ck::half{ck::float_to_half(x.data[i])};
        return std::make_pair(h, x.ld);
      };
      const auto [a, lda] = halves(s.ta ? s.k : s.m, s.ta ? s.m : s.k, s.pad_a, false);
      const auto [b, ldb] = halves(s.tb ? s.n : s.k, s.tb ? s.k : s.n, s.pad_b, false);
      auto [c16, ldc] = halves(s.m, s.n, s.pad_c, s.beta == 0);  // beta == 0: C is NaN and must not leak
      const std::vector<float> wa = widen(a), wb = widen(b);
      std::vector<float> want = widen(c16), c32 = want;
      ck::Exec ex;
      ex.threads = threads;
      GemmArgs<float> g;
      g.m = s.m, g.n = s.n, g.k = s.k, g.trans_a = s.ta, g.trans_b = s.tb, g.alpha = float(s.alpha), g.beta = float(s.beta);
      g.lda = lda, g.ldb = ldb, g.ldc = ldc;
      GemmArgs<float> ref = g;
      ref.a = wa.data(), ref.b = wb.data(), ref.c = want.data();
      ck::gemm_with(kern, ref, ex);
      ck::HalfGemmArgs h;
      h.g = g, h.a = a.data(), h.b = b.data(), h.c32 = c32.data();
      ck::gemm_half_with(kern, cvt, h, ex);
      const std::vector<ck::half> c16_before = c16;
      h.c32 = nullptr, h.c16 = c16.data();
      ck::gemm_half_with(kern, cvt, h, ex);
      bool same32 = true, same16 = true;
      for (size_t i = 0; i < want.size(); ++i) {
        const bool inside = i / ldc < s.m && i % ldc < s.n;
        same32 &= std::memcmp(&want[i], &c32[i], 4) == 0;
        const uint16_t expect16 = inside ? ck::float_to_half(want[i]) : c16_before[i].bits;
        same16 &= c16[i].bits == expect16;
      }
      const std::string where = std::string(kern.name) + " " + cvt.name;
      if (!same32) f.report(describe((where + " half into float32").c_str(), s, threads));
      if (!same16) f.report(describe((where + " half into halves").c_str(), s, threads));
    }
}

// Stacks of half products (gemm_batch_half_with): C as float32 is bit for bit the float32
// stack (gemm_batch_with) of the widened operands in the same layout, and C as halves that
// rounded once, with nothing between or around the C matrices touched. Shapes: the stack
// shapes above, runs of products cut by the scratch budget (320 products of 20x100x100),
// and products too large for it (one half GEMM each); 1 and 3 threads.
void half_batch_matches(const Kernels<float>& kern, const ck::HalfConvert& cvt, const BatchShape& s, Failures& f) {
  Rng rng{s.batch * 31 + s.m * 5 + s.n * 3 + s.k};
  const size_t lda = (s.ta ? s.m : s.k) + s.pad, ldb = (s.tb ? s.k : s.n) + s.pad, ldc = s.n + s.pad;
  const size_t ext_a = (s.ta ? s.k : s.m) * lda, ext_b = (s.tb ? s.n : s.k) * ldb, ext_c = s.m * ldc;
  const size_t sa = s.share_a ? 0 : ext_a + s.gap, sb = s.share_b ? 0 : ext_b + s.gap, sc = ext_c + s.gap;
  auto halves = [&](size_t n, bool nan) {
    std::vector<ck::half> h(n);
    for (ck::half& x : h) x.bits = nan ? 0x7e00 : ck::float_to_half(static_cast<float>(rng.uniform()));
    return h;
  };
  auto widen = [](const std::vector<ck::half>& h) {
    std::vector<float> w(h.size());
    for (size_t i = 0; i < h.size(); ++i) w[i] = ck::half_to_float(h[i].bits);
    return w;
  };
  const std::vector<ck::half> a = halves(sa * s.batch + ext_a + 1, false), b = halves(sb * s.batch + ext_b + 1, false);
  const std::vector<ck::half> c0 = halves(sc * s.batch + 1, s.beta == 0);  // beta == 0: C is NaN and must not leak
  const std::vector<float> wa = widen(a), wb = widen(b);
  ck::BatchArgs<float> ref;
  ref.g.m = s.m, ref.g.n = s.n, ref.g.k = s.k, ref.g.trans_a = s.ta, ref.g.trans_b = s.tb;
  ref.g.alpha = static_cast<float>(s.alpha), ref.g.beta = static_cast<float>(s.beta);
  ref.g.lda = lda, ref.g.ldb = ldb, ref.g.ldc = ldc;
  ref.batch = s.batch, ref.stride_a = sa, ref.stride_b = sb, ref.stride_c = sc;
  std::vector<float> want = widen(c0);
  ref.g.a = wa.data(), ref.g.b = wb.data(), ref.g.c = want.data();
  ck::gemm_batch_with(kern, ref, ck::Exec{});
  char what[200];
  std::snprintf(what, sizeof what, "%s %s half stack batch=%zu m=%zu n=%zu k=%zu ta=%d tb=%d share=%d%d pad=%zu gap=%zu", kern.name,
                cvt.name, s.batch, s.m, s.n, s.k, s.ta, s.tb, s.share_a, s.share_b, s.pad, s.gap);
  for (unsigned threads : {1u, 3u}) {
    ck::HalfBatchArgs hb;
    hb.h.g = ref.g;
    hb.h.a = a.data(), hb.h.b = b.data();
    hb.batch = s.batch, hb.stride_a = sa, hb.stride_b = sb, hb.stride_c = sc;
    std::vector<float> c32 = widen(c0);
    hb.h.c32 = c32.data();
    ck::gemm_batch_half_with(kern, cvt, hb, ck::Exec{threads, nullptr});
    std::vector<ck::half> c16 = c0;
    hb.h.c32 = nullptr, hb.h.c16 = c16.data();
    ck::gemm_batch_half_with(kern, cvt, hb, ck::Exec{threads, nullptr});
    bool same32 = true, same16 = true;
    for (size_t i = 0; i < want.size(); ++i) {
      same32 &= std::memcmp(&want[i], &c32[i], 4) == 0;
      const size_t p = sc == 0 ? 0 : i / sc, e = sc == 0 ? i : i % sc;
      const bool inside = p < s.batch && e < ext_c && e % ldc < s.n;
      same16 &= c16[i].bits == (inside ? ck::float_to_half(want[i]) : c0[i].bits);
    }
    if (!same32) f.report(std::string(what) + " threads=" + std::to_string(threads) + " into float32");
    if (!same16) f.report(std::string(what) + " threads=" + std::to_string(threads) + " into halves");
  }
}

void half_batch_cases(const Kernels<float>& kern, const ck::HalfConvert& cvt, Failures& f) {
  const BatchShape shapes[] = {
      {1000, 8, 8, 8, false, false, 1, 0, false, false, 0, 0},   {777, 8, 8, 8, true, true, -0.5, 2, false, false, 1, 3},
      {300, 3, 5, 7, false, true, 1, 1, true, false, 0, 1},      {300, 5, 3, 7, true, false, 2, 0, false, true, 2, 0},
      {64, 9, 13, 1, false, false, 1, 0.5, false, true, 0, 0},   {5, 8, 8, 1500, false, true, 1, 0.5, false, false, 0, 0},
      {9, 40, 100, 30, false, false, 0.5, 0, false, false, 1, 2}, {40, 6, 6, 0, false, false, 1, 0, false, false, 0, 0},
      {320, 20, 100, 100, true, false, 1, 0.5, false, false, 1, 1}, // runs of products (the scratch budget)
      {2, 1500, 1500, 4, false, true, 1, -1, false, false, 0, 5},   // one half GEMM per product
      {1, 33, 17, 9, false, false, 1, 0, false, false, 0, 0},     {0, 4, 4, 4, false, false, 1, 0, false, false, 0, 0},
  };
  for (const BatchShape& s : shapes) half_batch_matches(kern, cvt, s, f);
}

// gemm_half (the active table and conversions) is gemm_half_with on them.
void half_entry(Failures& f) {
  Rng rng{7};
  const size_t m = 70, n = 300, k = 40;
  std::vector<ck::half> a(m * k), b(k * n), c1(m * n), c2(m * n);
  for (ck::half& x : a) x = ck::half{ck::float_to_half(static_cast<float>(rng.uniform()))};
  for (ck::half& x : b) x = ck::half{ck::float_to_half(static_cast<float>(rng.uniform()))};
  ck::HalfGemmArgs h;
  h.g.m = m, h.g.n = n, h.g.k = k, h.g.lda = k, h.g.ldb = n, h.g.ldc = n;
  h.a = a.data(), h.b = b.data(), h.c16 = c1.data();
  ck::gemm_half(h, ck::Exec{});
  h.c16 = c2.data();
  ck::gemm_half_with(*ck::gemm_kernels::active_tables().f32, ck::half_convert(), h, ck::Exec{});
  if (std::memcmp(c1.data(), c2.data(), c1.size() * sizeof(ck::half)) != 0) f.report("gemm_half differs from gemm_half_with on the active tables");
}

// A thread that finds its chunk of B being staged by another stages later chunks meanwhile,
// but only the region's: the last region of a B split along n is narrower than the table,
// and a chunk past it lies past B's columns (staging one read beyond B: a heap-use-after-free
// under ASan, intermittent end to end since it needs two threads to meet on a chunk).
void chunk_states_stay_in_region(Failures& f) {
  const size_t depth_blocks = 2, table_chunks = 8, region_chunks = 3, d = 1, last = region_chunks - 1;
  ck::ChunkStates states(depth_blocks, table_chunks);
  states.reset(depth_blocks, region_chunks);
  std::atomic<bool> busy{false}, waiting{false};
  std::atomic<size_t> outside{0};
  // Holds the region's last chunk busy until this thread has been waiting on it for a while.
  std::thread stager([&] {
    states.ensure(d, last, [&](size_t, size_t) {
      busy.store(true);
      while (!waiting.load()) std::this_thread::yield();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    });
  });
  while (!busy.load()) std::this_thread::yield();
  waiting.store(true);
  states.ensure(d, last, [&](size_t dd, size_t c) {
    if (dd != d || c >= region_chunks) outside.fetch_add(1);
  });
  stager.join();
  if (outside.load() != 0) f.report("ChunkStates staged " + std::to_string(outside.load()) + " chunks outside the region");
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  int failed = 0, tables = 0;
  {
    Failures f;
    chunk_states_stay_in_region(f);
    std::printf("staging: %s\n", f.count == 0 ? "ok" : "FAILED");
    failed += f.count;
  }
  for (ck::Isa isa : {ck::Isa::generic, ck::Isa::neon, ck::Isa::avx2, ck::Isa::avx512}) {
    const ck::gemm_kernels::KernelTables* t = ck::gemm_kernels::tables_for(isa);
    if (t == nullptr) continue;
    ++tables;
    Failures f;
    run_table(*t->f64, f, quick);
    run_table(*t->f32, f, quick);
    corner_cases(*t->f64, f);
    corner_cases(*t->f32, f);
    batch_cases(*t->f64, f);
    batch_cases(*t->f32, f);
    // Half operands on this table with every conversion this CPU has (an AVX2 table with
    // the portable ones is a CPU without F16C).
    std::string conversions;
    for (const ck::HalfConvert* cvt : {ck::half_convert_portable(), ck::half_convert_f16c(), ck::half_convert_avx512(), ck::half_convert_neon()}) {
      if (cvt == nullptr) continue;
      half_products(*t->f32, *cvt, f, quick);
      half_batch_cases(*t->f32, *cvt, f);
      conversions += std::string(conversions.empty() ? "" : ", ") + cvt->name;
    }
    std::printf("%-8s %s (%zux%zu), %s (%zux%zu), halves with %s: %s\n", ck::isa_name(isa), t->f64->name, t->f64->mr, t->f64->nr,
                t->f32->name, t->f32->mr, t->f32->nr, conversions.c_str(), f.count == 0 ? "ok" : "FAILED");
    failed += f.count;
  }
  Failures hf;
  half_entry(hf);
  std::printf("gemm_half on %s (%s conversions): %s\n", ck::gemm_kernels::active_tables().f32->name,
              ck::half_convert().name, hf.count == 0 ? "ok" : "FAILED");
  failed += hf.count;
  std::printf("%d kernel tables, %d failures\n", tables, failed);
  return failed == 0 && tables > 0 ? 0 : 1;
}
