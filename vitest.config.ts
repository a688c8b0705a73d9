import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/cli/**/*.test.ts', 'test/site/**/*.test.ts'],
    testTimeout: 30_000,
    // CLI tests spawn the built binary; two cores, so keep parallelism modest.
    maxWorkers: 2,
  },
});
