import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it, vi } from 'vitest';
import { artifactUrl, buildTargets, defaultCacheRoot, electronVersion, findCached, preflight, readBuilderConfig } from '../../scripts/dist-preflight.mjs';

const linux = { platform: 'linux' as const, arch: 'x64' };
const config = readBuilderConfig();
const version = electronVersion();

/** A mirror that has the Linux x64 zip, answers 404 for anything else, and never answers under /hang/. */
let server: Server;
let mirror: string;
/** A port nothing listens on: connections to it are refused at once. */
let refusing: string;
beforeAll(async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  refusing = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/`;
  await new Promise((resolve) => closed.close(resolve));
  server = createServer((req, res) => {
    if (req.url?.startsWith('/hang/')) return;
    res.writeHead(req.url?.endsWith(`electron-v${version}-linux-x64.zip`) ? 200 : 404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  mirror = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

let cache: string;
beforeEach(() => {
  cache = mkdtempSync(path.join(tmpdir(), 'epochlab-electron-cache-'));
});
afterEach(() => rmSync(cache, { recursive: true, force: true }));

describe('what electron-builder will download', () => {
  it('covers every architecture electron-builder.yml builds for the platform, or those on the command line', () => {
    expect(buildTargets([], config, { platform: 'win32', arch: 'x64' })).toEqual([{ platform: 'win32', arches: ['x64', 'arm64'] }]);
    expect(buildTargets([], config, { platform: 'darwin', arch: 'arm64' })).toEqual([{ platform: 'darwin', arches: ['x64', 'arm64'] }]);
    expect(buildTargets([], config, linux)).toEqual([{ platform: 'linux', arches: ['x64'] }]);
    expect(buildTargets(['--win', '--arm64'], config, linux)).toEqual([{ platform: 'win32', arches: ['arm64'] }]);
    expect(buildTargets(['--mac', '--universal'], config, linux)).toEqual([{ platform: 'darwin', arches: ['x64', 'arm64'] }]);
  });

  it('builds the URL as @electron/get does: the default mirror, ELECTRON_MIRROR, a custom folder', () => {
    expect(artifactUrl({ version: '45.5.0', platform: 'linux', arch: 'x64' }, {}).url).toBe('https://github.com/electron/electron/releases/download/v45.5.0/electron-v45.5.0-linux-x64.zip');
    expect(artifactUrl({ version: '45.5.0', platform: 'win32', arch: 'arm64' }, { ELECTRON_MIRROR: 'https://npmmirror.com/mirrors/electron/' }).url).toBe('https://npmmirror.com/mirrors/electron/v45.5.0/electron-v45.5.0-win32-arm64.zip');
    expect(artifactUrl({ version: '45.5.0', platform: 'darwin', arch: 'x64' }, { npm_config_electron_mirror: 'https://m/', ELECTRON_CUSTOM_DIR: '{{ version }}' }).url).toBe('https://m/45.5.0/electron-v45.5.0-darwin-x64.zip');
  });

  it('looks in @electron/get’s cache folder of each OS', () => {
    expect(defaultCacheRoot('linux', {}, '/home/ana')).toBe(path.join('/home/ana', '.cache', 'electron'));
    expect(defaultCacheRoot('linux', { XDG_CACHE_HOME: '/c' }, '/home/ana')).toBe(path.join('/c', 'electron'));
    expect(defaultCacheRoot('darwin', {}, '/Users/ana')).toBe(path.join('/Users/ana', 'Library', 'Caches', 'electron'));
    expect(defaultCacheRoot('win32', { LOCALAPPDATA: 'C:\\Users\\Zoë\\AppData\\Local' }, 'C:\\Users\\Zoë')).toBe(path.join('C:\\Users\\Zoë\\AppData\\Local', 'electron', 'Cache'));
  });

  it('finds a zip under the folder @electron/get names after the URL, or under any folder of the cache', () => {
    const { url, file } = artifactUrl({ version, platform: 'linux', arch: 'x64' }, {});
    expect(findCached(cache, url, file)).toBeNull();
    const folder = createHash('sha256').update(`https://github.com/electron/electron/releases/download/v${version}`).digest('hex');
    mkdirSync(path.join(cache, folder));
    writeFileSync(path.join(cache, folder, file), 'zip');
    expect(findCached(cache, url, file)).toBe(path.join(cache, folder, file));
    expect(findCached(cache, 'https://other.mirror/v1/x.zip', file)).toBe(path.join(cache, folder, file));
    expect(findCached(path.join(cache, 'missing'), url, file)).toBeNull();
  });
});

