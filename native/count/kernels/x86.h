#pragma once
// <immintrin.h> for the x86 ISA files.
#if defined(__GNUC__) && !defined(__clang__)
// GCC 12's own AVX2/AVX-512 headers trip these (the _mm*_undefined_* placeholders in the
// gather and extract intrinsics, GCC bug 105593); nothing in our files reads an
// uninitialized value. The pragma covers the including translation unit.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>
