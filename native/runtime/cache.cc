#include "cache.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#if defined(__linux__)
#include <unistd.h>
#elif defined(__APPLE__)
#include <sys/sysctl.h>
#include <sys/types.h>
#endif

namespace ck {
namespace {

constexpr CacheSizes kFallback{32u << 10, 512u << 10, 8u << 20};

// "48K", "2048K", "1M" as sysfs writes them.
size_t parse_size(const char* s) {
  char* end = nullptr;
  const unsigned long long v = std::strtoull(s, &end, 10);
  if (end == s) return 0;
  switch (*end) {
    case 'K': case 'k': return static_cast<size_t>(v) << 10;
    case 'M': case 'm': return static_cast<size_t>(v) << 20;
    case 'G': case 'g': return static_cast<size_t>(v) << 30;
    default: return static_cast<size_t>(v);
  }
}

#if defined(__linux__)
bool read_line(const std::string& path, char* buf, size_t len) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return false;
  const bool ok = std::fgets(buf, static_cast<int>(len), f) != nullptr;
  std::fclose(f);
  return ok;
}

// sysfs describes every cache of cpu0; glibc's sysconf answers 0 on many non-x86 systems.
void from_sysfs(CacheSizes& out) {
  for (int i = 0; i < 8; ++i) {
    const std::string dir = "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(i) + "/";
    char level[16], type[32], size[32];
    if (!read_line(dir + "level", level, sizeof level)) break;
    if (!read_line(dir + "type", type, sizeof type) || !read_line(dir + "size", size, sizeof size)) continue;
    if (std::strncmp(type, "Instruction", 11) == 0) continue;
    const size_t bytes = parse_size(size);
    switch (std::atoi(level)) {
      case 1: if (out.l1d == 0) out.l1d = bytes; break;
      case 2: if (out.l2 == 0) out.l2 = bytes; break;
      case 3: if (out.l3 == 0) out.l3 = bytes; break;
      default: break;
    }
  }
}

void from_os(CacheSizes& out) {
#if defined(_SC_LEVEL1_DCACHE_SIZE)
  auto conf = [](int name) -> size_t {
    const long v = sysconf(name);
    return v > 0 ? static_cast<size_t>(v) : 0;
  };
  out.l1d = conf(_SC_LEVEL1_DCACHE_SIZE);
  out.l2 = conf(_SC_LEVEL2_CACHE_SIZE);
  out.l3 = conf(_SC_LEVEL3_CACHE_SIZE);
#endif
  if (out.l1d == 0 || out.l2 == 0 || out.l3 == 0) from_sysfs(out);
}
#elif defined(__APPLE__)
void from_os(CacheSizes& out) {
  auto get = [](const char* name) -> size_t {
    unsigned long long v = 0;
    size_t len = sizeof v;
    return sysctlbyname(name, &v, &len, nullptr, 0) == 0 ? static_cast<size_t>(v) : 0;
  };
  out.l1d = get("hw.l1dcachesize");
  out.l2 = get("hw.l2cachesize");
  out.l3 = get("hw.l3cachesize");
}
#else
void from_os(CacheSizes&) {}
#endif

// "l1,l2,l3" with optional K/M/G suffixes; any part may be empty to keep the OS's figure.
void from_env(CacheSizes& out) {
  const char* env = std::getenv("COREKERNELS_CACHE");
  if (env == nullptr) return;
  size_t* level[] = {&out.l1d, &out.l2, &out.l3};
  for (size_t i = 0; i < 3 && *env != '\0'; ++i) {
    if (const size_t v = parse_size(env)) *level[i] = v;
    env = std::strchr(env, ',');
    if (env == nullptr) break;
    ++env;
  }
}

CacheSizes detect() {
  CacheSizes c{0, 0, 0};
  from_os(c);
  from_env(c);
  if (c.l1d == 0) c.l1d = kFallback.l1d;
  if (c.l2 == 0) c.l2 = kFallback.l2;
  if (c.l3 == 0) c.l3 = c.l2 > kFallback.l3 ? c.l2 : kFallback.l3;  // no L3: the L2 is the last level
  return c;
}

}  // namespace

const CacheSizes& cache_sizes() {
  static const CacheSizes sizes = detect();
  return sizes;
}

}  // namespace ck
