import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * A file to resolve packages and bundled resources from: this module's own file wherever Node or vitest
 * defines __filename (the CommonJS bundles of app, CLI and workers; tests). A pure ES-module run has no
 * __filename, and `import.meta` would make esbuild warn on every CommonJS build, so such a run resolves from
 * the working directory (the project root when developing).
 */
export const HERE: string = typeof __filename === 'string' ? __filename : join(process.cwd(), 'index.js');

/** The first `<dir>/<relative>` that exists, walking up from `start`; null when none does. */
export function findUpwards(start: string, relative: string): string | null {
  let dir = start;
  for (;;) {
    const candidate = join(dir, relative);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}
