/**
 * Serve mode: the same API as the desktop app, over HTTP + WebSocket, for a headless machine (a GPU box)
 * whose UI is opened in a browser. Loopback by default, token auth always on, and every request checked
 * for Host/Origin first (docs/reliability.md, section C). This file is the lifecycle: listen, the gate, close.
 */
import http from 'node:http';
import type { EpochlabServices } from '../contract/api';
import { generateToken, authCookieName, MIN_TOKEN_LENGTH } from './auth';
import { describeError } from '../services/dispatch';
import type { Gate } from './gate';
import { sendJson } from './headers';
import { allowedHostHeaders, hostForUrl, isLoopbackHost, isWildcardHost } from './hosts';
import { createRouter } from './router';
import { openStaticSite } from './static';
import { attachEventSockets } from './upgrade';

export { MAX_WS_CONNECTIONS, MAX_WS_PAYLOAD_BYTES } from './upgrade';

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

export async function startServer(services: EpochlabServices, options: ServerOptions): Promise<RunningServer> {
  const bindHost = options.host ?? '127.0.0.1';
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (options.token !== undefined && options.token.length < MIN_TOKEN_LENGTH) {
    throw new Error(`the token must be at least ${MIN_TOKEN_LENGTH} characters long`);
  }
  // Host values and the cookie name are filled in once the port is known (port 0 means the system picks one).
  const gate: Gate = { token: options.token ?? generateToken(), allowedHosts: new Set(), cookieName: '' };
  const site = await openStaticSite(options.staticDir);
  const route = createRouter(services, site, gate, (method, error) => log(`error: ${method} failed: ${describeError(error)}`));

  const server = http.createServer(
    {
      // Slow-loris and slow-body clients are cut off instead of holding sockets (docs/reliability.md C8).
      headersTimeout: 10_000,
      requestTimeout: 30_000,
      keepAliveTimeout: 5_000,
      maxHeaderSize: 16 * 1024,
    },
    (req, res) => {
      route(req, res).catch((error: unknown) => {
        log(`error: ${req.method} ${(req.url ?? '').split('?')[0]}: ${describeError(error)}`);
        if (res.headersSent) res.destroy();
        else sendJson(res, 500, { error: { code: 'failed', message: 'internal error' } });
      });
    },
  );
  server.maxHeadersCount = 100;
  const sockets = attachEventSockets(server, services, gate);

  try {
    await listen(server, bindHost, options.port ?? 0);
  } catch (error) {
    await sockets.close();
    throw error;
  }
  server.on('error', (error) => log(`error: server: ${describeError(error)}`));

  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  gate.allowedHosts = allowedHostHeaders(bindHost, port, options.allowedHosts);
  gate.cookieName = authCookieName(port);

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
    url: `http://${urlHost}:${port}/?token=${encodeURIComponent(gate.token)}`,
    port,
    close(): Promise<void> {
      closing ??= (async () => {
        await sockets.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return closing;
    },
  };
}

function listen(server: http.Server, host: string, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      reject(error.code === 'EADDRINUSE' ? new Error(`cannot serve on ${hostForUrl(host)}:${port}: the port is in use`) : error);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}
