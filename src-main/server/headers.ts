/**
 * Headers on every response (docs/reliability.md A4, C7). No Access-Control-* header is ever sent: the UI is served
 * from the same origin, and anything cross-origin should be refused by the browser.
 */
import type { ServerResponse } from 'node:http';
import { contentSecurityPolicy } from '../contract/csp';

export function securityHeaders(host: string | undefined): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(host),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

export function applySecurityHeaders(res: ServerResponse, host: string | undefined): void {
  for (const [name, value] of Object.entries(securityHeaders(host))) res.setHeader(name, value);
}

export function sendText(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...extra });
  res.end(text);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(json)),
    'Cache-Control': 'no-store',
    ...extra,
  });
  res.end(json);
}
