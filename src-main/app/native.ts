/**
 * Where the Electron build of better-sqlite3 is, when running from a clone (`npm start`). A packaged app
 * needs none: electron-builder rebuilds node_modules for Electron. From a clone, node_modules holds the
 * Node build (for the CLI and tests), and scripts/electron-native.mjs keeps an Electron build beside it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export function electronSqliteBinding(mainDir: string, electronVersion = process.versions.electron): string | undefined {
  if (!electronVersion) return undefined;
  const candidate = join(mainDir, '..', 'native', `electron-${electronVersion}`, 'better_sqlite3.node');
  return existsSync(candidate) ? candidate : undefined;
}
