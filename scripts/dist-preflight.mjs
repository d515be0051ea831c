// Before `npm run dist` builds anything: can electron-builder get the Electron zips it packages? Each is
// either in @electron/get's cache or downloadable from the configured mirror (one HEAD request, 5 s at
// most). When one is neither, the build would fail minutes later inside electron-builder with a stack
// trace; this says so at once, in one line.
//   node scripts/dist-preflight.mjs [electron-builder arguments]
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'yaml';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_MIRROR = 'https://github.com/electron/electron/releases/download/';
export const CHECK_TIMEOUT_MS = 5000;

const PLATFORM_FLAGS = { '--win': 'win32', '-w': 'win32', '--windows': 'win32', '--mac': 'darwin', '-m': 'darwin', '--macos': 'darwin', '-o': 'darwin', '--linux': 'linux', '-l': 'linux' };
const ARCH_FLAGS = ['x64', 'ia32', 'arm64', 'armv7l', 'universal'];
const CONFIG_KEYS = { win32: 'win', darwin: 'mac', linux: 'linux' };

/** The platforms and architectures an electron-builder command line (plus electron-builder.yml) builds. */
export function buildTargets(args, config, host = { platform: process.platform, arch: process.arch }) {
  const platforms = [...new Set(args.filter((a) => a in PLATFORM_FLAGS).map((a) => PLATFORM_FLAGS[a]))];
  const flagArches = ARCH_FLAGS.filter((a) => args.includes(`--${a}`));
  return (platforms.length ? platforms : [host.platform]).map((platform) => {
    let arches = flagArches;
    if (arches.length === 0) {
      const targets = [config?.[CONFIG_KEYS[platform]]?.target ?? []].flat();
      arches = [...new Set(targets.flatMap((t) => (typeof t === 'object' && t?.arch ? [t.arch].flat() : [])))];
    }
    if (arches.length === 0) arches = [host.arch];
    // A universal macOS app is made from both builds.
    arches = [...new Set(arches.flatMap((a) => (a === 'universal' ? ['x64', 'arm64'] : [a])))];
    return { platform, arches };
  });
}

/** The mirror settings @electron/get reads, in its order: npm config, package.json config, environment, electron-builder.yml. */
function mirrorSetting(name, env, fallback) {
  const snake = name.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  return env[`npm_config_electron_${name.toLowerCase()}`] || env[`NPM_CONFIG_ELECTRON_${snake.toUpperCase()}`] || env[`npm_config_electron_${snake}`]
    || env[`npm_package_config_electron_${name}`] || env[`npm_package_config_electron_${snake}`] || env[`ELECTRON_${snake.toUpperCase()}`] || fallback;
}

/** Where @electron/get downloads `electron-v<version>-<platform>-<arch>.zip` from, as electron-builder calls it. */
export function artifactUrl({ version, platform, arch }, env = process.env, download = {}) {
  const v = version.startsWith('v') ? version : `v${version}`;
  const base = mirrorSetting('mirror', env, download.mirror || DEFAULT_MIRROR);
  const dir = mirrorSetting('customDir', env, download.customDir || v).replace('{{ version }}', v.slice(1));
  const file = mirrorSetting('customFilename', env, download.customFilename || `electron-${v}-${platform}-${arch}.zip`);
  return { url: `${base}${dir}/${file}`, file };
}

/** @electron/get's default cache folder (env-paths('electron').cache). */
export function defaultCacheRoot(platform = process.platform, env = process.env, home = homedir()) {
  if (platform === 'darwin') return path.join(home, 'Library', 'Caches', 'electron');
  if (platform === 'win32') return path.join(env.LOCALAPPDATA || path.join(home, 'AppData', 'Local'), 'electron', 'Cache');
  return path.join(env.XDG_CACHE_HOME || path.join(home, '.cache'), 'electron');
}

