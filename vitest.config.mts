import { defineConfig } from 'vitest/config';

// test/sanitizers/run.sh names the sanitizer runtime here rather than in LD_PRELOAD, so that
// only the test processes are instrumented, not vitest's own (its bundler is a Rust addon
// whose races and leaks are not ours to report).
const preload = process.env.CK_TEST_PRELOAD;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60000,
    // The native addon and worker_threads behave better in child processes than in vm threads.
    pool: 'forks',
    env: preload ? { LD_PRELOAD: preload } : {},
  },
});
