{
  "variables": {
    "ck_common_cflags": ["-O3", "-fvisibility=hidden", "-fno-math-errno", "-Wall", "-Wextra"],
    # Translation units compiled for one instruction set each, into their own static
    # library with that ISA's flags (x64 only; on other targets they compile to nothing).
    # A kernel folder with a kernels/avx2.cc or kernels/avx512.cc adds it here, nowhere else.
    "ck_avx2_sources": ["native/gemm/kernels/avx2.cc", "native/count/kernels/avx2.cc", "native/gemv/kernels/avx2.cc"],
    "ck_avx2_cflags": ["-mavx2", "-mfma", "-mpopcnt"],
    "ck_avx512_sources": ["native/gemm/kernels/avx512.cc", "native/count/kernels/avx512.cc", "native/gemv/kernels/avx512.cc"],
    "ck_avx512_cflags": ["-mavx512f", "-mavx512dq", "-mavx512bw", "-mavx512vl", "-mavx2", "-mfma", "-mpopcnt"],
    # Linux: one binary for every glibc from 2.28 on (the oldest Node 22 runs on). libstdc++
    # is linked in, unused sections dropped and only Node-API's entry points exported; glibc
    # symbols whose default version is newer than 2.28 are bound to their first versions
    # (native/compat/glibc.cc says which and why). libgcc_s stays shared: every glibc system has it, and the static
    # unwinder of a GCC built on glibc >= 2.35 needs _dl_find_object (2.35) with no fallback.
    # scripts/prebuild-linux.mjs reads these too; scripts/check-symbols.sh checks the result.
    "ck_linux_sources": ["native/compat/glibc.cc"],
    "ck_linux_ldflags": ["-static-libstdc++", "-Wl,--exclude-libs,ALL", "-Wl,--gc-sections",
      "-Wl,--version-script=<(module_root_dir)/native/compat/exports.ver",
      "-Wl,--wrap=pthread_create", "-Wl,--wrap=pthread_join", "-Wl,--wrap=pthread_once",
      "-Wl,--wrap=__libc_single_threaded"]
  },
  "target_defaults": {
    "cflags!": ["-fno-exceptions", "-O2", "-O0"],
    "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=c++17"],
    "cflags": ["<@(ck_common_cflags)"],
    "cflags_cc": ["-std=c++17", "-fexceptions", "<@(ck_common_cflags)"],
    "xcode_settings": {
      "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
      "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
      "OTHER_CPLUSPLUSFLAGS": ["-fvisibility=hidden", "-O3"]
    },
    "msvs_settings": { "VCCLCompilerTool": { "ExceptionHandling": 1, "AdditionalOptions": ["/std:c++17"] } }
  },
  "targets": [
    {
      "target_name": "corekernels",
      "sources": [
        "native/addon/addon.cc",
        "native/addon/args.cc",
        "native/addon/job.cc",
        "native/addon/gemm_binding.cc",
        "native/addon/count_binding.cc",
        "native/addon/gemv_binding.cc",
        "native/runtime/cache.cc",
        "native/runtime/cpu.cc",
        "native/runtime/tuning.cc",
        "native/runtime/pool.cc",
        "native/runtime/scheduler.cc",
        "native/runtime/half.cc",
        "native/gemm/gemm.cc",
        "native/gemm/batch.cc",
        "native/gemm/half_gemm.cc",
        "native/gemm/half_batch.cc",
        "native/gemm/buffer.cc",
        "native/gemm/driver.cc",
        "native/gemm/plan.cc",
        "native/gemm/blocking.cc",
        "native/gemm/kernels/select.cc",
        "native/gemm/kernels/generic.cc",
        "native/gemm/kernels/neon.cc",
        "native/count/count.cc",
        "native/count/select.cc",
        "native/count/kernels/generic.cc",
        "native/count/kernels/neon.cc",
        "native/gemv/gemv.cc",
        "native/gemv/select.cc",
        "native/gemv/kernels/generic.cc",
        "native/gemv/kernels/neon.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": [
        "NAPI_VERSION=8",
        "NAPI_CPP_EXCEPTIONS",
        "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS",
        "COREKERNELS_BUILD=\"node-gyp\""
      ],
      "ldflags": ["-pthread"],
      # Every target links both: off x86-64 they compile to stubs that report "not here".
      "dependencies": ["ck_isa_avx2", "ck_isa_avx512"],
      "conditions": [
        ["OS=='linux'", { "sources": ["<@(ck_linux_sources)"], "ldflags": ["<@(ck_linux_ldflags)"] }]
      ]
    },
    {
      "target_name": "ck_isa_avx2",
      "type": "static_library",
      "sources": ["<@(ck_avx2_sources)"],
      "cflags": ["-fPIC"],
      "conditions": [
        ["target_arch=='x64'", {
          "cflags": ["<@(ck_avx2_cflags)"],
          "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["<@(ck_avx2_cflags)"] },
          "msvs_settings": { "VCCLCompilerTool": { "AdditionalOptions": ["/arch:AVX2"] } }
        }]
      ]
    },
    {
      "target_name": "ck_isa_avx512",
      "type": "static_library",
      "sources": ["<@(ck_avx512_sources)"],
      "cflags": ["-fPIC"],
      "conditions": [
        ["target_arch=='x64'", {
          "cflags": ["<@(ck_avx512_cflags)"],
          "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["<@(ck_avx512_cflags)"] },
          "msvs_settings": { "VCCLCompilerTool": { "AdditionalOptions": ["/arch:AVX512"] } }
        }]
      ]
    }
  ]
}
