// `npm run dist [-- electron-builder arguments]`: the installers for this OS (electron-builder.yml) in dist/.
// 1. preflight: fail in one line, before building anything, when Electron cannot be had;
// 2. `npm run build` (main, preload, renderer, CLI bundles, icons);
// 3. electron-builder, which rebuilds better-sqlite3 for Electron in node_modules (rebuild-native.mjs);
// 4. the Node build of better-sqlite3 put back, so the CLI and the tests keep working in this clone.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { preflight } from './dist-preflight.mjs';

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);

function run(command, commandArgs, options = {}) {
  const result = spawnSync(command, commandArgs, { stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

const check = await preflight({ args }).catch((error) => ({ ok: false, line: `npm run dist: ${error?.message ?? error}` }));
if (!check.ok) {
  console.error(check.line);
  process.exit(1);
}
for (const note of check.notes) console.log(`preflight: ${note}`);

// npm is npm.cmd on Windows: go through the shell there.
let status = run('npm', ['run', 'build'], { shell: process.platform === 'win32' });
if (status !== 0) process.exit(status);

const nodeBuild = path.join(path.dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
const saved = existsSync(nodeBuild) ? path.join(mkdtempSync(path.join(tmpdir(), 'epochlab-dist-')), 'better_sqlite3.node') : null;
if (saved) copyFileSync(nodeBuild, saved);
// Ctrl-C reaches electron-builder too; this process waits for it to stop, then still puts the Node build back.
const ignore = () => undefined;
process.on('SIGINT', ignore);
process.on('SIGTERM', ignore);
try {
  const builder = spawn(process.execPath, [require.resolve('electron-builder/cli.js'), '--publish', 'never', ...args], { stdio: 'inherit' });
  status = await new Promise((resolve) => {
    builder.once('error', (error) => {
      console.error(`npm run dist: cannot start electron-builder: ${error.message}`);
      resolve(1);
    });
    builder.once('exit', (code) => resolve(code ?? 1));
  });
} finally {
  if (saved) {
    // A failed rebuild may have removed the whole build folder.
    mkdirSync(path.dirname(nodeBuild), { recursive: true });
    copyFileSync(saved, nodeBuild);
    rmSync(path.dirname(saved), { recursive: true, force: true });
  }
}
process.exit(status);
