import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 240_000,
    pool: 'forks',
    fileParallelism: true,
    // Most of the suite waits (faults held for seconds, sessions timing out, polls), not computes:
    // on 2 cores, 3 files at a time took the suite from 376 s to 243 s with the same per-test times.
    maxWorkers: 3,
  },
});
