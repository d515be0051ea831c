/**
 * Which Host and Origin headers the server answers to. A page on evil.example that resolves its name to
 * 127.0.0.1 (DNS rebinding) still sends `Host: evil.example`, so checking the Host header is what keeps a
 * browser tab on another site from talking to the loopback server with the user's cookie (docs/reliability.md C3).
 */
import { hostname, networkInterfaces } from 'node:os';
import { isIP } from 'node:net';

export function isLoopbackHost(host: string): boolean {
  const h = stripBrackets(host).toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

export function isWildcardHost(host: string): boolean {
  const h = stripBrackets(host);
  return h === '0.0.0.0' || h === '::';
}

/** The host part of a URL: IPv6 literals need brackets. */
export function hostForUrl(host: string): string {
  const h = stripBrackets(host);
  return isIP(h) === 6 ? `[${h}]` : h;
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/**
 * The exact `Host` header values accepted: the loopback names, the bound host and, for a wildcard bind,
 * every local interface address and the machine's name (that is how other machines reach it).
 */
export function allowedHostHeaders(bindHost: string, port: number, extraHosts: readonly string[] = []): Set<string> {
  const names = new Set<string>(['127.0.0.1', 'localhost', '[::1]', hostForUrl(bindHost).toLowerCase()]);
  if (isWildcardHost(bindHost)) {
    for (const list of Object.values(networkInterfaces())) {
      for (const info of list ?? []) names.add(hostForUrl(info.address).toLowerCase());
    }
    names.add(hostname().toLowerCase());
  }
  names.delete(hostForUrl('0.0.0.0'));
  names.delete(hostForUrl('::'));

  const allowed = new Set<string>();
  for (const name of names) {
    allowed.add(`${name}:${port}`);
    // Browsers leave the default port out of Host and Origin.
    if (port === 80) allowed.add(name);
  }
  // Names given for a reverse proxy: `gpu-box.lan` (the proxy on its default port, or direct on this port)
  // or with an explicit port, `gpu-box.lan:8443`, taken as written.
  for (const extra of extraHosts) {
    const value = extra.trim().toLowerCase();
    if (value === '') continue;
    if (/^\[[^\]]+\]:\d+$/.test(value) || /^[^:[\]]+:\d+$/.test(value)) {
      allowed.add(value);
      continue;
    }
    const name = hostForUrl(value);
    allowed.add(name);
    allowed.add(`${name}:${port}`);
  }
  return allowed;
}

export function hostAllowed(hostHeader: string | undefined, allowed: ReadonlySet<string>): hostHeader is string {
  return typeof hostHeader === 'string' && allowed.has(hostHeader.toLowerCase());
}

/**
 * An absent Origin is a non-browser client (curl, scripts); a present one must be this server itself.
 * https is accepted too, for a TLS-terminating reverse proxy named in `allowedHosts`.
 */
export function originAllowed(origin: string | undefined, allowed: ReadonlySet<string>): boolean {
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === origin.toLowerCase().replace(/\/$/, '') && allowed.has(url.host);
}
