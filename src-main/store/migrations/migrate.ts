/**
 * Numbered, forward-only migrations applied in one transaction per open, with the schema version kept in
 * `PRAGMA user_version`. A migration that throws rolls the whole open back: the file keeps its old version
 * and data, and the next start tries again.
 */
import type Database from 'better-sqlite3';
import { StoreError, classifyError } from '../errors';
import * as m001 from './001_initial';
import * as m002 from './002_tags_notes_end_reason';
import * as m003 from './003_analysis';

export interface Migration {
  readonly version: number;
  up(db: Database.Database): void;
}

export const MIGRATIONS: readonly Migration[] = [m001, m002, m003];
export const SCHEMA_VERSION: number = MIGRATIONS.length;
export { APPLICATION_ID } from './001_initial';

export function userVersion(db: Database.Database): number {
  return Number(db.pragma('user_version', { simple: true }));
}

function checkOrder(migrations: readonly Migration[]): void {
  migrations.forEach((migration, i) => {
    if (migration.version !== i + 1) {
      throw new Error(`migration list out of order: position ${i + 1} holds version ${migration.version}`);
    }
  });
}

export function newerVersionError(found: number, supported: number, path: string): StoreError {
  return new StoreError(
    'newer-version',
    `${path} was written by a newer Epochlab (database version ${found}; this version understands up to ${supported}). ` +
      'Update Epochlab to open it; it was not changed.',
  );
}

/**
 * Brings the database to the last version in `migrations`. Returns the versions before and after.
 * The version is read inside the write transaction so that two processes starting together cannot both
 * apply the same migration.
 */
export function applyMigrations(
  db: Database.Database,
  migrations: readonly Migration[] = MIGRATIONS,
  path = db.name,
): { from: number; to: number } {
  checkOrder(migrations);
  const target = migrations.length;
  // Checked outside the transaction too, so an up-to-date or read-only database never takes the write lock.
  const current = userVersion(db);
  if (current > target) throw newerVersionError(current, target, path);
  if (current === target) return { from: current, to: target };
  const run = db.transaction(() => {
    const from = userVersion(db);
    if (from > target) throw newerVersionError(from, target, path);
    for (const migration of migrations.slice(from)) {
      try {
        migration.up(db);
      } catch (error) {
        const known = classifyError(error, 'migration');
        const reason = error instanceof Error ? error.message : String(error);
        throw new StoreError(
          known?.code ?? 'io',
          `migration ${migration.version} of ${path} failed (${reason}); the database was left unchanged at version ${from}`,
          { cause: error },
        );
      }
    }
    db.pragma(`user_version = ${target}`);
    return { from, to: target };
  });
  return run.immediate();
}
