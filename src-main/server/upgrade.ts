/**
 * The live-events WebSocket: the same Host/Origin/token checks as HTTP on the upgrade, a connection cap,
 * push-only sockets with a small max payload, coalesced fan-out and a ping that drops dead viewers.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EpochlabServices } from '../contract/api';
import { WS_EVENTS_PATH } from '../contract/transport';
import { isAuthorized } from './auth';
import { EventFanout } from './events';
import type { Gate } from './gate';
import { hostAllowed, originAllowed } from './hosts';

export const MAX_WS_PAYLOAD_BYTES = 64 * 1024;
export const MAX_WS_CONNECTIONS = 32;
const FLUSH_INTERVAL_MS = 250;
const PING_INTERVAL_MS = 30_000;
const CLOSE_GRACE_MS = 1_000;

export interface EventSockets {
  /** Stops publishing, closes every viewer (waiting at most a short grace for the close handshake). */
  close(): Promise<void>;
}

export function attachEventSockets(server: Server, services: EpochlabServices, gate: Gate): EventSockets {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_PAYLOAD_BYTES, perMessageDeflate: false });
  const fanout = new EventFanout();
  const alive = new WeakSet<WebSocket>();

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const rawPath = (req.url ?? '/').split('?')[0];
    const refuse = (status: number, reason: string): void => {
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
    };
    if (!hostAllowed(req.headers.host, gate.allowedHosts)) return refuse(403, 'Forbidden');
    if (!originAllowed(req.headers.origin, gate.allowedHosts)) return refuse(403, 'Forbidden');
    if (rawPath !== WS_EVENTS_PATH) return refuse(404, 'Not Found');
    if (!isAuthorized(req, gate.token, gate.cookieName)) return refuse(401, 'Unauthorized');
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

  const stopPublishing = (): void => {
    unsubscribe();
    clearInterval(flushTimer);
    clearInterval(pingTimer);
  };

  return {
    async close() {
      stopPublishing();
      const closed = [...wss.clients].map((ws) => new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.close(1001, 'server shutting down');
      }));
      // A viewer that ignores the close handshake is not waited for (ws would wait 30 s).
      await Promise.race([Promise.all(closed), new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref())]);
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
