import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../src-renderer/src/contract';
import {
  apiUrl, backoffDelay, createHttpClient, eventsUrl, type FetchLike, type RequestInitLike, type SocketHandlers, type Timers,
} from '../../../src-renderer/src/api/http';
import { SignInError, UnreachableError } from '../../../src-renderer/src/api/errors';
import type { ConnectionState } from '../../../src-renderer/src/api/client';

const PAGE = 'http://127.0.0.1:7777/#/experiments/3';

function response(status: number, body: string, statusText = '') {
  return { ok: status >= 200 && status < 300, status, statusText, text: async () => body };
}

/** Timers the test advances by hand. */
function manualTimers() {
  const pending: Array<{ fn: () => void; ms: number; id: number }> = [];
  let next = 1;
  const timers: Timers = {
    setTimeout: (fn, ms) => {
      pending.push({ fn, ms, id: next });
      return next++;
    },
    clearTimeout: (id) => {
      const i = pending.findIndex((p) => p.id === id);
      if (i >= 0) pending.splice(i, 1);
    },
  };
  return { timers, pending, fire: () => pending.shift()?.fn() };
}

function fakeSockets() {
  const opened: Array<{ url: string; handlers: SocketHandlers; closed: boolean }> = [];
  const openSocket = (url: string, handlers: SocketHandlers) => {
    const entry = { url, handlers, closed: false };
    opened.push(entry);
    return { close: () => { entry.closed = true; } };
  };
  return { opened, openSocket };
}

describe('URLs', () => {
  it('resolves the API and the event socket against the page folder', () => {
    expect(apiUrl(PAGE, 'listExperiments')).toBe('http://127.0.0.1:7777/api/listExperiments');
    expect(eventsUrl(PAGE)).toBe('ws://127.0.0.1:7777/api/events');
    expect(apiUrl('https://lab.example/epochlab/index.html?x=1#/new', 'getRun')).toBe('https://lab.example/epochlab/api/getRun');
    expect(eventsUrl('https://lab.example/epochlab/#/')).toBe('wss://lab.example/epochlab/api/events');
  });
});

describe('backoffDelay', () => {
  it('doubles from the initial delay, caps at the maximum and stays within ±25 % jitter', () => {
    const opts = { initialMs: 500, maxMs: 15_000 };
    expect(backoffDelay(0, opts, () => 0.5)).toBe(500);
    expect(backoffDelay(1, opts, () => 0.5)).toBe(1000);
    expect(backoffDelay(3, opts, () => 0.5)).toBe(4000);
    expect(backoffDelay(20, opts, () => 0.5)).toBe(15_000);
    expect(backoffDelay(20, opts, () => 0.999)).toBe(15_000);
    expect(backoffDelay(2, opts, () => 0)).toBe(1500);
    expect(backoffDelay(2, opts, () => 0.999)).toBeLessThanOrEqual(2500);
  });
});

describe('createHttpClient().call', () => {
  it('POSTs JSON with same-origin credentials and returns the parsed body', async () => {
    const calls: Array<[string, RequestInitLike]> = [];
    const fetch: FetchLike = async (url, init) => {
      calls.push([url, init]);
      return response(200, JSON.stringify({ deleted: true }));
    };
    const client = createHttpClient({ pageUrl: PAGE, fetch, openSocket: fakeSockets().openSocket });
    await expect(client.call('deleteExperiment', { experimentId: 4 })).resolves.toEqual({ deleted: true });
    expect(calls[0][0]).toBe('http://127.0.0.1:7777/api/deleteExperiment');
    expect(calls[0][1]).toMatchObject({ method: 'POST', credentials: 'same-origin', body: '{"experimentId":4}' });
    expect(calls[0][1].headers['Content-Type']).toBe('application/json');
  });

  it('turns an error body into ApiError with its field issues', async () => {
    const body = { error: { code: 'invalid', message: 'bad spec', issues: [{ path: 'spec.params.batchSize', message: 'batch size must be at least 1' }, { path: 3 }] } };
    const client = createHttpClient({ pageUrl: PAGE, fetch: async () => response(400, JSON.stringify(body)), openSocket: fakeSockets().openSocket });
    const error = await client.call('listExperiments', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'invalid', message: 'bad spec', issues: [{ path: 'spec.params.batchSize', message: 'batch size must be at least 1' }] });
  });

  it('explains a refused sign-in, a dead proxy and a non-JSON answer', async () => {
    const run = async (status: number, text: string) => {
      const client = createHttpClient({ pageUrl: PAGE, fetch: async () => response(status, text), openSocket: fakeSockets().openSocket });
      return (await client.call('listExperiments', {}).catch((e: unknown) => e)) as ApiError;
    };
    expect(await run(401, '{"error":{"code":"invalid","message":"authentication required"}}')).toBeInstanceOf(SignInError);
    expect((await run(401, '')).message).toMatch(/token/);
    expect(await run(403, 'forbidden: unexpected Host header')).toBeInstanceOf(SignInError);
    expect(await run(502, '<html>')).toBeInstanceOf(UnreachableError);
    // A static file server without the API (python -m http.server answers POST with 501).
    expect(await run(501, '<html>Unsupported method</html>')).toBeInstanceOf(UnreachableError);
    expect(await run(404, 'not found')).toBeInstanceOf(UnreachableError);
    const internal = await run(500, '{"error":{"code":"failed","message":"internal error"}}');
    expect(internal).not.toBeInstanceOf(UnreachableError);
    expect(internal.message).toBe('internal error');
    expect((await run(200, 'not json')).message).toMatch(/not JSON/);
  });

  it('reports an unreachable server as UnreachableError', async () => {
    const client = createHttpClient({
      pageUrl: PAGE,
      fetch: async () => { throw new TypeError('Failed to fetch'); },
      openSocket: fakeSockets().openSocket,
    });
    const error = await client.call('getSystemInfo', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnreachableError);
    expect((error as Error).message).toMatch(/Cannot reach the Epochlab server/);
  });
});

