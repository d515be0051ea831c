import { defineConfig } from 'vitest/config';

// End-to-end tests: the built UI in Debian Chromium against `epochlab serve`. They need `npm run build`.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    environment: 'node',
    testTimeout: 240_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
