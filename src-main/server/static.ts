/**
 * The built renderer, served read-only. Every request path is decoded exactly once and checked segment by
 * segment, then the resolved real path (symlinks followed) must still lie inside the folder: the path
 * traversal CVEs of MLflow (docs/reliability.md C6) came from checking one of these and not the other.
 */
import { constants, promises as fs } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { isInsideDir } from '../services/paths';
import { isClientGone } from './client-gone';
import { CompressedCache, isCompressible, negotiateEncoding } from './compress';
import { sendText } from './headers';

export interface StaticSite {
  /** Real path of the folder, symlinks resolved. */
  root: string;
  index: string;
  compressed: CompressedCache;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export async function openStaticSite(dir: string): Promise<StaticSite> {
  const root = await fs.realpath(dir).catch(() => {
    throw new Error(`the renderer folder does not exist: ${dir} (build it with \`npm run build\`)`);
  });
  const index = path.join(root, 'index.html');
  const stat = await fs.stat(index).catch(() => null);
  if (!stat?.isFile()) throw new Error(`the renderer is not built: ${index} is missing (run \`npm run build\`)`);
  const compressed = new CompressedCache();
  // In the background: the server answers at once, the first page load finds the bundle compressed.
  void compressed.warm(root);
  return { root, index, compressed };
}

export type StaticTarget =
  | { kind: 'file'; path: string; appShell: boolean }
  | { kind: 'bad-request' }
  | { kind: 'not-found' };

/**
 * Maps a raw request path (no query) to a file. Anything that could only be an attack is a 400; anything
 * merely absent is a 404; a path that looks like an app route falls back to index.html so history routing
 * works on reload.
 */
export async function resolveStaticTarget(site: StaticSite, rawPath: string, acceptsHtml: boolean): Promise<StaticTarget> {
  // Browsers never send a fragment, backslash or NUL; a client that does is probing.
  if (!rawPath.startsWith('/') || /[#\\\0]/.test(rawPath)) return { kind: 'bad-request' };
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return { kind: 'bad-request' };
  }
  // A '%' left after one decoding is double encoding (`%252e`): never a real asset name.
  if (/[%\\\0]/.test(decoded)) return { kind: 'bad-request' };
  const segments = decoded.split('/').filter((s) => s !== '');
  for (const segment of segments) {
    // `:` guards Windows drive letters and alternate data streams.
    if (segment === '..' || segment === '.' || segment.includes(':')) return { kind: 'bad-request' };
    if (segment.startsWith('.')) return { kind: 'not-found' };
  }
  if (segments.length === 0) return { kind: 'file', path: site.index, appShell: true };

  const candidate = path.join(site.root, ...segments);
  if (!isInsideDir(site.root, candidate)) return { kind: 'bad-request' };
  const real = await fs.realpath(candidate).catch(() => null);
  if (real !== null) {
    if (!isInsideDir(site.root, real)) return { kind: 'not-found' };
    const stat = await fs.stat(real).catch(() => null);
    if (stat?.isFile()) return { kind: 'file', path: real, appShell: real === site.index };
    return { kind: 'not-found' };
  }
  const last = segments[segments.length - 1];
  if (acceptsHtml && !last.includes('.')) return { kind: 'file', path: site.index, appShell: true };
  return { kind: 'not-found' };
}

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export async function serveStatic(site: StaticSite, req: IncomingMessage, rawPath: string, res: ServerResponse): Promise<void> {
  const acceptsHtml = (req.headers.accept ?? '').includes('text/html');
  const target = await resolveStaticTarget(site, rawPath, acceptsHtml);
  if (target.kind === 'bad-request') return sendText(res, 400, 'bad request');
  if (target.kind === 'not-found') return sendText(res, 404, 'not found');

  // The path is already real and inside the root; only someone who can write to the folder could swap it.
  const handle = await fs.open(target.path, constants.O_RDONLY).catch(() => null);
  if (!handle) return sendText(res, 404, 'not found');
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return sendText(res, 404, 'not found');
    const immutable = !target.appShell && rawPath.startsWith('/assets/');
    const headers: Record<string, string> = {
      'Content-Type': contentTypeFor(target.path),
      'Content-Length': String(stat.size),
      // Vite puts content hashes in /assets names; index.html must be revalidated so a new build is seen.
      'Cache-Control': immutable ? 'private, max-age=31536000, immutable' : 'no-cache',
    };
    if (isCompressible(target.path, stat.size)) {
      // Caches must keep one copy per encoding.
      headers.Vary = 'Accept-Encoding';
      const encoding = negotiateEncoding(req.headers['accept-encoding']);
      const body = encoding ? await site.compressed.get(target.path, stat.size, stat.mtimeMs, encoding).catch(() => null) : null;
      if (encoding && body) {
        res.writeHead(200, { ...headers, 'Content-Encoding': encoding, 'Content-Length': String(body.length) });
        res.end(req.method === 'HEAD' ? undefined : body);
        return;
      }
    }
    res.writeHead(200, headers);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    try {
      await pipeline(handle.createReadStream({ autoClose: false }), res);
    } catch (error) {
      if (!isClientGone(error)) throw error;
    }
  } finally {
    await handle.close();
  }
}
