import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // one migrated database per run, cloned by every test (test/support/databases.ts)
    globalSetup: ['test/support/global-setup.ts'],
    // generous: a busy machine slows set-up and tests alike, and timings are never what a test checks
    testTimeout: 60_000,
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
    pool: 'forks',
    // two workers on two cores: most end-to-end time is waiting on sockets and polls, not CPU
    maxWorkers: 2,
  },
});
