import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { experimentProgress, type EpochlabEvent } from '../../src-main/contract';
import { contentSecurityPolicy } from '../../src-main/contract/csp';
import { startServer, MAX_WS_CONNECTIONS, type RunningServer } from '../../src-main/server/server';
import { MAX_BODY_BYTES } from '../../src-main/server/api';
import { createFakeServices, FAKE_SYSTEM_INFO, type FakeServices } from './fake-services';
import { rawRequest, type RawRequest } from './http-client';

const TOKEN = 'test-token-0123456789abcdef';
let dir: string;
let staticDir: string;
let services: FakeServices;
let server: RunningServer;
let logs: string[];
let cookie: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'epochlab-server-'));
  staticDir = path.join(dir, 'renderer');
  await mkdir(path.join(staticDir, 'assets'), { recursive: true });
  await writeFile(path.join(staticDir, 'index.html'), '<!doctype html><title>Epochlab</title>');
  await writeFile(path.join(staticDir, 'assets', 'app-1234.js'), 'console.log("app")');
  await writeFile(path.join(staticDir, '.env'), 'SECRET=1');
  await writeFile(path.join(dir, 'secret.txt'), 'outside the static folder');
  await symlink(path.join(dir, 'secret.txt'), path.join(staticDir, 'assets', 'escape.txt'));
  services = createFakeServices();
  logs = [];
  server = await startServer(services, { staticDir, token: TOKEN, log: (line) => logs.push(line) });
  cookie = `epochlab_token_${server.port}=${TOKEN}`;
});

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  services.calls.length = 0;
});

function req(request: RawRequest) {
  return rawRequest(server.port, request);
}
function api(method: string, body: unknown, headers: Record<string, string> = {}) {
  return req({
    method: 'POST', path: `/api/${method}`, body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', Cookie: cookie, ...headers },
  });
}