describe('preflight', () => {
  it('passes when the mirror has the zip, with one HEAD request', async () => {
    const fetchSpy = vi.fn(fetch);
    const result = await preflight({ config, version, host: linux, cacheRoot: cache, env: { ELECTRON_MIRROR: mirror }, fetchImpl: fetchSpy });
    expect(result).toEqual({ ok: true, notes: [`electron-v${version}-linux-x64.zip: downloadable from ${mirror}v${version}/electron-v${version}-linux-x64.zip`] });
    expect(fetchSpy).toHaveBeenCalledTimes(1);
    expect(fetchSpy.mock.calls[0][1]).toMatchObject({ method: 'HEAD' });
  });

  it('passes offline when the zip is cached, without touching the network', async () => {
    mkdirSync(path.join(cache, 'abc'));
    writeFileSync(path.join(cache, 'abc', `electron-v${version}-linux-x64.zip`), 'zip');
    const fetchSpy = vi.fn(fetch);
    expect((await preflight({ config, version, host: linux, cacheRoot: cache, env: { ELECTRON_MIRROR: 'http://127.0.0.1:1/' }, fetchImpl: fetchSpy })).ok).toBe(true);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('fails in one line naming the version, the platform, the URL and why: missing, refused, or silent', async () => {
    const missing = await preflight({ config, version, host: { platform: 'win32', arch: 'x64' }, cacheRoot: cache, env: { ELECTRON_MIRROR: mirror } });
    expect(missing.ok).toBe(false);
    const line = (missing as { line: string }).line;
    expect(line).not.toContain('\n');
    expect(line).toContain(`cannot get Electron ${version} for win32-x64: ${mirror}v${version}/electron-v${version}-win32-x64.zip is unreachable (HTTP 404)`);
    expect(line).toContain(cache);

    const refused = await preflight({ config, version, host: linux, cacheRoot: cache, env: { ELECTRON_MIRROR: refusing } });
    expect((refused as { line: string }).line).toMatch(/unreachable \(ECONNREFUSED/);

    const silent = await preflight({ config, version, host: linux, cacheRoot: cache, env: { ELECTRON_MIRROR: `${mirror}hang/` }, timeoutMs: 300 });
    expect((silent as { line: string }).line).toMatch(/unreachable \(no answer within 0\.3 s\)/);
  });

  it('does not check what it cannot see: a local electronDist, or downloads through a proxy agent', async () => {
    const failing = vi.fn(async () => { throw new Error('no network'); });
    expect((await preflight({ config: { ...config, electronDist: '/opt/electron' }, version, host: linux, cacheRoot: cache, fetchImpl: failing })).ok).toBe(true);
    expect(await preflight({ args: ['--dir', '-c.electronDist=/opt/electron-45'], config, version, host: linux, cacheRoot: cache, fetchImpl: failing })).toEqual({ ok: true, notes: ['electronDist is set (/opt/electron-45): nothing to download'] });
    expect((await preflight({ config, version, host: linux, cacheRoot: cache, env: { ELECTRON_GET_USE_PROXY: '1' }, fetchImpl: failing })).ok).toBe(true);
    expect(failing).not.toHaveBeenCalled();
  });
});

describe('npm run dist without Electron', () => {
  it('stops before building anything, with one line on stderr and exit 1', () => {
    const result = spawnSync(process.execPath, ['scripts/dist.mjs'], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, ELECTRON_MIRROR: refusing, XDG_CACHE_HOME: cache, LOCALAPPDATA: cache, HOME: cache },
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^npm run dist: cannot get Electron \d+\.\d+\.\d+ for .* is unreachable \(ECONNREFUSED/);
  });
});
