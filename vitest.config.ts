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
    // Each worker process loads the modules (Prisma's client, the SDKs, PGlite's WebAssembly) once for
    // all its files instead of once per file: 105 s of imports became 12 s. Nothing in the tests mocks
    // modules or leaves a global changed (a spy on console is restored after its file), and every file
    // opens its own databases and emulators.
    isolate: false,
    // three workers on two cores: most end-to-end time is waiting on sockets, polls and timers, not CPU
    // (with two, the cores were 63 % busy and the run took 6 min 46 s; with three, 165 % and 4 min 49 s;
    // with three and no per-file isolation, 3 min 20 s)
    maxWorkers: 3,
  },
});
