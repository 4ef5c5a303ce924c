// Where a second thread starts to pay for a range count: per-row and total counts of int32
// data from 1 to 64 MiB, on 1 and 2 threads, called back to back and with the pool idle for
// 2 ms before each call (a sleeping helper is slow to join under KVM). Mirrors count.cc's
// tiling but without its kMinBytesForHelpers cut-off, which this measures.
//   g++ -std=c++17 -O3 -pthread -Inative bench/native/count-crossover.cc native/count/select.cc \
//     native/count/kernels/{generic,neon}.cc native/runtime/{pool,cpu}.cc \
//     native/count/kernels/avx2.cc native/count/kernels/avx512.cc ... (each ISA file with its
//     flags, as test/native/count.sh builds them) -o /tmp/crossover && flock /tmp/ck-bench.lock /tmp/crossover
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "count/kernels.h"
#include "runtime/pool.h"

using namespace ck;
using Clock = std::chrono::steady_clock;

template <class F>
double median_us(F f, int idle_us) {
  std::vector<double> t;
  for (int i = 0; i < 31; ++i) {
    if (idle_us != 0) std::this_thread::sleep_for(std::chrono::microseconds(idle_us));
    const auto a = Clock::now();
    f();
    t.push_back(std::chrono::duration<double, std::micro>(Clock::now() - a).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

int main() {
  const auto& k = count_kernels<int32_t>(count_table());
  std::printf("isa %s\n", count_table().isa);
  for (size_t mib : {1, 2, 3, 4, 8, 16, 32, 64}) {
    const size_t n = mib << 18, cols = 5, rows = n / cols;
    std::vector<int32_t> d(n);
    for (size_t i = 0; i < n; ++i) d[i] = static_cast<int32_t>((i * 2654435761u >> 7) % 10);
    std::vector<uint32_t> out(rows);
    for (int idle : {0, 2000}) {
      double rows_us[2], total_us[2];
      for (unsigned threads : {1u, 2u}) {
        const Exec ex{threads, nullptr};
        const size_t per_rows = std::max<size_t>(1, (n / (threads * 8)) / cols), per = std::max<size_t>(16384, n / (threads * 8));
        rows_us[threads - 1] = median_us([&] {
          parallel_for((rows + per_rows - 1) / per_rows, ex, [&](size_t t) {
            const size_t r0 = t * per_rows;
            k.rows(d.data() + r0 * cols, std::min(rows - r0, per_rows), cols, 4, 8, out.data() + r0);
          });
        }, idle);
        total_us[threads - 1] = median_us([&] {
          parallel_for((n + per - 1) / per, ex, [&](size_t t) { (void)k.count(d.data() + t * per, std::min(n - t * per, per), 4, 8); });
        }, idle);
      }
      std::printf("%2zu MiB %s: rows 1t %7.0f us 2t %7.0f us (x%.2f) | total 1t %7.0f us 2t %7.0f us (x%.2f)\n", mib,
                  idle ? "after 2 ms idle" : "back to back   ", rows_us[0], rows_us[1], rows_us[0] / rows_us[1], total_us[0],
                  total_us[1], total_us[0] / total_us[1]);
    }
  }
  pool_shutdown();
}