/** The cached zip: @electron/get keeps it under a hash of the URL's folder; any folder of the cache will do. */
export function findCached(cacheRoot, url, file) {
  const parsed = new URL(url);
  parsed.hash = '';
  parsed.search = '';
  parsed.pathname = path.posix.dirname(parsed.pathname);
  const exact = path.join(cacheRoot, createHash('sha256').update(parsed.toString()).digest('hex'), file);
  if (existsSync(exact)) return exact;
  let folders = [];
  try {
    folders = readdirSync(cacheRoot, { withFileTypes: true }).filter((d) => d.isDirectory());
  } catch {
    return null;
  }
  for (const folder of folders) {
    const candidate = path.join(cacheRoot, folder.name, file);
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

/** One HEAD request, redirects followed: null when the file is there, else why not. */
export async function unreachableReason(url, timeoutMs = CHECK_TIMEOUT_MS, fetchImpl = fetch) {
  try {
    const response = await fetchImpl(url, { method: 'HEAD', redirect: 'follow', signal: AbortSignal.timeout(timeoutMs) });
    return response.ok ? null : `HTTP ${response.status}`;
  } catch (error) {
    if (error?.name === 'TimeoutError' || error?.name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
    const cause = error?.cause;
    return cause?.code ? `${cause.code}${cause.hostname ? ` ${cause.hostname}` : ''}` : (cause?.message ?? error?.message ?? String(error));
  }
}

export function readBuilderConfig(file = path.join(ROOT, 'electron-builder.yml')) {
  return parse(readFileSync(file, 'utf8')) ?? {};
}

export function electronVersion(root = ROOT) {
  return JSON.parse(readFileSync(path.join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
}

/**
 * { ok: true, notes } when every zip is cached or downloadable (or the check cannot apply), else
 * { ok: false, line } with the one line to print.
 */
export async function preflight({ args = [], env = process.env, config = readBuilderConfig(), version = electronVersion(), host, cacheRoot, timeoutMs = CHECK_TIMEOUT_MS, fetchImpl = fetch } = {}) {
  // `npm run dist -- -c.electronDist=DIR` packages a local Electron: an offline build.
  const localDist = args.map((a) => /^(?:-c|--config)\.electronDist=(.+)$/.exec(a)?.[1]).find(Boolean) ?? config.electronDist;
  if (localDist) return { ok: true, notes: [`electronDist is set (${localDist}): nothing to download`] };
  // Node's fetch does not go through @electron/get's proxy agent, so it cannot tell what a proxy allows.
  if (env.ELECTRON_GET_USE_PROXY || env.GLOBAL_AGENT_HTTPS_PROXY) return { ok: true, notes: ['Electron downloads go through a proxy: not checked'] };
  const download = config.electronDownload ?? {};
  const root = cacheRoot ?? download.cache ?? defaultCacheRoot(host?.platform, env);
  const notes = [];
  for (const { platform, arches } of buildTargets(args, config, host)) {
    for (const arch of arches) {
      const { url, file } = artifactUrl({ version, platform, arch }, env, download);
      const cached = findCached(root, url, file);
      if (cached) {
        notes.push(`${file}: cached at ${cached}`);
        continue;
      }
      const reason = await unreachableReason(url, timeoutMs, fetchImpl);
      if (reason === null) {
        notes.push(`${file}: downloadable from ${url}`);
        continue;
      }
      return {
        ok: false,
        line: `npm run dist: cannot get Electron ${version} for ${platform}-${arch}: ${url} is unreachable (${reason}) and ${file} is not in the cache ${root}; build where that address can be reached, set ELECTRON_MIRROR to a mirror that has it, or put the zip in the cache.`,
      };
    }
  }
  return { ok: true, notes };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const result = await preflight({ args: process.argv.slice(2) }).catch((error) => ({ ok: false, line: `npm run dist: ${error?.message ?? error}` }));
  if (!result.ok) {
    console.error(result.line);
    process.exit(1);
  }
  for (const note of result.notes) console.log(`preflight: ${note}`);
}
