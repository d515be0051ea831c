// A client that goes away mid-response (a reload, a closed tab, a cancelled fetch) is normal: nothing is
// logged as an error, the server keeps serving (docs/reliability.md C9; it used to log "Premature close").
import http from 'node:http';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src-main/server/server';
import { createFakeServices } from './fake-services';
import { rawRequest } from './http-client';

const TOKEN = 'abort-token-0123456789abcdef';
let dir: string;
let server: Awaited<ReturnType<typeof startServer>>;
const logs: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'epochlab-abort-'));
  await mkdir(path.join(dir, 'renderer', 'assets'), { recursive: true });
  await writeFile(path.join(dir, 'renderer', 'index.html'), '<!doctype html><title>Epochlab</title>');
  await writeFile(path.join(dir, 'renderer', 'assets', 'big-1234.js'), Buffer.alloc(8 * 1024 * 1024, 0x61));
  server = await startServer(createFakeServices(), { staticDir: path.join(dir, 'renderer'), token: TOKEN, log: (line) => logs.push(line) });
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Starts a request and destroys the connection once the first bytes of the response (or none) arrived. */
function abandon(options: http.RequestOptions, body?: string, afterFirstBytes = true): Promise<void> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, agent: false, ...options, headers: { Host: `127.0.0.1:${server.port}`, Authorization: `Bearer ${TOKEN}`, ...options.headers } }, (res) => {
      res.once('data', () => {
        if (afterFirstBytes) req.destroy();
      });
      res.on('error', () => undefined);
      res.on('close', () => resolve());
    });
    req.on('error', () => resolve());
    req.on('close', () => resolve());
    if (body !== undefined) {
      req.write(body);
      // A body cut off half way: the server is still reading it when the client goes.
      setTimeout(() => req.destroy(), 50);
    } else req.end();
  });
}

describe('clients that go away', () => {
  it('log nothing and leave the server serving', async () => {
    for (let i = 0; i < 5; i++) await abandon({ path: '/assets/big-1234.js' });
    await abandon({ path: '/api/listExperiments', method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': '100000' } }, '{"a":', false);
    await new Promise((r) => setTimeout(r, 200));
    expect(logs).toEqual([]);
    const ok = await rawRequest(server.port, { path: '/assets/big-1234.js', headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(ok.body.length).toBe(8 * 1024 * 1024);
  });
});
