import { defineConfig } from 'vitest/config';

// End-to-end tests on real backends (sshd, Slurm, Podman) started by scripts/e2e/up.sh in the
// global setup and stopped by scripts/e2e/down.sh. A backend that fails to start fails the run.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['test/e2e/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores, and the backends are shared: files run in parallel, tests within a file in order.
    maxWorkers: 2,
  },
});
