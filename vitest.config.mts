import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60000,
    // The native addon and worker_threads behave better in child processes than in vm threads.
    pool: 'forks',
  },
});
