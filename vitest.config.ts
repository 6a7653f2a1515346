import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Two cores: one fork each; database-heavy files are isolated by schema, not by process.
    pool: 'forks',
    maxWorkers: 2,
    // Files in a worker share one module graph: one embedded PGlite and one set of loaded
    // modules per worker, instead of a cold start of both for every file.
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 10_000,
    reporters: process.env.CI ? ['default'] : ['default'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          // Builds the console first when its sources are newer than the build.
          globalSetup: ['test/e2e/build-console.setup.ts'],
          // One browser at a time: Chromium and the server share two cores with the rest.
          fileParallelism: false,
          // After the other projects (a project of its own worker count needs its own group).
          sequence: { groupOrder: 1 },
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
