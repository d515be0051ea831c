/**
 * Opening the database for a process that only reads (`ls`, `show`, `export`…): it never writes, so it works
 * beside a training process, on a read-only file and on a full disk (docs/reliability.md D7).
 *
 * A WAL database needs its `-shm` index even to be read, and SQLite creates and sizes that file on open. On
 * a full disk that fails (SQLITE_IOERR_SHMSIZE) whenever no other process has the database open — which is
 * when the last writer closed cleanly, checkpointing everything into the main file. So a read that cannot
 * open the file falls back to a snapshot of the main file in memory, which is then the whole database.
 */
import Database from 'better-sqlite3';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { StoreError } from './errors';
import { openStoreWith, type OpenOptions } from './open';
import type { RunStore } from './run-store';
import { SqliteRunStore } from './sqlite-store';
import { applyMigrations } from './migrations/migrate';

export interface ReadingStore {
  store: RunStore;
  /** Set when the data shown may not be everything: say it to the user. */
  note: string | null;
}

/** Failures of a read-only open that a snapshot of the file gets around (no index file, no space, no permission). */
const SNAPSHOT_CODES = new Set<StoreError['code']>(['io', 'disk-full', 'readonly']);

export function openStoreForReading(dbPath: string, options: Pick<OpenOptions, 'nativeBinding'> = {}): ReadingStore {
  // Nothing stored yet: an empty store, and no file created for it.
  if (!existsSync(dbPath)) return { store: openStoreWith(':memory:', options), note: null };
  try {
    return { store: openStoreWith(dbPath, { ...options, readonly: true }), note: null };
  } catch (error) {
    if (!(error instanceof StoreError) || !SNAPSHOT_CODES.has(error.code)) throw error;
    return openSnapshot(dbPath, options, error);
  }
}

function openSnapshot(dbPath: string, options: Pick<OpenOptions, 'nativeBinding'>, cause: StoreError): ReadingStore {
  let bytes: Buffer;
  try {
    bytes = readFileSync(dbPath);
  } catch {
    throw cause;
  }
  // Bytes 18–19 say "WAL"; an in-memory database cannot have a write-ahead log, so it is read as a plain one.
  if (bytes.length >= 20 && bytes[18] === 2 && bytes[19] === 2) {
    bytes[18] = 1;
    bytes[19] = 1;
  }
  const db = new Database(bytes, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  try {
    db.pragma('foreign_keys = ON');
    // An older file is brought up to date in memory only; the file itself is left as it is.
    applyMigrations(db, undefined, dbPath);
  } catch (error) {
    db.close();
    throw error;
  }
  const unsaved = walBytes(dbPath);
  const why = cause.code === 'disk-full' || /SHMSIZE|FULL|no space/i.test(cause.message) ? 'the disk is full' : 'the database cannot be opened for reading in place';
  const note = unsaved > 0
    ? `${why}: showing the database as last saved to its main file; ${unsaved} bytes of recent changes in ${dbPath}-wal are not shown`
    : null;
  return { store: new SqliteRunStore(db), note };
}

function walBytes(dbPath: string): number {
  try {
    return statSync(`${dbPath}-wal`).size;
  } catch {
    return 0;
  }
}
