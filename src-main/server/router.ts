/**
 * HTTP requests: Host and Origin first (DNS rebinding, cross-origin writes), then the API behind the token,
 * then the token-for-cookie exchange and the static UI (docs/reliability.md, section C).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EpochlabServices } from '../contract/api';
import { HTTP_API_PREFIX, HTTP_UPLOADS_PATH, WS_EVENTS_PATH } from '../contract/transport';
import type { UnexpectedErrorHandler } from '../services/dispatch';
import { handleApiRequest } from './api';
import { authCookieHeader, isAuthorized, tokensEqual } from './auth';
import type { Gate } from './gate';
import { applySecurityHeaders, sendJson, sendText } from './headers';
import { hostAllowed, originAllowed } from './hosts';
import { serveStatic, type StaticSite } from './static';
import { handleUploadRequest } from './upload';

const UNAUTHORIZED_PAGE = `<!doctype html><meta charset="utf-8"><title>Epochlab</title>
<p>This Epochlab server needs its access token. Open the full link printed by <code>epochlab serve</code>
(it ends in <code>?token=…</code>).</p>`;

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export function createRouter(services: EpochlabServices, site: StaticSite, gate: Gate, onUnexpected: UnexpectedErrorHandler): RequestHandler {
  return async (req, res) => {
    const host = req.headers.host;
    if (!hostAllowed(host, gate.allowedHosts)) {
      applySecurityHeaders(res, undefined);
      return sendText(res, 403, 'forbidden: unexpected Host header');
    }
    applySecurityHeaders(res, host);
    if (!originAllowed(req.headers.origin, gate.allowedHosts)) return sendText(res, 403, 'forbidden: cross-origin request');

    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const search = q < 0 ? '' : rawUrl.slice(q + 1);

    if (rawPath === '/api' || rawPath.startsWith(HTTP_API_PREFIX)) {
      if (!isAuthorized(req, gate.token, gate.cookieName)) {
        return sendJson(res, 401, { error: { code: 'invalid', message: 'authentication required' } }, { 'WWW-Authenticate': 'Bearer' });
      }
      if (rawPath === WS_EVENTS_PATH) return sendText(res, 426, 'upgrade required', { Upgrade: 'websocket' });
      if (rawPath === HTTP_UPLOADS_PATH) return handleUploadRequest(req, res, services, search, onUnexpected);
      return handleApiRequest(req, res, services, rawPath, HTTP_API_PREFIX, onUnexpected);
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });

    const params = new URLSearchParams(search);
    const offered = params.get('token');
    if (offered !== null) {
      if (!tokensEqual(offered, gate.token)) return sendHtml(res, 401, UNAUTHORIZED_PAGE);
      params.delete('token');
      const rest = params.toString();
      // Collapsing leading slashes keeps `//evil.example/?token=…` from becoming an off-site redirect.
      const location = `/${rawPath.replace(/^[/\\]+/, '')}${rest ? `?${rest}` : ''}`;
      res.writeHead(302, { Location: location, 'Set-Cookie': authCookieHeader(gate.cookieName, gate.token), 'Cache-Control': 'no-store' });
      res.end();
      return;
    }
    if (!isAuthorized(req, gate.token, gate.cookieName)) return sendHtml(res, 401, UNAUTHORIZED_PAGE);
    return serveStatic(site, req, rawPath, res);
  };
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(html);
}
