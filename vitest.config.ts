import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['server/**/*.test.ts', 'cli/**/*.test.ts', 'netns/**/*.test.ts', 'ci/**/*.test.ts', 'harness/**/*.test.ts', 'scenarios/**/*.test.ts', 'bench/**/*.test.ts', 'fuzz/**/*.test.ts'],
    // Socket tests bind loopback ports; keep the 2-core machine from thrashing.
    pool: 'forks',
    // Builds the CLI once for the tests that run it as a process (vitest.global-setup.ts).
    globalSetup: ['./vitest.global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
