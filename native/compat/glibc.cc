// Lets one Linux binary run on every glibc from 2.28 on (the oldest Node 22 supports) though
// it is linked against a newer one. The linker sends each reference to a symbol below to
// __wrap_<symbol> (-Wl,--wrap in binding.gyp's ck_linux_ldflags), the references inside the
// static libstdc++ included; each wrapper here reaches the symbol's first version, which
// every glibc still exports. scripts/check-symbols.sh fails when a newer version slips in
// and names it: add it here and to ck_linux_ldflags.
#include <pthread.h>

// The version each architecture's glibc started with.
#if defined(__GLIBC__) && defined(__x86_64__)
#define CK_GLIBC_FIRST "GLIBC_2.2.5"
#elif defined(__GLIBC__) && defined(__aarch64__)
#define CK_GLIBC_FIRST "GLIBC_2.17"
#endif

extern "C" {

#ifdef CK_GLIBC_FIRST
// glibc 2.34 moved the pthread functions from libpthread.so.0 into libc.so.6 and gave them
// a new default version, GLIBC_2.34. The first version stays exported: by libpthread.so.0
// before 2.34 (loaded in every Node process, which runs threads), by libc.so.6 since.
__asm__(".symver ck_first_pthread_create, pthread_create@" CK_GLIBC_FIRST);
__asm__(".symver ck_first_pthread_join, pthread_join@" CK_GLIBC_FIRST);
__asm__(".symver ck_first_pthread_once, pthread_once@" CK_GLIBC_FIRST);
int ck_first_pthread_create(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*);
int ck_first_pthread_join(pthread_t, void**);
int ck_first_pthread_once(pthread_once_t*, void (*)());
#else
// Another C library or architecture (a build from source on musl, say): the wrappers only
// forward, since the link flags are the same on every Linux.
#define ck_first_pthread_create pthread_create
#define ck_first_pthread_join pthread_join
#define ck_first_pthread_once pthread_once
#endif

int __wrap_pthread_create(pthread_t* thread, const pthread_attr_t* attr, void* (*start)(void*), void* arg) {
  return ck_first_pthread_create(thread, attr, start, arg);
}
int __wrap_pthread_join(pthread_t thread, void** result) { return ck_first_pthread_join(thread, result); }
int __wrap_pthread_once(pthread_once_t* once, void (*init)()) { return ck_first_pthread_once(once, init); }

// glibc 2.32 added __libc_single_threaded, which libstdc++ reads to skip atomic reference
// counts while a process has one thread. Older glibc has no such variable; 0 ("there may be
// other threads") is always correct, and a Node process has other threads anyway.
char __wrap___libc_single_threaded = 0;

}  // extern "C"
