// C++ test of the matrix-vector kernels and driver, without Node: every ISA table this CPU
// runs is checked against a long double reference, a row's dot product must not depend on
// the rows computed with it, and gemv() must give the same bits for 1..3 threads on shapes
// that reach several tiles, row blocks and column chunks. Built and run by
// test/native/gemv.sh, natively (under sanitizers) and for arm64 under qemu. Half kernels
// (A and x widened in registers) must give the float kernels' bits on the widened arrays,
// table by table, and gemv_half the bits of gemv<float> (then rounded once for a half y).
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <vector>

#include "../../native/gemv/gemv.h"
#include "../../native/gemv/kernels.h"
#include "../../native/runtime/cpu.h"
#include "check.h"

using namespace ck;

namespace {

struct Rng {
  uint64_t s;
  double uniform() {  // splitmix64 -> [-1, 1)
    uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return static_cast<double>((z ^ (z >> 31)) >> 11) / 4503599627370496.0 - 1.0;
  }
};

template <class T>
std::vector<T> random(size_t n, uint64_t seed) {
  Rng r{seed};
  std::vector<T> v(n);
  for (T& e : v) e = static_cast<T>(r.uniform());
  return v;
}

// y = A·x or Aᵀ·x in long double, and the bound each sum's rounding error stays within:
// (terms + 2)·eps·sum|a·x| covers any summation order.
template <class T>
void reference(const std::vector<T>& a, size_t rows, size_t cols, size_t lda, const std::vector<T>& x, bool trans,
               std::vector<long double>& y, std::vector<long double>& bound) {
  const size_t out = trans ? cols : rows, inner = trans ? rows : cols;
  y.assign(out, 0);
  bound.assign(out, 0);
  for (size_t i = 0; i < rows; ++i)
    for (size_t j = 0; j < cols; ++j) {
      const long double p = static_cast<long double>(a[i * lda + j]) * x[trans ? i : j];
      y[trans ? j : i] += p;
      bound[trans ? j : i] += std::fabs(p);
    }
  const long double eps = std::numeric_limits<T>::epsilon();
  for (long double& b : bound) b *= (inner + 2) * eps;
}

template <class T>
void check_close(const char* what, const T* got, const std::vector<long double>& want,
                 const std::vector<long double>& bound) {
  for (size_t i = 0; i < want.size(); ++i)
    CHECK(std::fabs(got[i] - want[i]) <= bound[i], "%s: y[%zu] = %.17g, want %.17Lg", what, i, double(got[i]), want[i]);
}

// The table's kernels on their own, rows lda apart with a gap, every remainder of the
// vector width and of the four-row groups.
template <class T>
void check_kernels(const char* isa, const GemvKernels<T>& k) {
  for (size_t rows : {0, 1, 3, 4, 5, 9}) {
    for (size_t cols : {0, 1, 7, 16, 33, 67}) {
      const size_t lda = cols + 3;
      const std::vector<T> a = random<T>(rows * lda + 1, rows * 131 + cols);
      for (bool trans : {false, true}) {
        const std::vector<T> x = random<T>(trans ? rows : cols, cols * 7 + rows + 1);
        std::vector<T> y(trans ? cols : rows, T(0));
        if (trans) k.axpy_rows(a.data(), lda, rows, cols, x.data(), y.data());
        else k.dot_rows(a.data(), lda, rows, cols, x.data(), y.data());
        std::vector<long double> want, bound;
        reference(a, rows, cols, lda, x, trans, want, bound);
        char what[96];
        std::snprintf(what, sizeof what, "%s %s %zux%zu%s", isa, sizeof(T) == 4 ? "f32" : "f64", rows, cols,
                      trans ? " trans" : "");
        check_close(what, y.data(), want, bound);
        if (!trans) {  // each row alone gives the same bits as in its group of four
          for (size_t r = 0; r < rows; ++r) {
            T alone = T(-1);
            k.dot_rows(a.data() + r * lda, lda, 1, cols, x.data(), &alone);
            CHECK(std::memcmp(&alone, &y[r], sizeof(T)) == 0, "%s: row %zu alone differs", what, r);
          }
        }
      }
    }
  }
}

// The driver on the active table: close to the reference, and the same bits for any
// thread count. Shapes: small (one tile), tall (A·x tiles; Aᵀ·x row blocks), wide (Aᵀ·x
// column chunks), and the empty ones (zeros, as numpy gives).
template <class T>
void check_driver() {
  struct Shape {
    size_t rows, cols;
  };
  for (Shape s : {Shape{0, 5}, Shape{5, 0}, Shape{0, 0}, Shape{3, 17}, Shape{1200, 700}, Shape{40, 20000},
                  Shape{70000, 9}}) {
    const std::vector<T> a = random<T>(s.rows * s.cols, s.rows + 3 * s.cols);
    for (bool trans : {false, true}) {
      const std::vector<T> x = random<T>(trans ? s.rows : s.cols, s.rows * 5 + s.cols);
      const size_t out = trans ? s.cols : s.rows;
      std::vector<long double> want, bound;
      reference(a, s.rows, s.cols, s.cols, x, trans, want, bound);
      std::vector<T> first;
      for (unsigned threads = 1; threads <= 3; ++threads) {
        std::vector<T> y(out, T(std::nan("")));  // y is overwritten, never read
        Exec ex;
        ex.threads = threads;
        gemv(a.data(), s.rows, s.cols, s.cols, x.data(), trans, y.data(), ex);
        char what[96];
        std::snprintf(what, sizeof what, "gemv %s %zux%zu%s threads=%u", sizeof(T) == 4 ? "f32" : "f64", s.rows,
                      s.cols, trans ? " trans" : "", threads);
        check_close(what, y.data(), want, bound);
        if (threads == 1) first = y;
        else CHECK(out == 0 || std::memcmp(first.data(), y.data(), out * sizeof(T)) == 0, "%s: differs from 1 thread", what);
      }
    }
  }
}

// Halves over a wide span: normals of both signs, subnormals, zeros, and now and then an
// infinity or a NaN (rate 1 in `special`, 0 for none).
std::vector<half> random_halves(size_t n, uint64_t seed, size_t special) {
  Rng r{seed};
  const uint16_t specials[] = {0x7c00, 0xfc00, 0x7e00, 0x0001, 0x8200, 0x8000, 0x7bff};
  std::vector<half> v(n);
  for (size_t i = 0; i < n; ++i) {
    const double u = r.uniform();
    v[i].bits = special != 0 && i % special == special - 1 ? specials[(i / special) % 7]
                                                            : float_to_half(static_cast<float>(u * (i % 5 == 0 ? 1e-3 : 8)));
  }
  return v;
}

std::vector<float> widened(const std::vector<half>& h) {
  std::vector<float> f(h.size());
  for (size_t i = 0; i < h.size(); ++i) f[i] = half_to_float(h[i].bits);
  return f;
}

// The same float, or both NaN (a NaN's payload may differ with the conversion that made it).
bool same(float a, float b) { return (std::isnan(a) && std::isnan(b)) || std::memcmp(&a, &b, sizeof a) == 0; }

// A table's half kernels against its float kernels on the widened arrays: the same bits,
// with every remainder of the vector width and of the row groups, rows lda apart, and
// row offsets into A and x (unaligned starts).
void check_half_kernels(const GemvTable& t) {
  for (size_t rows : {0, 1, 3, 4, 5, 9}) {
    for (size_t cols : {0, 1, 7, 16, 33, 67}) {
      for (size_t off : {0, 1, 3}) {
        const size_t lda = cols + 3;
        const std::vector<half> a = random_halves(off + rows * lda + 1, rows * 131 + cols + off, off == 3 ? 11 : 0);
        const std::vector<float> a32 = widened(a);
        for (bool trans : {false, true}) {
          const std::vector<half> x = random_halves(off + (trans ? rows : cols), cols * 7 + rows + 1, 0);
          const std::vector<float> x32 = widened(x);
          const size_t out = trans ? cols : rows;
          std::vector<float> y(out, 0.25f), y32(out, 0.25f);  // Aᵀ·x adds into y
          if (trans) {
            t.f16.axpy_rows(a.data() + off, lda, rows, cols, x.data() + off, y.data());
            t.f32.axpy_rows(a32.data() + off, lda, rows, cols, x32.data() + off, y32.data());
          } else {
            t.f16.dot_rows(a.data() + off, lda, rows, cols, x.data() + off, y.data());
            t.f32.dot_rows(a32.data() + off, lda, rows, cols, x32.data() + off, y32.data());
          }
          for (size_t j = 0; j < out; ++j)
            CHECK(same(y[j], y32[j]), "%s f16 %zux%zu+%zu%s: y[%zu] = %.9g, the float kernel gives %.9g", t.isa, rows, cols,
                  off, trans ? " trans" : "", j, double(y[j]), double(y32[j]));
        }
      }
    }
  }
}

// gemv_half against gemv<float> on the widened arrays, through the active table and the
// driver's tiles, row blocks and column chunks (70000x9 Aᵀ·x: blocks sized for float32,
// not for the halves' bytes), for 1..3 threads: y as float32, and y as halves = the float32
// y rounded once.
void check_half_driver() {
  struct Shape {
    size_t rows, cols;
  };
  for (Shape s : {Shape{0, 5}, Shape{5, 0}, Shape{3, 17}, Shape{1200, 700}, Shape{40, 20000}, Shape{70000, 9}}) {
    const std::vector<half> a = random_halves(s.rows * s.cols, s.rows + 3 * s.cols, 0);
    const std::vector<float> a32 = widened(a);
    for (bool trans : {false, true}) {
      const std::vector<half> x = random_halves(trans ? s.rows : s.cols, s.rows * 5 + s.cols, 0);
      const std::vector<float> x32 = widened(x);
      const size_t out = trans ? s.cols : s.rows;
      std::vector<float> want(out, std::nanf(""));
      gemv(a32.data(), s.rows, s.cols, s.cols, x32.data(), trans, want.data(), Exec{});
      for (unsigned threads = 1; threads <= 3; ++threads) {
        Exec ex;
        ex.threads = threads;
        std::vector<float> y(out, std::nanf(""));
        std::vector<half> y16(out, half{0x7e00});
        gemv_half(a.data(), s.rows, s.cols, s.cols, x.data(), trans, y.data(), ex);
        gemv_half(a.data(), s.rows, s.cols, s.cols, x.data(), trans, y16.data(), ex);
        for (size_t j = 0; j < out; ++j) {
          CHECK(same(y[j], want[j]), "gemv_half %zux%zu%s threads=%u: y[%zu] = %.9g, gemv<float> gives %.9g", s.rows, s.cols,
                trans ? " trans" : "", threads, j, double(y[j]), double(want[j]));
          CHECK(y16[j].bits == float_to_half(want[j]), "gemv_half %zux%zu%s threads=%u: half y[%zu] is 0x%04x, want 0x%04x",
                s.rows, s.cols, trans ? " trans" : "", threads, j, unsigned(y16[j].bits), unsigned(float_to_half(want[j])));
        }
      }
    }
  }
}

}  // namespace

int main() {
  const GemvTable* tables[] = {gemv_table_generic(), isa_supported(Isa::avx2) ? gemv_table_avx2() : nullptr,
                               isa_supported(Isa::avx512) ? gemv_table_avx512() : nullptr,
                               isa_supported(Isa::neon) ? gemv_table_neon() : nullptr};
  int checked = 0;
  for (const GemvTable* t : tables) {
    if (t == nullptr) continue;
    check_kernels<float>(t->isa, t->f32);
    check_kernels<double>(t->isa, t->f64);
    if (t != gemv_table_avx2() || cpu_has_f16c()) check_half_kernels(*t);
    ++checked;
  }
  check_driver<float>();
  check_driver<double>();
  check_half_driver();
  std::printf("gemv: %d ISA tables, driver on %s: %s\n", checked, gemv_table().isa, failures ? "FAILED" : "ok");
  return failures ? 1 : 0;
}
