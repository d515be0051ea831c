// electron-builder's beforePack hook (electron-builder.yml): before each architecture is packed, rebuilds
// the native modules the app ships — better-sqlite3 only — for Electron's ABI and that architecture, and
// checks the result really is for Electron. electron-builder's own rebuild (npmRebuild) is off: it would
// also compile the optional @tensorflow/tfjs-node(-gpu), which the installers do not ship (hundreds of
// megabytes of libtensorflow, and the GPU one needs a matching CUDA): installed apps train on the built-in
// wasm and cpu backends. (A beforeBuild hook cannot do this: returning false there also stops
// electron-builder from packaging node_modules at all.)
import { rebuild } from '@electron/rebuild';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The native modules inside the packaged app, and the binary each one loads. */
export const SHIPPED_NATIVE_MODULES = { 'better-sqlite3': 'build/Release/better_sqlite3.node' };
/** builder-util's Arch enum, by value. */
export const ARCH_NAMES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal'];

/** The Node ABI a non-N-API addon was compiled for (its `node_register_module_v<ABI>` export), if any. */
export function builtAbi(file) {
  const match = /node_register_module_v(\d+)/.exec(readFileSync(file).toString('latin1'));
  return match ? Number(match[1]) : null;
}

export async function beforePack({ packager, electronPlatformName, arch }) {
  const appDir = packager.info.appDir;
  const electronDir = path.join(appDir, 'node_modules', 'electron');
  const electronVersion = packager.config.electronVersion ?? JSON.parse(readFileSync(path.join(electronDir, 'package.json'), 'utf8')).version;
  const archName = typeof arch === 'number' ? ARCH_NAMES[arch] : arch;
  if (!archName) throw new Error(`unknown architecture ${arch}`);
  const modules = Object.keys(SHIPPED_NATIVE_MODULES);
  console.log(`  • rebuilding ${modules.join(', ')} for Electron ${electronVersion} ${electronPlatformName}-${archName}`);

  // npm's `nodedir` (set where machines build addons offline) points node-gyp at Node's own headers, which
  // would make a Node build that the packaged app cannot load: an Electron build needs Electron's.
  const saved = { lower: process.env.npm_config_nodedir, upper: process.env.NPM_CONFIG_NODEDIR };
  delete process.env.npm_config_nodedir;
  delete process.env.NPM_CONFIG_NODEDIR;
  try {
    await rebuild({ buildPath: appDir, electronVersion, platform: electronPlatformName, arch: archName, onlyModules: modules, force: true, mode: 'sequential' });
  } finally {
    if (saved.lower !== undefined) process.env.npm_config_nodedir = saved.lower;
    if (saved.upper !== undefined) process.env.NPM_CONFIG_NODEDIR = saved.upper;
  }

  const abiFile = path.join(electronDir, 'abi_version');
  const electronAbi = existsSync(abiFile) ? Number(readFileSync(abiFile, 'utf8').trim()) : null;
  for (const [name, binary] of Object.entries(SHIPPED_NATIVE_MODULES)) {
    const file = path.join(appDir, 'node_modules', name, ...binary.split('/'));
    if (!existsSync(file)) throw new Error(`${name} has no ${binary} after its rebuild for Electron ${electronVersion}`);
    const abi = builtAbi(file);
    if (electronAbi !== null && abi !== null && abi !== electronAbi) {
      throw new Error(`${name} was built for Node ABI ${abi}, but Electron ${electronVersion} needs ${electronAbi}: the packaged app could not load it`);
    }
  }
}

export default beforePack;
