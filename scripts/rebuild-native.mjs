// electron-builder's beforeBuild hook (electron-builder.yml): rebuilds the native modules the app ships —
// better-sqlite3 only — for Electron's ABI and the architecture being packaged, then tells electron-builder
// the node_modules are handled. Its own rebuild would also compile the optional @tensorflow/tfjs-node(-gpu),
// which the installers do not ship (they would add hundreds of megabytes of libtensorflow, and the GPU one
// needs a matching CUDA): installed apps train on the built-in wasm and cpu backends.
import { rebuild } from '@electron/rebuild';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The native modules inside the packaged app. */
export const SHIPPED_NATIVE_MODULES = ['better-sqlite3'];

export async function beforeBuild({ appDir, electronVersion, platform, arch }) {
  const version = electronVersion ?? JSON.parse(readFileSync(path.join(appDir, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
  await rebuild({ buildPath: appDir, electronVersion: version, arch, platform: platform?.nodeName, onlyModules: SHIPPED_NATIVE_MODULES, force: true, mode: 'sequential' });
  return false;
}

export default beforeBuild;
