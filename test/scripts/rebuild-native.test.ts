import { Arch } from 'builder-util';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ARCH_NAMES, beforePack, builtAbi, SHIPPED_NATIVE_MODULES } from '../../scripts/rebuild-native.mjs';

/** What the mocked rebuild leaves: a better_sqlite3.node exporting node_register_module_v<abi>. */
let builtFor = 150;
let nodedirDuringRebuild: string | undefined;
const rebuild = vi.hoisted(() => vi.fn(async (_options: { buildPath: string }) => undefined));
vi.mock('@electron/rebuild', () => ({ rebuild }));

let appDir: string;
beforeEach(() => {
  appDir = mkdtempSync(path.join(tmpdir(), 'epochlab-rebuild-'));
  mkdirSync(path.join(appDir, 'node_modules', 'electron'), { recursive: true });
  writeFileSync(path.join(appDir, 'node_modules', 'electron', 'package.json'), JSON.stringify({ version: '45.5.0' }));
  writeFileSync(path.join(appDir, 'node_modules', 'electron', 'abi_version'), '150');
  rebuild.mockImplementation(async ({ buildPath }) => {
    nodedirDuringRebuild = process.env.npm_config_nodedir;
    const file = path.join(buildPath, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, Buffer.concat([Buffer.alloc(64, 0x7f), Buffer.from(`node_register_module_v${builtFor}\0`, 'latin1')]));
  });
  builtFor = 150;
});
afterEach(() => rmSync(appDir, { recursive: true, force: true }));

const context = (arch: number, electronVersion?: string) => ({ packager: { info: { appDir }, config: { electronVersion } }, electronPlatformName: 'win32', arch });

describe('the beforePack hook', () => {
  it('rebuilds only the shipped native modules, for the Electron version and architecture being packed', async () => {
    await beforePack(context(Arch.arm64, '45.5.0'));
    expect(rebuild).toHaveBeenLastCalledWith(expect.objectContaining({ buildPath: appDir, electronVersion: '45.5.0', platform: 'win32', arch: 'arm64', onlyModules: ['better-sqlite3'], force: true }));
  });

  it('reads the Electron version from node_modules when the config does not give it', async () => {
    await beforePack(context(Arch.x64));
    expect(rebuild).toHaveBeenLastCalledWith(expect.objectContaining({ electronVersion: '45.5.0', arch: 'x64' }));
  });

  it('refuses a module built for Node instead of Electron, and hides npm’s nodedir from the rebuild', async () => {
    builtFor = 115;
    process.env.npm_config_nodedir = '/usr';
    try {
      await expect(beforePack(context(Arch.x64))).rejects.toThrow('better-sqlite3 was built for Node ABI 115, but Electron 45.5.0 needs 150: the packaged app could not load it');
      expect(nodedirDuringRebuild).toBeUndefined();
      expect(process.env.npm_config_nodedir).toBe('/usr');
    } finally {
      delete process.env.npm_config_nodedir;
    }
  });

  it('names architectures as electron-builder numbers them', () => {
    for (const name of ARCH_NAMES) expect(ARCH_NAMES[Arch[name as keyof typeof Arch]]).toBe(name);
  });

  it('finds the ABI a real addon was built for', () => {
    expect(builtAbi('node_modules/better-sqlite3/build/Release/better_sqlite3.node')).toBe(Number(process.versions.modules));
  });

  it('is the only rebuild, and covers every native production dependency the package does not leave out', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string>; optionalDependencies: Record<string, string> };
    const yml = parse(readFileSync('electron-builder.yml', 'utf8')) as { files: string[]; beforePack: string; npmRebuild: boolean };
    expect(yml.beforePack).toBe('./scripts/rebuild-native.mjs');
    expect(yml.npmRebuild).toBe(false);
    const shipped = Object.keys(SHIPPED_NATIVE_MODULES);
    const native = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.optionalDependencies)].filter((name) => existsSync(path.join('node_modules', name, 'binding.gyp')) || /tfjs-node/.test(name));
    for (const name of native) {
      const excluded = yml.files.includes(`!node_modules/${name}/**`);
      expect(shipped.includes(name) !== excluded, `${name}: rebuilt ${shipped.includes(name)}, excluded ${excluded}`).toBe(true);
    }
    expect(native).toContain('better-sqlite3');
  });
});
