/**
 * Opening the database: refuse what must not be touched (see file-checks), then configure the connection
 * and migrate. Any failure closes the connection and surfaces as a StoreError with a message a person can act on.
 */
import Database from 'better-sqlite3';
import { StoreError, guard } from './errors';
import { inspectDatabaseFile } from './file-checks';
import { APPLICATION_ID, MIGRATIONS, applyMigrations, newerVersionError, userVersion, type Migration } from './migrations/migrate';
import { SqliteRunStore } from './sqlite-store';
import type { RunStore } from './run-store';

export interface OpenOptions {
  /** Open without writing anything: no migration, no WAL switch; every write fails with StoreError 'readonly'. */
  readonly?: boolean;
  /**
   * A better-sqlite3 binary built for another runtime. `npm start` runs Electron from the same node_modules
   * as the CLI, whose binary is built for Node: the app passes an Electron build kept under out/native.
   */
  nativeBinding?: string;
}

/** Seams for tests; the app uses the defaults. */
export interface OpenInternals {
  migrations?: readonly Migration[];
  busyTimeoutMs?: number;
  /** Called on the configured, migrated connection (tests use it to cap the file size and provoke SQLITE_FULL). */
  onOpen?: (db: Database.Database) => void;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5000;

function configure(db: Database.Database, readonly: boolean, busyTimeoutMs: number): void {
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  db.pragma('foreign_keys = ON');
  if (readonly) return;
  // WAL lets readers (UI, serve mode) run beside the writer; NORMAL syncs at checkpoints only, which in WAL
  // mode can lose the last commits on power loss but never corrupts, and is what makes batch ingest fast.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
}

/**
 * Every Epochlab database from version 1 on carries our application id; a SQLite file with tables but no
 * version, or a version without our id, is another program's, and migrating would write into it.
 */
function checkIsOurs(db: Database.Database, dbPath: string, version: number): void {
  const foreign = version === 0
    ? Number(db.prepare('SELECT COUNT(*) FROM sqlite_master').pluck().get()) > 0
    : Number(db.pragma('application_id', { simple: true })) !== APPLICATION_ID;
  if (foreign) {
    throw new StoreError('corrupt', `${dbPath} is a SQLite database but not an Epochlab one; it was not changed.`);
  }
}

function prepare(db: Database.Database, dbPath: string, readonly: boolean, internals: OpenInternals): void {
  const migrations = internals.migrations ?? MIGRATIONS;
  const target = migrations.length;
  const busyTimeoutMs = internals.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  // The version is read before anything is configured: a newer database must not even be switched to WAL.
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  const version = userVersion(db);
  checkIsOurs(db, dbPath, version);
  if (version > target && !readonly) throw newerVersionError(version, target, dbPath);
  if (readonly && version < target) {
    throw new StoreError('readonly', `${dbPath} is at database version ${version} and needs upgrading to ${target}, which cannot be done read-only.`);
  }
  configure(db, readonly, busyTimeoutMs);
  if (!readonly) applyMigrations(db, migrations, dbPath);
}

export function openStoreWith(dbPath: string, options: OpenOptions = {}, internals: OpenInternals = {}): RunStore {
  const readonly = options.readonly ?? false;
  const memory = dbPath === ':memory:';
  if (!memory) inspectDatabaseFile(dbPath, readonly);
  const db = guard(`cannot open ${dbPath}`, () =>
    new Database(dbPath, {
      readonly: readonly && !memory,
      fileMustExist: readonly && !memory,
      timeout: internals.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS,
      ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
    }),
  );
  try {
    guard(`cannot open ${dbPath}`, () => prepare(db, dbPath, readonly && !memory, internals));
    internals.onOpen?.(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return new SqliteRunStore(db);
}

/** Opens (creating folder and file if missing) and migrates the database at `dbPath`; `:memory:` gives a throwaway store. */
export function openStore(dbPath: string, options?: OpenOptions): RunStore {
  return openStoreWith(dbPath, options);
}
