import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * This module's own file. The engine runs as CommonJS bundles (app, CLI, workers) and as ES modules (tests,
 * tsx), and each has only one of the two ways of knowing where it is.
 */
export const HERE: string = typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url);

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
