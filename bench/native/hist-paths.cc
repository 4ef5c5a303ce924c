// The histogram kernel's paths side by side on one core: 64 bins over float64 in [0, 1),
// with edges i / 64 (the guess is exact: no correction) and with numpy's histogram(x, 64)
// edges over the data's min and max (the guess is off by one near some thresholds), each
// corrected by gathers or guarded (hist.h), counted into per-element copies or pair
// tables (kernels.h HistCounters), beside a plain read of the same data. Thread CPU time
// per element, rounds alternating, so that a shared machine skews every path alike.
//   L2: the same 1 MiB again and again (the compute cost); stream: 1e8 elements (with the reads).
//   g++ -std=c++17 -O3 -pthread -Inative bench/native/hist-paths.cc native/count/select.cc
//     native/count/kernels/{generic,neon}.cc native/runtime/cpu.cc avx2.o avx512.o -o /tmp/hist-paths
//   (avx2.o, avx512.o: native/count/kernels/avx2.cc and avx512.cc built with their ISA flags,
//   as test/native/count.sh builds them); flock /tmp/ck-bench.lock /tmp/hist-paths [rounds]
//   COREKERNELS_ISA=avx2 measures the AVX2 table.
#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <vector>

#include "count/guess_check.h"
#include "count/kernels.h"

using namespace ck;

namespace {

double cpu_seconds() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

struct Edges {
  std::vector<double> lower, lower_f64;
  double upper;
  BinGuess guess;
  GuessFit fit;
  Bins<double> bins(bool guarded) const {
    const double margin = guarded && fit == GuessFit::within_one ? guess_margin(lower.data(), lower.size(), guess) : -1.0;
    return Bins<double>{lower.data(), lower.size(), upper, guess, fit == GuessFit::exact, lower_f64.data(), CellIndex{}, margin};
  }
};

// numpy's edges: first + i * ((last - first) / 64), the last one `last`.
Edges make_edges(double first, double last) {
  Edges e;
  const double step = (last - first) / 64;
  for (int i = 0; i < 64; ++i) e.lower.push_back(first + i * step);
  e.upper = last;
  e.guess = BinGuess{first, 64 / (last - first)};
  e.fit = check_guess(e.lower.data(), 64, e.upper, e.guess);
  e.lower_f64 = e.lower;
  e.lower_f64.push_back(NAN);
  return e;
}

volatile uint64_t sink;

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 9;
  const size_t n = 100000000, small = size_t(1) << 17;
  std::vector<double> a(n);
  uint32_t x = 0x12345678u;  // count_peer's data
  for (auto& v : a) x ^= x << 13, x ^= x >> 17, x ^= x << 5, v = x * (1.0 / 4294967296.0);
  const Edges exact = make_edges(0, 1), within = make_edges(*std::min_element(a.begin(), a.end()), *std::max_element(a.begin(), a.end()));
  const auto& k = count_kernels<double>(count_table());
  std::printf("table %s; edges i/64: guess %s; histogram(x, 64) edges: guess %s\n", count_table().isa,
              exact.fit == GuessFit::exact ? "exact" : "within one", within.fit == GuessFit::exact ? "exact" : "within one");
  std::vector<uint32_t> counts(8 * 80);
  std::vector<uint16_t> pairs(pair_words(64));
  auto hist = [&](const Bins<double> b, bool with_pairs) {
    return [&, b, with_pairs](const double* p, size_t len) { k.hist(p, len, b, HistScratch{counts.data(), 8, 80, with_pairs ? pairs.data() : nullptr}); };
  };
  const std::vector<std::pair<const char*, std::function<void(const double*, size_t)>>> paths = {
      {"read pass", [](const double* p, size_t len) {  // integer adds of the bit patterns: only the loads limit it
         uint64_t s = 0;
         for (size_t i = 0; i < len; ++i) {
           uint64_t u;
           std::memcpy(&u, p + i, 8);
           s += u;
         }
         sink = s;
       }},
      {"i/64, copies", hist(exact.bins(false), false)},
      {"i/64, pairs", hist(exact.bins(false), true)},
      {"x,64: gathers, copies", hist(within.bins(false), false)},
      {"x,64: guarded, copies", hist(within.bins(true), false)},
      {"x,64: guarded, pairs", hist(within.bins(true), true)},
  };
  for (const bool stream : {false, true}) {
    std::vector<std::vector<double>> ns(paths.size());
    for (int r = 0; r < rounds; ++r)
      for (size_t i = 0; i < paths.size(); ++i) {
        const double t0 = cpu_seconds();
        if (stream) paths[i].second(a.data(), n);
        else for (size_t j = 0; j < 32; ++j) paths[i].second(a.data(), small);
        ns[i].push_back((cpu_seconds() - t0) * 1e9 / double(stream ? n : 32 * small));
      }
    for (size_t i = 0; i < paths.size(); ++i) {
      std::sort(ns[i].begin(), ns[i].end());
      std::printf("%-6s %-24s %.3f ns an element (median of %d; best %.3f)\n", stream ? "stream" : "L2", paths[i].first, ns[i][ns[i].size() / 2],
                  rounds, ns[i][0]);
    }
  }
  uint64_t s = 0;
  for (uint32_t c : counts) s += c;
  sink = s;
}
