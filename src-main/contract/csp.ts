/**
 * The Content-Security-Policy of the UI, in one place: sent as a header by the serve-mode server and by the
 * desktop app's session, and written into index.html's <meta> tag at build time (scripts/vite-csp-plugin.ts).
 * No inline script and no eval: Vue is the runtime-only build (templates are compiled at build time) and
 * ECharts draws on canvas (docs/reliability.md A4, C7).
 */

/** Directives a browser ignores in a <meta> policy (frame-ancestors is only honoured as a header). */
const HEADER_ONLY = new Set(['frame-ancestors']);

function directives(host: string | undefined): Array<[string, string]> {
  // `host` has passed the Host check before it gets here, so it cannot inject a directive.
  const ws = host ? ` ws://${host}` : '';
  return [
    ['default-src', "'self'"],
    ['script-src', "'self'"],
    // naive-ui injects its styles at run time.
    ['style-src', "'self' 'unsafe-inline'"],
    ['img-src', "'self' data:"],
    ['font-src', "'self' data:"],
    // 'self' covers the WebSocket back to the same host in CSP level 3; the explicit ws:// is for older engines.
    ['connect-src', `'self'${ws}`],
    ['frame-ancestors', "'none'"],
    ['object-src', "'none'"],
    ['base-uri', "'none'"],
    ['form-action', "'none'"],
  ];
}

const join = (list: Array<[string, string]>) => list.map(([name, value]) => `${name} ${value}`).join('; ');

/** The header value; `host` is the request's (already checked) Host, for the WebSocket's ws:// source. */
export function contentSecurityPolicy(host: string | undefined): string {
  return join(directives(host));
}

/** The same policy for index.html's <meta http-equiv> tag. */
export function metaContentSecurityPolicy(): string {
  return join(directives(undefined).filter(([name]) => !HEADER_ONLY.has(name)));
}

/** The placeholder index.html carries where the build writes the meta policy. */
export const CSP_PLACEHOLDER = '%EPOCHLAB_CSP%';
