// Bundles the Node entry points — the CLI and the training worker — into out/node with esbuild.
// Dependencies stay external (native better-sqlite3, tfjs with its wasm files). The worker must sit next to
// the CLI bundle: the pool loads it from the bundle's own folder.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const external = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {}), 'electron'];

await build({
  entryPoints: { cli: 'src-main/cli/bin.ts', worker: 'src-main/engine/worker/entry.ts' },
  outdir: 'out/node',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  external,
  logLevel: 'warning',
  // node-require.ts falls back to import.meta only where __filename is missing (ES-module runs), never in these bundles.
  logOverride: { 'empty-import-meta': 'silent' },
});
console.log('built out/node/cli.js and out/node/worker.js');
