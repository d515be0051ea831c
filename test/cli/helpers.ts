/** Running the bundled `epochlab` command against a test's data folder, and writing spec files there. */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI_SCRIPT } from '../services/harness';

export function cliIn(dataDir: () => string, timeout = 120_000) {
  return (...args: string[]) => spawnSync(process.execPath, [CLI_SCRIPT, '--data-dir', dataDir(), ...args], { encoding: 'utf8', timeout });
}

export function specFileIn(dataDir: string, spec: unknown): string {
  const path = join(dataDir, `spec-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(spec));
  return path;
}

/**
 * Resolves once `sql` (one number) over the data folder's database, read from another process the way a
 * user's second terminal would, exceeds `min`; rejects after `timeoutMs`.
 */
export function waitForCount(dataDir: string, sql: string, min: number, timeoutMs: number, what: string): Promise<void> {
  const probe = () => {
    const out = spawnSync(process.execPath, ['-e', `
      const D = require('better-sqlite3');
      try {
        const db = new D(${JSON.stringify(join(dataDir, 'epochlab.sqlite'))}, { readonly: true, fileMustExist: true });
        process.stdout.write(String(db.prepare(${JSON.stringify(sql)}).pluck().get()));
      } catch { process.stdout.write('0'); }`], { encoding: 'utf8' });
    return Number(out.stdout) || 0;
  };
  return new Promise<void>((resolve, reject) => {
    const deadline = setTimeout(() => {
      clearInterval(poll);
      reject(new Error(what));
    }, timeoutMs);
    const poll = setInterval(() => {
      if (probe() > min) {
        clearInterval(poll);
        clearTimeout(deadline);
        resolve();
      }
    }, 200);
  });
}
