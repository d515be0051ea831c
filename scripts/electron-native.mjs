// Builds better-sqlite3 for the installed Electron into out/native/electron-<version>/, leaving the Node
// build in node_modules untouched (the CLI and the tests need it). Run by `npm start`; needs the network
// once (a prebuilt binary, or Electron's headers to compile against), then it is cached.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';

const require = createRequire(import.meta.url);
const electronVersion = require('electron/package.json').version;
const target = join('out', 'native', `electron-${electronVersion}`, 'better_sqlite3.node');
if (existsSync(target)) process.exit(0);

const source = dirname(require.resolve('better-sqlite3/package.json'));
const work = mkdtempSync(join(tmpdir(), 'epochlab-native-'));
try {
  // A copy of the package, so that the download or build lands in the copy's build/ folder.
  const ownBuild = join(source, 'build');
  cpSync(source, work, { recursive: true, filter: (p) => p !== ownBuild && !p.startsWith(ownBuild + sep) });
  const bin = (name) => join(dirname(require.resolve(`${name}/package.json`)), require(`${name}/package.json`).bin[name] ?? Object.values(require(`${name}/package.json`).bin)[0]);
  const run = (script, args) => execFileSync(process.execPath, [script, ...args], { cwd: work, stdio: 'inherit' });
  try {
    run(bin('prebuild-install'), ['--runtime', 'electron', '--target', electronVersion]);
  } catch {
    console.log(`no prebuilt better-sqlite3 for Electron ${electronVersion}; compiling it`);
    run(bin('node-gyp'), ['rebuild', '--release', `--target=${electronVersion}`, '--dist-url=https://electronjs.org/headers']);
  }
  mkdirSync(dirname(target), { recursive: true });
  cpSync(join(work, 'build', 'Release', 'better_sqlite3.node'), target);
  console.log(`built ${target}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
