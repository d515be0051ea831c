// Bundles bench/run.ts into out/bench/run.mjs. Packages stay external and resolve from node_modules at
// run time: tfjs must be the one copy the engine registers its kernels on, and tfjs-backend-wasm finds
// its .wasm files next to itself.
//   node bench/build.mjs && node out/bench/run.mjs [--only training] [--quick] …
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
// playwright-core drives Chromium for the compare section; it loads its own files at run time.
const external = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {}), 'electron', '@tensorflow/*', 'playwright-core'];

await build({
  entryPoints: { run: new URL('./run.ts', import.meta.url).pathname },
  outdir: new URL('../out/bench', import.meta.url).pathname,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  external,
  logLevel: 'warning',
});
