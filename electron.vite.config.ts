/**
 * Desktop build: `electron-vite build` writes out/main (main process + training worker), out/preload and
 * out/renderer; `electron-vite dev` serves the renderer with HMR and sets ELECTRON_RENDERER_URL.
 * Dependencies stay external in main (native better-sqlite3 and tfjs-node, tfjs-backend-wasm with its .wasm
 * files, ws): they are loaded from node_modules at run time, unpacked from the asar where they must be.
 * The renderer settings mirror src-renderer/vite.config.ts (the standalone build for serve mode).
 */
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';
import { cspPlugin } from './scripts/vite-csp-plugin';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      externalizeDeps: true,
      rollupOptions: {
        input: {
          index: resolve('src-main/app/entry.ts'),
          // The worker pool loads worker.js from the folder of the main bundle (join(__dirname, 'worker.js')).
          worker: resolve('src-main/engine/worker/entry.ts'),
        },
        external: ['better-sqlite3', /^@tensorflow\//, 'ws', 'bufferutil', 'utf-8-validate'],
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        // A sandboxed preload cannot require anything but `electron`: the contract's constants are inlined.
        input: { index: resolve('src-main/preload/bridge.ts') },
      },
    },
  },
  renderer: {
    root: resolve('src-renderer'),
    base: './',
    plugins: [vue(), cspPlugin()],
    build: {
      outDir: resolve('out/renderer'),
      emptyOutDir: true,
      target: 'es2022',
      chunkSizeWarningLimit: 2500,
      rollupOptions: { input: resolve('src-renderer/index.html') },
    },
    define: {
      __VUE_OPTIONS_API__: 'true',
      __VUE_PROD_DEVTOOLS__: 'false',
      __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    },
  },
});
