/**
 * The renderer's browser tests: the built app in headless Chromium against a mock of the HTTP API
 * (mock-server.ts). Separate from the unit suite because they need a build and a browser:
 *   npx vitest run --config test/renderer/ui/vitest.config.ts
 * CHROMIUM (default /usr/bin/chromium) picks the browser; EPOCHLAB_UI_SKIP_BUILD=1 reuses out/renderer.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/renderer/ui/**/*.ui.ts'],
    environment: 'node',
    globalSetup: ['test/renderer/ui/build-renderer.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
