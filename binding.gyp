{
  "variables": {
    "ck_common_cflags": ["-O3", "-fvisibility=hidden", "-fno-math-errno", "-Wall", "-Wextra"]
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
        "native/runtime/cpu.cc",
        "native/runtime/pool.cc",
        "native/runtime/scheduler.cc",
        "native/gemm/gemm.cc",
        "native/count/count.cc",
        "native/count/select.cc",
        "native/count/kernels/generic.cc",
        "native/count/kernels/neon.cc"
      ],
      "dependencies": ["ck_isa_avx2", "ck_isa_avx512"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": [
        "NAPI_VERSION=8",
        "NAPI_CPP_EXCEPTIONS",
        "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS",
        "COREKERNELS_BUILD=\"node-gyp\""
      ],
      "cflags!": ["-fno-exceptions", "-O2", "-O0"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=c++17"],
      "cflags": ["<@(ck_common_cflags)"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "<@(ck_common_cflags)"],
      "ldflags": ["-pthread"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "OTHER_CPLUSPLUSFLAGS": ["-fvisibility=hidden", "-O3"]
      },
      "msvs_settings": { "VCCLCompilerTool": { "ExceptionHandling": 1, "AdditionalOptions": ["/std:c++17"] } }
    },
    {
      "target_name": "ck_isa_avx2",
      "type": "static_library",
      "sources": ["native/count/kernels/avx2.cc"],
      "cflags_cc!": ["-std=gnu++17", "-std=c++17", "-O2", "-O0"],
      "cflags_cc": ["-std=c++17", "-fPIC", "<@(ck_common_cflags)"],
      "conditions": [
        ["target_arch=='x64'", {
          "cflags_cc": ["-mavx2", "-mfma", "-mpopcnt"],
          "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-mavx2", "-mfma", "-mpopcnt", "-O3"] },
          "msvs_settings": { "VCCLCompilerTool": { "AdditionalOptions": ["/std:c++17", "/arch:AVX2"] } }
        }]
      ]
    },
    {
      "target_name": "ck_isa_avx512",
      "type": "static_library",
      "sources": ["native/count/kernels/avx512.cc"],
      "cflags_cc!": ["-std=gnu++17", "-std=c++17", "-O2", "-O0"],
      "cflags_cc": ["-std=c++17", "-fPIC", "<@(ck_common_cflags)"],
      "conditions": [
        ["target_arch=='x64'", {
          "cflags_cc": ["-mavx512f", "-mavx512bw", "-mavx512dq", "-mavx512vl", "-mavx2", "-mfma", "-mpopcnt"],
          "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-mavx512f", "-mavx512bw", "-mavx512dq", "-mavx512vl", "-mavx2", "-mfma", "-mpopcnt", "-O3"] },
          "msvs_settings": { "VCCLCompilerTool": { "AdditionalOptions": ["/std:c++17", "/arch:AVX512"] } }
        }]
      ]
    }
  ]
}
