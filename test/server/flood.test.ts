// docs/reliability.md C8: a flood of requests and a crowd of slow-header sockets do not take serve mode down, and a
// normal client is still answered (a stall shows as no answer at all). Every loop here is bounded and targets 127.0.0.1 only.
import http from 'node:http';
import net from 'node:net';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src-main/server/server';
import { createFakeServices } from './fake-services';

const TOKEN = 'flood-token-0123456789abcdef';
let dir: string;
let server: Awaited<ReturnType<typeof startServer>>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'epochlab-flood-'));
  await mkdir(path.join(dir, 'renderer'), { recursive: true });
  await writeFile(path.join(dir, 'renderer', 'index.html'), '<!doctype html><title>Epochlab</title>');
  server = await startServer(createFakeServices(), { staticDir: path.join(dir, 'renderer'), token: TOKEN, log: () => undefined });
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

function call(options: { path: string; method?: string; host?: string; auth?: boolean; body?: string }): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1', port: server.port, path: options.path, method: options.method ?? 'GET', agent: false,
        headers: {
          Host: options.host ?? `127.0.0.1:${server.port}`,
          ...(options.auth ? { Authorization: `Bearer ${TOKEN}` } : {}),
          ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(-1));
    req.end(options.body);
  });
}

// A stalled server never answers: the probe gives up after a bound far above any loaded machine's latency,
// so it detects a stall without timing a healthy answer (no wall-clock bound on a healthy answer: this machine is shared).
const STALL_MS = 15_000;
function probeSystemInfo(): Promise<number> {
  return Promise.race([
    call({ path: '/api/getSystemInfo', method: 'POST', auth: true, body: '{}' }),
    new Promise<number>((resolve) => setTimeout(() => resolve(-2), STALL_MS).unref()),
  ]);
}

describe('serve mode under load', () => {
  it('answers a normal client after a flood of mixed requests, refusing the bad ones', async () => {
    const kinds = [
      () => call({ path: '/' }), // no token → 401
      () => call({ path: '/api/getSystemInfo', method: 'POST', auth: true, body: '{}', host: 'evil.example' }), // rebinding → 403
      () => call({ path: '/api/listExperiments', method: 'POST', auth: true, body: '{}' }), // fine
      () => call({ path: '/api/deleteExperiment', method: 'POST', auth: true, body: '{"experimentId":"x"}' }), // invalid → 400
    ];
    const statuses = await Promise.all(Array.from({ length: 400 }, (_, i) => kinds[i % kinds.length]()));
    const count = (code: number) => statuses.filter((s) => s === code).length;
    expect(count(401)).toBe(100);
    expect(count(403)).toBe(100);
    expect(count(200)).toBe(100);
    expect(count(400)).toBe(100);
    expect(await probeSystemInfo()).toBe(200);
  });

  it('keeps answering while many sockets dribble incomplete headers (slowloris)', async () => {
    const sockets = await Promise.all(
      Array.from({ length: 50 }, () => new Promise<net.Socket>((resolve) => {
        const socket = net.connect(server.port, '127.0.0.1', () => {
          socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nX-Slow: `);
          resolve(socket);
        });
        socket.on('error', () => undefined);
      })),
    );
    try {
      expect(await probeSystemInfo()).toBe(200);
    } finally {
      for (const s of sockets) s.destroy();
    }
  });
});
