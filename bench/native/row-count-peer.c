// A plain C per-row range count, the reference for the tutorial workload (ROWS x COLS int32,
// per row LO <= x <= HI), which ../shared/peers/count_peer.c does not have. A long-lived
// process like count_peer, so that bench/limits.mjs can alternate it with corekernels:
//   request "row T R" (T threads, R calls timed), reply "<seconds per call> <check>";
//   "rowscalar T R" is the same loop with gcc's vectorizer off (a vector form of a 5-wide
//   row can lose to the scalar one): the bench takes the faster of the two. gcc 12 leaves
//   both scalar (no vector form for a group of 5 loads).
//   It prints "ready" once the data is made.
// Data: xorshift32 from 0x12345678, x % 10 (bench/lib/xorshift.mjs makes the same);
// check = sum of out[r] * (r % 13 + 1), as count_peer checks its per-row counts.
// The shape is fixed at compile time (-DROWS= -DCOLS=) so that the compiler unrolls the row:
// the strongest form a plain loop takes. Built by bench/limits.mjs:
//   gcc -O3 -march=native -fopenmp row-count-peer.c -o row_count_peer
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef ROWS
#define ROWS 200000
#endif
#ifndef COLS
#define COLS 5
#endif
#define LO 4
#define HI 8

#define COUNT_ROWS_BODY                         \
  _Pragma("omp parallel for schedule(static)")  \
  for (long r = 0; r < ROWS; r++) {             \
    uint32_t c = 0;                             \
    for (int j = 0; j < COLS; j++) {            \
      int32_t x = a[r * COLS + j];              \
      c += x >= LO && x <= HI;                  \
    }                                           \
    out[r] = c;                                 \
  }
static void count_rows(const int32_t* a, uint32_t* out) { COUNT_ROWS_BODY }
__attribute__((optimize("no-tree-vectorize"))) static void count_rows_scalar(const int32_t* a, uint32_t* out) { COUNT_ROWS_BODY }

int main(void) {
  int32_t* a = malloc(sizeof(int32_t) * ROWS * COLS);
  uint32_t* out = malloc(sizeof(uint32_t) * ROWS);
  if (!a || !out) { perror("malloc"); return 1; }
  uint32_t x = 0x12345678u;
  for (long i = 0; i < (long)ROWS * COLS; i++) { x ^= x << 13; x ^= x >> 17; x ^= x << 5; a[i] = (int32_t)(x % 10); }
  memset(out, 0, sizeof(uint32_t) * ROWS);
  printf("ready\n");
  fflush(stdout);
  char line[256];
  while (fgets(line, sizeof line, stdin)) {
    char op[32];
    int threads;
    long reps;
    if (sscanf(line, "%31s %d %ld", op, &threads, &reps) != 3 || (strcmp(op, "row") != 0 && strcmp(op, "rowscalar") != 0) || threads < 1 || reps < 1) {
      fprintf(stderr, "bad request: %s", line);
      return 2;
    }
    omp_set_num_threads(threads);
    double t0 = omp_get_wtime();
    void (*count)(const int32_t*, uint32_t*) = op[3] ? count_rows_scalar : count_rows;
    for (long r = 0; r < reps; r++) count(a, out);
    double t1 = omp_get_wtime(), check = 0;
    for (long r = 0; r < ROWS; r++) check += (double)out[r] * (double)(r % 13 + 1);
    printf("%.9e %.17g\n", (t1 - t0) / reps, check);
    fflush(stdout);
  }
  free(a);
  free(out);
  return 0;
}
