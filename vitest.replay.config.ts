import { defineConfig } from 'vitest/config';

/** For the replay tests that `aeronet shrink` writes into artifacts/ (kept out of `npm test`). */
export default defineConfig({
  test: {
    include: ['artifacts/**/replay.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
  },
});
