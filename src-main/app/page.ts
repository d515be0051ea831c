/**
 * Where the app's own page lives, and the URL tests built on it. IPC senders, navigations and network
 * requests are all judged against this one description (docs/reliability.md A3, B1).
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isInsideDir } from '../services/paths';

export type AppPage =
  | { kind: 'dev'; url: string; origin: string }
  | { kind: 'file'; indexHtml: string; url: string; rendererDir: string };

/**
 * The dev server URL is honoured only in an unpackaged build: a packaged app that read it from the
 * environment could be pointed at any web page, which would then get the bridge.
 */
export function resolveAppPage(options: { isPackaged: boolean; devServerUrl: string | undefined; indexHtml: string }): AppPage {
  if (!options.isPackaged && options.devServerUrl) {
    const url = new URL(options.devServerUrl);
    if (url.protocol === 'http:' || url.protocol === 'https:') return { kind: 'dev', url: url.href, origin: url.origin };
  }
  const indexHtml = path.resolve(options.indexHtml);
  return { kind: 'file', indexHtml, url: pathToFileURL(indexHtml).href, rendererDir: path.dirname(indexHtml) };
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * The built app beside its main bundle (out/main): the renderer's page and the preload script. The main
 * window and the smoke test's window both load these.
 */
export function builtApp(mainDir: string, isPackaged: boolean, devServerUrl: string | undefined): { page: AppPage; preload: string } {
  const page = resolveAppPage({ isPackaged, devServerUrl, indexHtml: path.join(mainDir, '../renderer/index.html') });
  return { page, preload: path.join(mainDir, '../preload/index.js') };
}

/** The app page itself, whatever its hash or query (routing lives in the hash or history). */
export function isAppPageUrl(page: AppPage, url: string): boolean {
  const u = parse(url);
  if (!u) return false;
  if (page.kind === 'dev') return u.origin === page.origin;
  return u.protocol === 'file:' && samePath(safeFilePath(u), page.indexHtml);
}

/** http(s) links may be handed to the system browser; nothing else is (no file:, smb:, custom schemes). */
export function isExternalHttpUrl(url: string): boolean {
  const u = parse(url);
  return u !== null && (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
}

const NETWORK_SCHEMES = new Set(['http:', 'https:', 'ws:', 'wss:', 'ftp:']);

/**
 * Epochlab is offline: its page may load its own files and, in development, talk to the dev server.
 * Anything else over the network, or any file outside the renderer folder, is cancelled, so even injected
 * script could not send data out or read the disk through file: URLs.
 */
export function isAllowedRequest(page: AppPage, url: string): boolean {
  const u = parse(url);
  if (!u) return false;
  if (NETWORK_SCHEMES.has(u.protocol)) {
    if (page.kind !== 'dev') return false;
    const dev = new URL(page.origin);
    const scheme = u.protocol === 'ws:' ? 'http:' : u.protocol === 'wss:' ? 'https:' : u.protocol;
    return scheme === dev.protocol && u.host === dev.host;
  }
  if (u.protocol === 'file:') {
    if (page.kind !== 'file') return false;
    const file = safeFilePath(u);
    return file !== null && isInsideDir(page.rendererDir, file);
  }
  // data:, blob:, devtools: and the like stay inside the renderer.
  return true;
}

function safeFilePath(u: URL): string | null {
  try {
    return path.resolve(fileURLToPath(u));
  } catch {
    return null;
  }
}

function samePath(a: string | null, b: string): boolean {
  if (a === null) return false;
  return process.platform === 'win32' || process.platform === 'darwin' ? a.toLowerCase() === b.toLowerCase() : a === b;
}
