import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // The crash matrix and CLI tests spawn real child processes over real trees.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
