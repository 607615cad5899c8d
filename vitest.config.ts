import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
          environment: 'node',
          // fast-check's seed fixed (HOIST_TEST_SEED replaces it): no property draws new cases each run.
          setupFiles: ['test/support/seed-setup.ts'],
          // `vitest run` runs the unit files beside the integration project (builds, registries): a
          // unit test that compresses or audits megabytes with real tools took over vitest's default
          // 5 s there. A bound on time that a test means to check is asserted by the test itself.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/integration/global-setup.ts'],
          setupFiles: ['test/support/seed-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
          maxWorkers: 1,
          sequence: { concurrent: false },
        },
      },
    ],
  },
});
