/**
 * Writes the UI's Content-Security-Policy (src-main/contract/csp.ts) into index.html's <meta> tag, so the page
 * and the headers of the server and the desktop app enforce one policy written once. Used by both renderer
 * builds: src-renderer/vite.config.ts (serve mode, UI tests) and electron.vite.config.ts (desktop).
 */
import type { Plugin } from 'vite';
import { CSP_PLACEHOLDER, metaContentSecurityPolicy } from '../src-main/contract/csp';

export function cspPlugin(): Plugin {
  return {
    name: 'epochlab-csp',
    transformIndexHtml: {
      order: 'pre',
      handler(html) {
        if (!html.includes(CSP_PLACEHOLDER)) throw new Error(`index.html lacks the ${CSP_PLACEHOLDER} placeholder of its Content-Security-Policy`);
        return html.replace(CSP_PLACEHOLDER, metaContentSecurityPolicy());
      },
    },
  };
}
