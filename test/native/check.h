#pragma once
// The C++ kernel tests' assertion: CHECK(cond, printf-format, ...) counts a failure in
// `failures` and prints the first 20 with their file and line.
#include <cstdio>

inline int failures = 0;

#define CHECK(cond, ...)                                          \
  do {                                                            \
    if (!(cond)) {                                                \
      if (++failures <= 20) {                                     \
        std::fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
        std::fprintf(stderr, __VA_ARGS__);                        \
        std::fprintf(stderr, "\n");                               \
      }                                                           \
    }                                                             \
  } while (0)
