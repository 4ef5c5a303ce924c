// The per-row count paths (bit stream and plain, kernels.h's rows and rows_plain) and the
// total count against the plain C references of ../shared/peers/count_peer.c, in one sitting,
// alternating (A B A B ...), medians: 8e6 x 16 float64 per row and 2^27 float64 totals on the
// same xorshift32 data as count_peer (whose process this drives through its stdin), and the
// 200000 x 5 int32 tutorial against a plain C loop built here. Tiles as count.cc's drivers.
//   g++ -std=c++17 -O3 -march=native -pthread -Inative bench/native/count-rows.cc native/count/select.cc
//     native/count/kernels/{generic,neon}.cc native/runtime/{pool,cpu,tuning}.cc avx2.o avx512.o
//     -o /tmp/count-rows   (avx2.o / avx512.o: native/count/kernels/*.cc with their ISA flags,
//     as test/native/count.sh builds them)
//   flock /tmp/ck-bench.lock /tmp/count-rows /tmp/ck-peers/count_peer [rounds]
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "count/kernels.h"
#include "runtime/pool.h"

using namespace ck;
using Clock = std::chrono::steady_clock;

namespace {

constexpr size_t kAll = size_t(1) << 27, kRows = 8000000, kCols = 16;

struct Peer {
  FILE* in = nullptr;
  FILE* out = nullptr;
  explicit Peer(const char* path) {
    int to[2], from[2];
    if (pipe(to) != 0 || pipe(from) != 0) std::exit(2);
    if (fork() == 0) {
      dup2(to[0], 0);
      dup2(from[1], 1);
      close(to[1]);
      close(from[0]);
      execl(path, path, static_cast<char*>(nullptr));
      std::exit(127);
    }
    close(to[0]);
    close(from[1]);
    in = fdopen(to[1], "w");
    out = fdopen(from[0], "r");
    char line[256];
    if (!std::fgets(line, sizeof line, out) || std::strncmp(line, "ready", 5) != 0) std::exit(3);
  }
  double call(const char* op, unsigned threads, int reps) {
    std::fprintf(in, "%s %u %d\n", op, threads, reps);
    std::fflush(in);
    char line[256];
    if (!std::fgets(line, sizeof line, out)) std::exit(4);
    return std::strtod(line, nullptr);
  }
};

double seconds(const std::function<void()>& f, int reps) {
  const auto a = Clock::now();
  for (int i = 0; i < reps; ++i) f();
  return std::chrono::duration<double>(Clock::now() - a).count() / reps;
}

template <class T>
void rows_tiled(void (*rows)(const T*, size_t, size_t, T, T, uint32_t*), const T* d, size_t nrows, size_t cols, T lo, T hi,
                uint32_t* out, unsigned threads) {
  const size_t tile_bytes = std::clamp<size_t>(nrows * cols * sizeof(T) / (threads * 8), 64 << 10, 2 << 20);
  const size_t per = std::max<size_t>(1, tile_bytes / (cols * sizeof(T)));
  parallel_for((nrows + per - 1) / per, Exec{threads, nullptr}, [&](size_t t) {
    const size_t r0 = t * per;
    rows(d + r0 * cols, std::min(per, nrows - r0), cols, lo, hi, out + r0);
  });
}

uint64_t count_tiled(uint64_t (*count)(const double*, size_t, double, double), const double* d, size_t n, double lo, double hi,
                     unsigned threads) {
  const size_t per = (2 << 20) / 8;
  std::vector<uint64_t> part((n + per - 1) / per);
  parallel_for(part.size(), Exec{threads, nullptr}, [&](size_t t) {
    part[t] = count(d + t * per, std::min(per, n - t * per), lo, hi);
  });
  uint64_t s = 0;
  for (uint64_t p : part) s += p;
  return s;
}

// The tutorial's plain C reference: each row's elements compared and summed.
__attribute__((noinline)) void tutorial_plain(const int32_t* d, size_t r0, size_t r1, uint32_t* out) {
  for (size_t r = r0; r < r1; ++r) {
    uint32_t c = 0;
    for (size_t j = 0; j < 5; ++j) c += d[r * 5 + j] >= 4 && d[r * 5 + j] <= 8;
    out[r] = c;
  }
}

// On the same pool as ours, one half of the rows per thread.
void tutorial_plain_threads(const int32_t* d, size_t rows, uint32_t* out, unsigned threads) {
  parallel_for(threads, Exec{threads, nullptr}, [&](size_t t) { tutorial_plain(d, rows * t / threads, rows * (t + 1) / threads, out); });
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s COUNT_PEER [rounds]\n", argv[0]);
    return 2;
  }
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 5;
  // Sections to run (default all): rows, count, tutorial, widths.
  const std::string only = argc > 3 ? argv[3] : "rows,count,tutorial,widths";
  const auto section = [&](const char* s) { return only.find(s) != std::string::npos; };
  Peer peer(argv[1]);
  std::vector<double> a(kAll);
  uint32_t x = 0x12345678u;
  for (size_t i = 0; i < kAll; ++i) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    a[i] = x * (1.0 / 4294967296.0);
  }
  std::vector<uint32_t> out(kRows);
  pool_reserve(1);
  const CountTable* tables[] = {count_table_avx512(), count_table_avx2()};
  for (unsigned threads : {1u, 2u}) {
    if (!section("rows")) break;
    std::vector<double> t_bits[2], t_plain[2], t_p256, t_p512, t_bw;
    for (int r = 0; r < rounds; ++r) {
      t_p512.push_back(peer.call("row512", threads, 2));
      for (int k = 0; k < 2; ++k) {
        if (tables[k] == nullptr) continue;
        t_bits[k].push_back(seconds([&] { rows_tiled(tables[k]->f64.rows, a.data(), kRows, kCols, 0.25, 0.75, out.data(), threads); }, 2));
        t_plain[k].push_back(seconds([&] { rows_tiled(tables[k]->f64.rows_plain, a.data(), kRows, kCols, 0.25, 0.75, out.data(), threads); }, 2));
      }
      t_p256.push_back(peer.call("row256", threads, 2));
      t_bw.push_back(std::min(peer.call("bw256", threads, 2), peer.call("bw512", threads, 2)));
    }
    const double bytes = double(kRows * kCols * 8);
    const double bwgb = double(kAll) * 8 / median(t_bw) * 1e-9;
    std::printf("rows 8e6x16 f64, %u thread(s), GB/s: peer row512 %.2f row256 %.2f; read bw %.2f\n", threads,
                bytes / median(t_p512) * 1e-9, bytes / median(t_p256) * 1e-9, bwgb);
    for (int k = 0; k < 2; ++k)
      if (tables[k] != nullptr)
        std::printf("  %s bits %.2f plain %.2f\n", tables[k]->isa, bytes / median(t_bits[k]) * 1e-9, bytes / median(t_plain[k]) * 1e-9);
  }
  for (unsigned threads : {1u, 2u}) {
    if (!section("count")) break;
    std::vector<double> t_c[2], t_p256, t_p512;
    for (int r = 0; r < rounds; ++r) {
      t_p512.push_back(peer.call("count512", threads, 2));
      for (int k = 0; k < 2; ++k)
        if (tables[k] != nullptr)
          t_c[k].push_back(seconds([&] { (void)count_tiled(tables[k]->f64.count, a.data(), kAll, 0.25, 0.75, threads); }, 2));
      t_p256.push_back(peer.call("count256", threads, 2));
    }
    const double bytes = double(kAll) * 8;
    std::printf("count 1 GiB f64, %u thread(s), GB/s: peer count512 %.2f count256 %.2f;", threads, bytes / median(t_p512) * 1e-9,
                bytes / median(t_p256) * 1e-9);
    for (int k = 0; k < 2; ++k)
      if (tables[k] != nullptr) std::printf(" %s %.2f", tables[k]->isa, bytes / median(t_c[k]) * 1e-9);
    std::printf("\n");
  }
  // The tutorial: 200000 x 5 int32 in [0, 10), 4 <= x <= 8.
  const size_t trows = 200000;
  std::vector<int32_t> t(trows * 5);
  for (size_t i = 0; i < t.size(); ++i) t[i] = static_cast<int32_t>((a[i] * 10));
  std::vector<uint32_t> tout(trows), want(trows);
  tutorial_plain(t.data(), 0, trows, want.data());
  for (unsigned threads : {1u, 2u}) {
    if (!section("tutorial")) break;
    std::vector<double> t_ref, t_bits[2], t_plain[2];
    for (int r = 0; r < rounds * 20; ++r) {
      t_ref.push_back(seconds([&] { tutorial_plain_threads(t.data(), trows, tout.data(), threads); }, 5));
      for (int k = 0; k < 2; ++k) {
        if (tables[k] == nullptr) continue;
        t_bits[k].push_back(seconds([&] { rows_tiled(tables[k]->i32.rows, t.data(), trows, 5, 4, 8, tout.data(), threads); }, 5));
        t_plain[k].push_back(seconds([&] { rows_tiled(tables[k]->i32.rows_plain, t.data(), trows, 5, 4, 8, tout.data(), threads); }, 5));
      }
    }
    if (tout != want) std::printf("tutorial: wrong counts\n");
    std::printf("tutorial 200000x5 int32, %u thread(s), us: plain C %.1f;", threads, median(t_ref) * 1e6);
    for (int k = 0; k < 2; ++k)
      if (tables[k] != nullptr) std::printf(" %s bits %.1f plain %.1f", tables[k]->isa, median(t_bits[k]) * 1e6, median(t_plain[k]) * 1e6);
    std::printf("\n");
  }
  // Other widths, 1 thread, 256 MiB of the same float64 data: where the two paths part.
  for (size_t cols : {4, 8, 12, 32, 100, 300}) {
    if (!section("widths")) break;
    const size_t nrows = (size_t(32) << 20) / cols;
    if (out.size() < nrows) out.resize(nrows);
    std::vector<double> t_bits[2], t_plain[2];
    for (int r = 0; r < rounds; ++r)
      for (int k = 0; k < 2; ++k) {
        if (tables[k] == nullptr) continue;
        t_bits[k].push_back(seconds([&] { rows_tiled(tables[k]->f64.rows, a.data(), nrows, cols, 0.25, 0.75, out.data(), 1); }, 2));
        t_plain[k].push_back(seconds([&] { rows_tiled(tables[k]->f64.rows_plain, a.data(), nrows, cols, 0.25, 0.75, out.data(), 1); }, 2));
      }
    std::printf("rows %zux%zu f64, 1 thread, GB/s:", nrows, cols);
    const double bytes = double(nrows * cols * 8);
    for (int k = 0; k < 2; ++k)
      if (tables[k] != nullptr) std::printf(" %s bits %.2f plain %.2f", tables[k]->isa, bytes / median(t_bits[k]) * 1e-9, bytes / median(t_plain[k]) * 1e-9);
    std::printf("\n");
  }
  std::fclose(peer.in);
  wait(nullptr);
  return 0;
}