describe('startServer', () => {
  it('prints a loopback URL carrying the token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${TOKEN}`);
  });

  it('refuses a short fixed token', async () => {
    await expect(startServer(services, { staticDir, token: 'short' })).rejects.toThrow(/at least 16/);
  });

  it('refuses to start without a built renderer', async () => {
    await expect(startServer(services, { staticDir: dir, token: TOKEN, log: () => {} })).rejects.toThrow(/not built/);
  });

  it('warns when bound to a non-loopback address, without printing the token', async () => {
    const lines: string[] = [];
    const wide = await startServer(services, { staticDir, host: '0.0.0.0', token: TOKEN, log: (l) => lines.push(l) });
    try {
      expect(lines.join('\n')).toMatch(/reachable from other machines/);
      expect(lines.join('\n')).not.toContain(TOKEN);
      const ok = await rawRequest(wide.port, { path: '/api/getSystemInfo', method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` } });
      expect(ok.status).toBe(200);
    } finally {
      await wide.close();
    }
  });
});

describe('auth', () => {
  it('answers 401 to an API call without credentials and calls nothing', async () => {
    const res = await req({ method: 'POST', path: '/api/listExperiments', body: '{}', headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(401);
    expect(services.calls).toEqual([]);
  });

  it('answers 401 to a wrong cookie or a wrong bearer', async () => {
    expect((await api('listExperiments', {}, { Cookie: `epochlab_token_${server.port}=${TOKEN}x` })).status).toBe(401);
    expect((await api('listExperiments', {}, { Cookie: '', Authorization: 'Bearer nope' })).status).toBe(401);
    expect(services.calls).toEqual([]);
  });

  it('accepts a bearer token', async () => {
    const res = await api('getSystemInfo', {}, { Cookie: '', Authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual(FAKE_SYSTEM_INFO);
  });

  it('exchanges ?token= for an HttpOnly SameSite=Strict cookie and redirects without it', async () => {
    const res = await req({ path: `/runs/3?tab=curves&token=${TOKEN}` });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/runs/3?tab=curves');
    const setCookie = res.headers['set-cookie']?.[0] ?? '';
    expect(setCookie).toContain(`epochlab_token_${server.port}=${TOKEN}`);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const page = await req({ path: '/runs/3', headers: { Cookie: setCookie.split(';')[0], Accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Epochlab</title>');
  });

  it('never redirects off-site during the exchange', async () => {
    const res = await req({ path: `//evil.example/?token=${TOKEN}` });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/evil.example/');
  });

  it('refuses a wrong ?token= and the app page without a cookie', async () => {
    expect((await req({ path: '/?token=wrong' })).status).toBe(401);
    const bare = await req({ path: '/' });
    expect(bare.status).toBe(401);
    expect(bare.body).toContain('?token=');
  });

  it('keeps the token out of the log', async () => {
    await req({ path: `/?token=${TOKEN}` });
    await api('getRun', { runId: 1 });
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.join('\n')).not.toContain(TOKEN);
  });
});

describe('host and origin checks', () => {
  it('refuses Host: evil.example even with a valid token (DNS rebinding)', async () => {
    const res = await api('listExperiments', {}, { Host: `evil.example:${server.port}` });
    expect(res.status).toBe(403);
    expect((await req({ path: `/?token=${TOKEN}`, headers: { Host: 'evil.example' } })).status).toBe(403);
    expect(services.calls).toEqual([]);
  });

  it('accepts localhost and [::1] as Host', async () => {
    expect((await api('listExperiments', {}, { Host: `localhost:${server.port}` })).status).toBe(200);
    expect((await api('listExperiments', {}, { Host: `[::1]:${server.port}` })).status).toBe(200);
  });

  it('refuses a foreign Origin', async () => {
    const res = await api('deleteExperiment', { experimentId: 1 }, { Origin: 'http://evil.example' });
    expect(res.status).toBe(403);
    expect(services.calls).toEqual([]);
    const same = await api('listExperiments', {}, { Origin: `http://127.0.0.1:${server.port}` });
    expect(same.status).toBe(200);
  });
});

describe('API', () => {
  it('passes valid input to the service and answers 200 JSON', async () => {
    const res = await api('listExperiments', {});
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(res.body)).toHaveLength(2);
    expect(services.calls).toEqual([{ method: 'listExperiments', input: {} }]);
  });

  it('refuses text/plain and form posts before calling anything (415)', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await req({ method: 'POST', path: '/api/deleteExperiment', body: '{"experimentId":1}', headers: { 'Content-Type': type, Cookie: cookie } });
      expect(res.status).toBe(415);
    }
    expect(services.calls).toEqual([]);
  });

  it('refuses DELETE, PUT, PATCH and GET on API methods (405)', async () => {
    for (const method of ['DELETE', 'PUT', 'PATCH', 'GET']) {
      const res = await req({ method, path: '/api/deleteExperiment', body: method === 'GET' ? undefined : '{"experimentId":1}', headers: { 'Content-Type': 'application/json', Cookie: cookie } });
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe('POST');
    }
    expect(services.calls).toEqual([]);
  });

  it('answers 400 with one issue per field for invalid input', async () => {
    const res = await api('getIterationSeries', { runIds: [0, 'x'], maxPoints: 5, extra: true });
    expect(res.status).toBe(400);
    const body = JSON.parse(res.body) as { error: { code: string; issues: Array<{ path: string; message: string }> } };
    expect(body.error.code).toBe('invalid');
    const paths = body.error.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['runIds.0', 'runIds.1', 'maxPoints', '(root)']));
    expect(services.calls).toEqual([]);
  });

  it('answers 400 to a body that is not JSON, and to __proto__ keys', async () => {
    const bad = await req({ method: 'POST', path: '/api/listExperiments', body: '{nope', headers: { 'Content-Type': 'application/json', Cookie: cookie } });
    expect(bad.status).toBe(400);
    const proto = await req({ method: 'POST', path: '/api/listExperiments', body: '{"__proto__":{"polluted":1}}', headers: { 'Content-Type': 'application/json', Cookie: cookie } });
    expect(proto.status).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(services.calls).toEqual([]);
  });

  it('answers 404 to an unknown method, including Object.prototype names', async () => {
    for (const method of ['dropDatabase', '__proto__', 'constructor', 'hasOwnProperty', '']) {
      expect((await api(method, {})).status).toBe(404);
    }
  });

  it('maps ApiError codes to statuses', async () => {
    const res = await api('getExperiment', { experimentId: 99 });
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body)).toEqual({ error: { code: 'not-found', message: 'experiment 99 not found' } });
  });

  it('answers 500 with a generic message for unexpected errors, and logs the cause', async () => {
    const res = await api('getRun', { runId: 7 });
    expect(res.status).toBe(500);
    expect(res.body).not.toMatch(/secret|exploded|at /);
    expect(logs.join('\n')).toMatch(/getRun failed: Error: database exploded/);
  });

  it('answers 413 to a body over the limit without calling the service', async () => {
    const big = JSON.stringify({ runIds: Array.from({ length: MAX_BODY_BYTES / 2 }, () => 1) });
    const res = await req({ method: 'POST', path: '/api/getEpochMetrics', body: big, headers: { 'Content-Type': 'application/json', Cookie: cookie } });
    expect(res.status).toBe(413);
    const announced = await req({ method: 'POST', path: '/api/getEpochMetrics', headers: { 'Content-Type': 'application/json', Cookie: cookie, 'Content-Length': String(100 * 1024 * 1024) } });
    expect(announced.status).toBe(413);
    expect(services.calls).toEqual([]);
  });
});

