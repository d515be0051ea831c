// Compressed static UI in serve mode: brotli or gzip as the browser accepts, Vary set, traversal still refused.
import { mkdtemp, mkdir, rm, symlink, writeFile, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompressedCache, negotiateEncoding } from '../../src-main/server/compress';
import { startServer, type RunningServer } from '../../src-main/server/server';
import { createFakeServices } from './fake-services';
import { rawRequest } from './http-client';

describe('negotiateEncoding', () => {
  it('prefers brotli, then gzip, honours q=0 and *, and falls back to the file as it is', () => {
    expect(negotiateEncoding('gzip, deflate, br, zstd')).toBe('br');
    expect(negotiateEncoding('gzip, deflate')).toBe('gzip');
    expect(negotiateEncoding('br;q=0, gzip;q=0.5')).toBe('gzip');
    expect(negotiateEncoding('br;q=0, gzip;q=0')).toBeNull();
    expect(negotiateEncoding('*')).toBe('br');
    expect(negotiateEncoding('*;q=0, gzip')).toBe('gzip');
    expect(negotiateEncoding('identity')).toBeNull();
    expect(negotiateEncoding('')).toBeNull();
    expect(negotiateEncoding(undefined)).toBeNull();
    expect(negotiateEncoding('br;q=abc')).toBeNull();
    expect(negotiateEncoding(['gzip', 'br'])).toBe('br');
  });
});

describe('CompressedCache', () => {
  it('compresses once per file version, and again when the file changes', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'epochlab-compress-'));
    try {
      const file = path.join(dir, 'a.js');
      await writeFile(file, 'let a = 1;\n'.repeat(500));
      const cache = new CompressedCache();
      const first = await cache.get(file, 5500, 1, 'gzip');
      expect(await cache.get(file, 5500, 1, 'gzip')).toBe(first);
      expect(gunzipSync(first).toString()).toBe('let a = 1;\n'.repeat(500));
      await writeFile(file, 'let b = 2;\n'.repeat(500));
      const changed = await cache.get(file, 5500, 2, 'br');
      expect(brotliDecompressSync(changed).toString()).toBe('let b = 2;\n'.repeat(500));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('serve mode static files', () => {
  const TOKEN = 'test-token-0123456789abcdef';
  const bundle = `console.log(${JSON.stringify('Epochlab '.repeat(4000))});\n`;
  let dir: string;
  let server: RunningServer;
  let cookie: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'epochlab-serve-gz-'));
    const staticDir = path.join(dir, 'renderer');
    await mkdir(path.join(staticDir, 'assets'), { recursive: true });
    await writeFile(path.join(staticDir, 'index.html'), `<!doctype html><title>Epochlab</title>${'<!-- padding -->'.repeat(100)}`);
    await writeFile(path.join(staticDir, 'assets', 'app-1.js'), bundle);
    await writeFile(path.join(staticDir, 'assets', 'tiny.js'), 'x()');
    await writeFile(path.join(staticDir, 'assets', 'logo.png'), Buffer.alloc(4096, 7));
    await writeFile(path.join(dir, 'secret.js'), `secret ${'x'.repeat(5000)}`);
    await symlink(path.join(dir, 'secret.js'), path.join(staticDir, 'assets', 'escape.js'));
    await utimes(path.join(staticDir, 'assets', 'app-1.js'), new Date(), new Date());
    server = await startServer(createFakeServices(), { staticDir, token: TOKEN, log: () => {} });
    cookie = `epochlab_token_${server.port}=${TOKEN}`;
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  const get = (p: string, acceptEncoding?: string, method = 'GET') =>
    rawRequest(server.port, { method, path: p, headers: { Cookie: cookie, Accept: 'text/html,*/*', ...(acceptEncoding === undefined ? {} : { 'Accept-Encoding': acceptEncoding }) } });

  it('sends brotli or gzip as accepted, with Vary and the compressed length, and the same bytes once decoded', async () => {
    const br = await get('/assets/app-1.js', 'gzip, deflate, br');
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toBe('Accept-Encoding');
    expect(Number(br.headers['content-length'])).toBe(br.raw.length);
    expect(br.raw.length).toBeLessThan(bundle.length / 10);
    expect(brotliDecompressSync(br.raw).toString()).toBe(bundle);
    expect(br.headers['content-type']).toMatch(/^text\/javascript/);
    expect(br.headers['cache-control']).toMatch(/immutable/);

    const gz = await get('/assets/app-1.js', 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.raw).toString()).toBe(bundle);

    const html = await get('/', 'br');
    expect(html.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(html.raw).toString()).toContain('<title>Epochlab</title>');

    const head = await get('/assets/app-1.js', 'br', 'HEAD');
    expect(head.headers['content-length']).toBe(br.headers['content-length']);
    expect(head.raw.length).toBe(0);
  });

  it('sends the file as it is without Accept-Encoding, for tiny files and for images', async () => {
    const plain = await get('/assets/app-1.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('Accept-Encoding');
    expect(plain.body).toBe(bundle);
    expect((await get('/assets/app-1.js', 'identity')).headers['content-encoding']).toBeUndefined();
    const tiny = await get('/assets/tiny.js', 'br');
    expect(tiny.headers['content-encoding']).toBeUndefined();
    expect(tiny.body).toBe('x()');
    const png = await get('/assets/logo.png', 'br, gzip');
    expect(png.headers['content-encoding']).toBeUndefined();
    expect(png.raw.length).toBe(4096);
  });

  it('still refuses traversal and symlinks out of the folder when compression is asked for', async () => {
    for (const p of ['/assets/escape.js', '/%2e%2e/secret.js', '/assets/..%2f..%2fsecret.js', '/..\\secret.js']) {
      const res = await get(p, 'br, gzip');
      expect([400, 404], p).toContain(res.status);
      expect(res.headers['content-encoding'], p).toBeUndefined();
      expect(res.body, p).not.toContain('secret');
    }
  });

  it('needs the token for compressed files too', async () => {
    const res = await rawRequest(server.port, { path: '/assets/app-1.js', headers: { 'Accept-Encoding': 'br' } });
    expect(res.status).toBe(401);
    expect(res.body).not.toContain('Epochlab Epochlab');
  });
});
