import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it, vi } from 'vitest';
import { beforeBuild, SHIPPED_NATIVE_MODULES } from '../../scripts/rebuild-native.mjs';

const rebuild = vi.hoisted(() => vi.fn(async (_options: Record<string, unknown>) => undefined));
vi.mock('@electron/rebuild', () => ({ rebuild }));

describe('the beforeBuild hook', () => {
  it('rebuilds only the shipped native modules, for the Electron version and architecture being packaged', async () => {
    await expect(beforeBuild({ appDir: '/src/epochlab', electronVersion: '45.5.0', platform: { nodeName: 'win32' }, arch: 'arm64' })).resolves.toBe(false);
    expect(rebuild).toHaveBeenCalledWith(expect.objectContaining({ buildPath: '/src/epochlab', electronVersion: '45.5.0', platform: 'win32', arch: 'arm64', onlyModules: ['better-sqlite3'], force: true }));
  });

  it('reads the Electron version from node_modules when electron-builder does not pass it', async () => {
    await beforeBuild({ appDir: process.cwd(), arch: 'x64' });
    const version = (JSON.parse(readFileSync('node_modules/electron/package.json', 'utf8')) as { version: string }).version;
    expect(rebuild).toHaveBeenLastCalledWith(expect.objectContaining({ electronVersion: version }));
  });

  it('covers every native production dependency that the package does not leave out', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string>; optionalDependencies: Record<string, string> };
    const yml = parse(readFileSync('electron-builder.yml', 'utf8')) as { files: string[]; beforeBuild: string };
    expect(yml.beforeBuild).toBe('./scripts/rebuild-native.mjs');
    const native = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.optionalDependencies)].filter((name) => existsSync(path.join('node_modules', name, 'binding.gyp')) || /tfjs-node/.test(name));
    for (const name of native) {
      const excluded = yml.files.includes(`!node_modules/${name}/**`);
      expect(SHIPPED_NATIVE_MODULES.includes(name) !== excluded, `${name}: rebuilt ${SHIPPED_NATIVE_MODULES.includes(name)}, excluded ${excluded}`).toBe(true);
    }
    expect(native).toContain('better-sqlite3');
  });
});
