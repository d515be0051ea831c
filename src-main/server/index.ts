/**
 * Serve mode: the same API as the desktop app, over HTTP + WebSocket, for a headless machine (a GPU box)
 * whose UI is opened in a browser. Loopback by default, token auth always on, and every request checked
 * for Host/Origin first (RELIABILITY section C).
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EpochlabServices } from '../contract/api';
import { HTTP_API_PREFIX, WS_EVENTS_PATH } from '../contract/transport';
import { handleApiRequest } from './api';
import { authCookieHeader, authCookieName, generateToken, isAuthorized, MIN_TOKEN_LENGTH, tokensEqual } from './auth';
import { describeError } from '../services/dispatch';
import { EventFanout } from './events';
import { applySecurityHeaders, sendJson, sendText } from './headers';
import { allowedHostHeaders, hostAllowed, hostForUrl, isLoopbackHost, isWildcardHost, originAllowed } from './hosts';
import { openStaticSite, serveStatic } from './static';

export interface ServerOptions {
  /** Interface to bind; 127.0.0.1 unless told otherwise. */
  host?: string;
  /** 0 (the default) lets the system pick a free port. */
  port?: number;
  /** The built renderer (out/renderer). */
  staticDir: string;
  /** A fixed token (at least 16 characters); a random 32-byte one otherwise. */
  token?: string;
  /** Extra Host values accepted: `name` (this port or a proxy on its default port) or `name:port` as written. */
  allowedHosts?: string[];
  /** Where warnings and errors go; never given the token. Defaults to stderr. */
  log?: (line: string) => void;
}