describe('static files', () => {
  const withCookie = (p: string, accept = '*/*') => req({ path: p, headers: { Cookie: cookie, Accept: accept } });

  it('serves index.html at / and for app routes, assets with their type', async () => {
    const root = await withCookie('/', 'text/html');
    expect(root.status).toBe(200);
    expect(root.headers['content-type']).toMatch(/^text\/html/);
    expect((await withCookie('/experiments/12', 'text/html')).body).toContain('<title>Epochlab</title>');
    const asset = await withCookie('/assets/app-1234.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/^text\/javascript/);
    expect(asset.body).toBe('console.log("app")');
    expect((await withCookie('/assets/missing.js')).status).toBe(404);
  });

  it('refuses the traversal corpus with 400 or 404 and never leaks the file outside', async () => {
    const corpus = [
      '/%2e%2e/secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/..%2fsecret.txt', '/assets/..%2f..%2fsecret.txt',
      '/%252e%252e%252fsecret.txt', '/..\\secret.txt', '/assets/..%5c..%5csecret.txt', '/index.html%00.js',
      '/%00', '/#/../secret.txt', '/assets/escape.txt', '/.env', '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/C:%5cWindows%5cwin.ini', '/%c0%ae%c0%ae/secret.txt',
    ];
    for (const p of corpus) {
      const res = await withCookie(p, 'text/html,*/*');
      expect([400, 404], p).toContain(res.status);
      expect(res.body, p).not.toContain('outside the static folder');
      expect(res.body, p).not.toContain('SECRET');
    }
  });

  it('refuses POST on static paths', async () => {
    expect((await req({ method: 'POST', path: '/', headers: { Cookie: cookie } })).status).toBe(405);
  });
});

describe('security headers', () => {
  it('are on every response, and no CORS header ever is', async () => {
    const responses = [
      await req({ path: '/' }),
      await req({ path: '/', headers: { Cookie: cookie, Origin: `http://127.0.0.1:${server.port}` } }),
      await api('listExperiments', {}, { Origin: `http://127.0.0.1:${server.port}` }),
      await api('nope', {}),
      await req({ path: '/', headers: { Host: 'evil.example' } }),
    ];
    for (const res of responses) {
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toContain('unsafe-eval');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    }
    expect(String(responses[1].headers['content-security-policy'])).toContain(`connect-src 'self' ws://127.0.0.1:${server.port}`);
    // The one policy of contract/csp.ts (index.html's meta tag is built from it too).
    expect(responses[1].headers['content-security-policy']).toBe(contentSecurityPolicy(`127.0.0.1:${server.port}`));
  });
});

describe('events WebSocket', () => {
  const wsUrl = () => `ws://127.0.0.1:${server.port}/api/events`;
  const progress = (runId: number, step: number): EpochlabEvent => ({
    type: 'run-progress', experimentId: 1, runId, step, totalSteps: 100, epoch: 1, loss: 0.5, elapsedMs: step, samplesPerSecond: 10, experimentProgress: experimentProgress({}),
  });

  function open(options: WebSocket.ClientOptions = {}): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(wsUrl(), { headers: { Cookie: cookie }, ...options });
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    });
  }
  function refusal(options: WebSocket.ClientOptions): Promise<number> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(wsUrl(), options);
      ws.once('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.once('open', () => reject(new Error('connection was accepted')));
      ws.once('error', (error) => reject(error));
    });
  }

  it('pushes every emitted event as JSON', async () => {
    const ws = await open({ origin: `http://127.0.0.1:${server.port}` });
    const received = new Promise<unknown>((resolve) => ws.once('message', (data: Buffer) => resolve(JSON.parse(data.toString()))));
    const event: EpochlabEvent = { type: 'run-status', experimentId: 1, runId: 3, status: 'completed', error: null, endReason: null };
    services.emit(event);
    expect(await received).toEqual(event);
    ws.close();
  });

  it('refuses no cookie (401), a foreign Origin and a foreign Host (403)', async () => {
    expect(await refusal({})).toBe(401);
    expect(await refusal({ headers: { Cookie: cookie }, origin: 'http://evil.example' })).toBe(403);
    expect(await refusal({ headers: { Cookie: cookie, Host: `evil.example:${server.port}` } })).toBe(403);
  });

  it('closes the socket on an oversize message', async () => {
    const ws = await open();
    const code = await new Promise<number>((resolve) => {
      ws.once('close', (c) => resolve(c));
      ws.send('x'.repeat(128 * 1024));
    });
    expect(code).toBe(1009);
  });

  it('caps the number of connections', async () => {
    const sockets: WebSocket[] = [];
    try {
      for (let i = 0; i < MAX_WS_CONNECTIONS; i += 1) sockets.push(await open());
      expect(await refusal({ headers: { Cookie: cookie } })).toBe(503);
    } finally {
      await Promise.all(sockets.map((ws) => new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.close();
      })));
    }
    const again = await open();
    again.close();
  });

  it('delivers many progress events in order to a fast client', async () => {
    const ws = await open();
    const steps: number[] = [];
    const done = new Promise<void>((resolve) => ws.on('message', (data: Buffer) => {
      const event = JSON.parse(data.toString()) as EpochlabEvent;
      if (event.type === 'run-progress') steps.push(event.step);
      if (steps.length === 100) resolve();
    }));
    for (let step = 1; step <= 100; step += 1) services.emit(progress(1, step));
    await done;
    expect(steps).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    ws.close();
  });

  it('unsubscribes from the services on close', async () => {
    const fake = createFakeServices();
    const other = await startServer(fake, { staticDir, token: TOKEN, log: () => {} });
    expect(fake.listenerCount()).toBe(1);
    await other.close();
    expect(fake.listenerCount()).toBe(0);
  });
});
