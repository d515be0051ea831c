/**
 * Standalone renderer build (what `epochlab serve` serves): `npx vite build --config src-renderer/vite.config.ts`
 * writes out/renderer. `base: './'` makes every asset URL relative, so the same files work from file://
 * (Electron) and from any path prefix in serve mode. The renderer needs no alias: it reaches the contract
 * through src/contract.ts with a relative import, so electron-vite's renderer build needs nothing extra.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { cspPlugin } from '../scripts/vite-csp-plugin';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [vue(), cspPlugin()],
  build: {
    outDir: fileURLToPath(new URL('../out/renderer', import.meta.url)),
    emptyOutDir: true,
    // Chromium of Electron 45 and any current browser; no legacy transforms needed.
    target: 'es2022',
    chunkSizeWarningLimit: 2500,
  },
  define: {
    // Options API stays on (naive-ui uses it); no devtools or hydration details in production.
    __VUE_OPTIONS_API__: 'true',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
  },
});
