import { defineConfig } from 'vitest/config';

// Chai cuts values in assertion messages at 40 characters by default; CI keeps only the log's
// tail, where the summary reporter repeats each failure's message, so let the reason through.
const chaiConfig = { truncateThreshold: 300 };

// Two projects: unit tests (no engine, fully parallel) and integration tests that drive the real
// Pulumi engine. The engine runs are CPU-heavy on these 2-core machines, so integration files run
// a few at a time; engine set-up is shared through the global set-up.
export default defineConfig({
  test: {
    reporters: ['default', './test/plain-summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          chaiConfig,
          include: ['test/unit/**/*.test.{ts,tsx}'],
          environment: 'node',
          // Unit tests first (fast, all cores), then the engine tests with their own worker limit.
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          chaiConfig,
          include: ['test/integration/**/*.test.{ts,tsx}'],
          environment: 'node',
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
          fileParallelism: true,
        },
      },
    ],
  },
});
