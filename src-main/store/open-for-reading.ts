/**
 * Opening the database for a process that only reads (`ls`, `show`, `export`…): it never writes, so it works
 * beside a training process, on a read-only file and on a full disk (docs/reliability.md D7).
 *
 * A WAL database needs its `-shm` index even to be read, and SQLite creates and sizes that file on open. On
 * a full disk that fails (SQLITE_IOERR_SHMSIZE) whenever no other process has the database open. So a read
 * that cannot open the file in place falls back to a copy in memory: the main file with the committed
 * transactions of its write-ahead log applied (see wal-replay.ts) — after a clean close the log is empty, after
 * a crash it holds the newest data.
 */
import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { StoreError } from './errors';
import { openStoreWith, type OpenOptions } from './open';
import type { RunStore } from './run-store';
import { SqliteRunStore } from './sqlite-store';
import { applyMigrations } from './migrations/migrate';
import { replayWal } from './wal-replay';

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
  let main: Buffer;
  try {
    main = readFileSync(dbPath);
  } catch {
    throw cause;
  }
  // What a crash left in the write-ahead log is committed data too: its committed frames are applied.
  const wal = readWal(dbPath);
  const { database, commits } = wal ? replayWal(main, wal) : { database: main, commits: 0 };
  // Bytes 18–19 say "WAL"; an in-memory database cannot have a write-ahead log, so it is read as a plain one.
  if (database.length >= 20 && database[18] === 2 && database[19] === 2) {
    database[18] = 1;
    database[19] = 1;
  }
  const db = new Database(database, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  try {
    db.pragma('foreign_keys = ON');
    // An older file is brought up to date in memory only; the file itself is left as it is.
    applyMigrations(db, undefined, dbPath);
  } catch (error) {
    db.close();
    throw error;
  }
  const why = cause.code === 'disk-full' || /SHMSIZE|FULL|no space/i.test(cause.message) ? 'the disk is full' : 'the database cannot be opened in place';
  const note = `${why}: showing a copy read into memory${commits ? `, with the ${commits} transaction(s) its write-ahead log holds` : ''}; it does not change while you look`;
  return { store: new SqliteRunStore(db), note };
}

function readWal(dbPath: string): Buffer | null {
  try {
    return readFileSync(`${dbPath}-wal`);
  } catch {
    return null;
  }
}
