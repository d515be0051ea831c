/**
 * Jupyter-style token auth. The token travels once in the printed URL, is swapped for an HttpOnly cookie,
 * and scripts may send it as a Bearer header. It is never logged.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { AUTH_COOKIE } from '../contract/transport';

/** Shorter tokens given on the command line would be guessable; generated ones are 32 random bytes. */
export const MIN_TOKEN_LENGTH = 16;

export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Constant-time comparison. Hashing both sides first gives equal-length buffers for timingSafeEqual, so
 * not even the token's length leaks through timing.
 */
export function tokensEqual(candidate: string, token: string): boolean {
  const a = createHash('sha256').update(candidate, 'utf8').digest();
  const b = createHash('sha256').update(token, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/**
 * Cookies are shared by every port of a host, so two Epochlab servers on one machine would overwrite each
 * other's cookie under one name; the port keeps them apart.
 */
export function authCookieName(port: number): string {
  return `${AUTH_COOKIE}_${port}`;
}

export function authCookieHeader(name: string, token: string): string {
  return `${name}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`;
}

/** Every value sent under `name` (a browser may hold several with different paths). */
export function cookieValues(header: string | undefined, name: string): string[] {
  if (!header) return [];
  const values: string[] = [];
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    try {
      values.push(decodeURIComponent(part.slice(eq + 1).trim()));
    } catch {
      // A malformed value is simply not a credential.
    }
  }
  return values;
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match ? match[1] : undefined;
}

/** True when the request carries the token as a Bearer header or in the auth cookie. */
export function isAuthorized(req: IncomingMessage, token: string, cookieName: string): boolean {
  const candidates = cookieValues(req.headers.cookie, cookieName);
  const bearer = bearerToken(req.headers.authorization);
  if (bearer !== undefined) candidates.push(bearer);
  // Compare every candidate so the time taken does not depend on which one matched.
  let ok = false;
  for (const candidate of candidates) ok = tokensEqual(candidate, token) || ok;
  return ok;
}