export interface RunningServer {
  /** The URL to open, with `?token=`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

export const MAX_WS_PAYLOAD_BYTES = 64 * 1024;
export const MAX_WS_CONNECTIONS = 32;
const FLUSH_INTERVAL_MS = 250;
const PING_INTERVAL_MS = 30_000;
const CLOSE_GRACE_MS = 1_000;

const UNAUTHORIZED_PAGE = `<!doctype html><meta charset="utf-8"><title>Epochlab</title>
<p>This Epochlab server needs its access token. Open the full link printed by <code>epochlab serve</code>
(it ends in <code>?token=…</code>).</p>`;

export async function startServer(services: EpochlabServices, options: ServerOptions): Promise<RunningServer> {
  const bindHost = options.host ?? '127.0.0.1';
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (options.token !== undefined && options.token.length < MIN_TOKEN_LENGTH) {
    throw new Error(`the token must be at least ${MIN_TOKEN_LENGTH} characters long`);
  }
  const token = options.token ?? generateToken();
  const site = await openStaticSite(options.staticDir);

  // Filled in once the port is known (port 0 means the system picks one).
  let allowedHosts = new Set<string>();
  let cookieName = '';

  const onUnexpected = (method: string, error: unknown): void => log(`error: ${method} failed: ${describeError(error)}`);

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const host = req.headers.host;
    if (!hostAllowed(host, allowedHosts)) {
      applySecurityHeaders(res, undefined);
      return sendText(res, 403, 'forbidden: unexpected Host header');
    }
    applySecurityHeaders(res, host);
    if (!originAllowed(req.headers.origin, allowedHosts)) return sendText(res, 403, 'forbidden: cross-origin request');

    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const search = q < 0 ? '' : rawUrl.slice(q + 1);

    if (rawPath === '/api' || rawPath.startsWith(HTTP_API_PREFIX)) {
      if (!isAuthorized(req, token, cookieName)) {
        return sendJson(res, 401, { error: { code: 'invalid', message: 'authentication required' } }, { 'WWW-Authenticate': 'Bearer' });
      }
      if (rawPath === WS_EVENTS_PATH) return sendText(res, 426, 'upgrade required', { Upgrade: 'websocket' });
      return handleApiRequest(req, res, services, rawPath, HTTP_API_PREFIX, onUnexpected);
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });

    const params = new URLSearchParams(search);
    const offered = params.get('token');
    if (offered !== null) {
      if (!tokensEqual(offered, token)) return sendHtml(res, 401, UNAUTHORIZED_PAGE);
      params.delete('token');
      const rest = params.toString();
      // Collapsing leading slashes keeps `//evil.example/?token=…` from becoming an off-site redirect.
      const location = `/${rawPath.replace(/^[/\\]+/, '')}${rest ? `?${rest}` : ''}`;
      res.writeHead(302, { Location: location, 'Set-Cookie': authCookieHeader(cookieName, token), 'Cache-Control': 'no-store' });
      res.end();
      return;
    }
    if (!isAuthorized(req, token, cookieName)) return sendHtml(res, 401, UNAUTHORIZED_PAGE);
    return serveStatic(site, req, rawPath, res);
  }

  const server = http.createServer(
    {
      // Slow-loris and slow-body clients are cut off instead of holding sockets (RELIABILITY C8).
      headersTimeout: 10_000,
      requestTimeout: 30_000,
      keepAliveTimeout: 5_000,
      maxHeaderSize: 16 * 1024,
    },
    (req, res) => {
      handleRequest(req, res).catch((error: unknown) => {
        log(`error: ${req.method} ${(req.url ?? '').split('?')[0]}: ${describeError(error)}`);
        if (res.headersSent) res.destroy();
        else sendJson(res, 500, { error: { code: 'failed', message: 'internal error' } });
      });
    },
  );
  server.maxHeadersCount = 100;

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_PAYLOAD_BYTES, perMessageDeflate: false });
  const fanout = new EventFanout();
  const alive = new WeakSet<WebSocket>();

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const rawPath = (req.url ?? '/').split('?')[0];
    const refuse = (status: number, reason: string): void => {
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
    };
    if (!hostAllowed(req.headers.host, allowedHosts)) return refuse(403, 'Forbidden');
    if (!originAllowed(req.headers.origin, allowedHosts)) return refuse(403, 'Forbidden');
    if (rawPath !== WS_EVENTS_PATH) return refuse(404, 'Not Found');
    if (!isAuthorized(req, token, cookieName)) return refuse(401, 'Unauthorized');
    if (wss.clients.size >= MAX_WS_CONNECTIONS) return refuse(503, 'Service Unavailable');
    wss.handleUpgrade(req, socket, head, (ws) => {
      alive.add(ws);
      fanout.add(ws);
      ws.on('pong', () => alive.add(ws));
      // The socket is push-only; an oversize message makes `ws` close it (1009) and report it here.
      ws.on('error', () => ws.terminate());
      ws.on('close', () => fanout.remove(ws));
    });
  });

  const unsubscribe = services.subscribe((event) => fanout.publish(event));
  const flushTimer = setInterval(() => fanout.flush(), FLUSH_INTERVAL_MS);
  flushTimer.unref();
  const pingTimer = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, PING_INTERVAL_MS);
  pingTimer.unref();

  const stopBackground = (): void => {
    unsubscribe();
    clearInterval(flushTimer);
    clearInterval(pingTimer);
  };

  try {
    await new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException): void => {
        server.off('listening', onListening);
        const where = `${hostForUrl(bindHost)}:${options.port ?? 0}`;
        reject(error.code === 'EADDRINUSE' ? new Error(`cannot serve on ${where}: the port is in use`) : error);
      };
      const onListening = (): void => {
        server.off('error', onError);
        resolve();
      };
      server.once('error', onError);
      server.once('listening', onListening);
      server.listen(options.port ?? 0, bindHost);
    });
  } catch (error) {
    stopBackground();
    throw error;
  }
  server.on('error', (error) => log(`error: server: ${describeError(error)}`));

  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  allowedHosts = allowedHostHeaders(bindHost, port, options.allowedHosts);
  cookieName = authCookieName(port);

  if (!isLoopbackHost(bindHost)) {
    log(
      `warning: Epochlab is listening on ${hostForUrl(bindHost)}:${port}, reachable from other machines. ` +
      'Traffic is plain HTTP: anyone who sees the token can run and delete experiments. ' +
      'Prefer an SSH tunnel to a loopback bind.',
    );
  }

  const urlHost = isWildcardHost(bindHost) ? '127.0.0.1' : hostForUrl(bindHost);
  let closing: Promise<void> | null = null;
  return {
    url: `http://${urlHost}:${port}/?token=${encodeURIComponent(token)}`,
    port,
    close(): Promise<void> {
      closing ??= (async () => {
        stopBackground();
        const closed = [...wss.clients].map((ws) => new Promise<void>((resolve) => {
          ws.once('close', () => resolve());
          ws.close(1001, 'server shutting down');
        }));
        // A viewer that ignores the close handshake is not waited for (ws would wait 30 s).
        await Promise.race([Promise.all(closed), new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref())]);
        for (const ws of wss.clients) ws.terminate();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return closing;
    },
  };
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(html);
}