describe('createHttpClient events', () => {
  it('opens the socket on first subscription and delivers well-formed events only', () => {
    const sockets = fakeSockets();
    const client = createHttpClient({ pageUrl: PAGE, fetch: vi.fn(), openSocket: sockets.openSocket, timers: manualTimers().timers });
    expect(sockets.opened).toHaveLength(0);
    const seen: unknown[] = [];
    client.onEvent((e) => seen.push(e));
    expect(sockets.opened).toHaveLength(1);
    expect(sockets.opened[0].url).toBe('ws://127.0.0.1:7777/api/events');
    const h = sockets.opened[0].handlers;
    h.open();
    h.message(JSON.stringify({ type: 'experiment-status', experimentId: 1, status: 'finished' }));
    h.message('{not json');
    h.message(JSON.stringify({ nope: 1 }));
    h.message(new ArrayBuffer(4));
    expect(seen).toEqual([{ type: 'experiment-status', experimentId: 1, status: 'finished' }]);
  });

  it('reconnects with growing delays after drops and resets the delay once connected', () => {
    const sockets = fakeSockets();
    const t = manualTimers();
    const client = createHttpClient({ pageUrl: PAGE, fetch: vi.fn(), openSocket: sockets.openSocket, timers: t.timers, random: () => 0.5 });
    const states: ConnectionState[] = [];
    client.onConnection((s) => states.push(s));
    expect(states).toEqual(['closed', 'connecting']);
    sockets.opened[0].handlers.close();
    expect(t.pending.map((p) => p.ms)).toEqual([500]);
    t.fire();
    sockets.opened[1].handlers.close();
    // A close reported twice (error then close) must not schedule two reconnects.
    sockets.opened[1].handlers.close();
    expect(t.pending.map((p) => p.ms)).toEqual([1000]);
    t.fire();
    sockets.opened[2].handlers.open();
    sockets.opened[2].handlers.close();
    expect(t.pending.map((p) => p.ms)).toEqual([500]);
    expect(states).toEqual(['closed', 'connecting', 'closed', 'connecting', 'closed', 'connecting', 'open', 'closed']);
  });

  it('reconnect() skips the wait, and close() stops for good', () => {
    const sockets = fakeSockets();
    const t = manualTimers();
    const client = createHttpClient({ pageUrl: PAGE, fetch: vi.fn(), openSocket: sockets.openSocket, timers: t.timers });
    client.onEvent(() => undefined);
    sockets.opened[0].handlers.close();
    expect(t.pending).toHaveLength(1);
    client.reconnect();
    expect(t.pending).toHaveLength(0);
    expect(sockets.opened).toHaveLength(2);
    client.close();
    expect(sockets.opened[1].closed).toBe(true);
    sockets.opened[1].handlers.close();
    expect(t.pending).toHaveLength(0);
  });

  it('survives a socket constructor that throws (bad URL, blocked by policy)', () => {
    const t = manualTimers();
    const client = createHttpClient({ pageUrl: PAGE, fetch: vi.fn(), openSocket: () => { throw new Error('blocked'); }, timers: t.timers });
    const states: ConnectionState[] = [];
    client.onConnection((s) => states.push(s));
    expect(states).toEqual(['closed', 'connecting', 'closed']);
    expect(t.pending).toHaveLength(1);
  });
});
