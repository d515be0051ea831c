import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { SCHEMA_VERSION, StoreError, openStore } from '../../src-main/store';
import { openStoreWith } from '../../src-main/store/open';
import { iterationRows, makeRuns, makeSpec, tempDir } from './helpers';

function storeError(fn: () => unknown): StoreError {
  try {
    fn();
  } catch (error) {
    if (error instanceof StoreError) return error;
    throw error;
  }
  throw new Error('expected a StoreError');
}

/** Every file in the folder with its bytes: proves a refused open created, changed and deleted nothing. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(fs.readdirSync(dir).map((name) => {
    const full = path.join(dir, name);
    const stat = fs.statSync(full);
    return [name, stat.isFile() ? crypto.createHash('sha256').update(fs.readFileSync(full)).digest('hex') : 'dir'];
  }));
}

describe('openStore', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  test('creates the folder and the file, migrates, and configures WAL, NORMAL sync, foreign keys and a busy timeout', () => {
    const file = path.join(dir, 'nested', 'deeper', 'epochlab.sqlite');
    const seen: Record<string, unknown> = {};
    const store = openStoreWith(file, {}, {
      onOpen: (db) => {
        for (const pragma of ['journal_mode', 'synchronous', 'foreign_keys', 'busy_timeout', 'user_version']) {
          seen[pragma] = db.pragma(pragma, { simple: true });
        }
      },
    });
    expect(fs.statSync(file).isFile()).toBe(true);
    // synchronous 1 = NORMAL.
    expect(seen).toEqual({ journal_mode: 'wal', synchronous: 1, foreign_keys: 1, busy_timeout: 5000, user_version: SCHEMA_VERSION });
    expect(store.listExperiments()).toEqual([]);
    store.close();
    store.close();
  });

  test('an empty file becomes a new database', () => {
    const file = path.join(dir, 'empty.sqlite');
    fs.writeFileSync(file, '');
    const store = openStore(file);
    expect(store.listExperiments()).toEqual([]);
    store.close();
  });

  test('a file of random bytes is refused as corrupt and left untouched', () => {
    const file = path.join(dir, 'random.sqlite');
    fs.writeFileSync(file, crypto.randomBytes(64 * 1024));
    const before = snapshot(dir);
    const error = storeError(() => openStore(file));
    expect(error.code).toBe('corrupt');
    expect(error.message).toMatch(/not a SQLite database.*not changed/);
    expect(snapshot(dir)).toEqual(before);
  });

  test('random bytes after a valid SQLite header are refused too, without modification', () => {
    const file = path.join(dir, 'damaged.sqlite');
    const bytes = crypto.randomBytes(32 * 1024);
    Buffer.from('SQLite format 3\0', 'latin1').copy(bytes, 0);
    // A sane page size and header so that only the content is garbage.
    bytes.writeUInt16BE(4096, 16);
    bytes.writeUInt32BE(0, 68);
    bytes.writeUInt32BE(1, 24);
    bytes.writeUInt32BE(8, 28);
    bytes.writeUInt32BE(1, 92);
    fs.writeFileSync(file, bytes);
    const before = snapshot(dir);
    const error = storeError(() => openStore(file));
    expect(['corrupt', 'io']).toContain(error.code);
    expect(snapshot(dir)).toEqual(before);
  });

  test('a truncated database is refused with the sizes in the message', () => {
    const file = path.join(dir, 'truncated.sqlite');
    const store = openStore(file);
    const spec = makeSpec();
    const { runIds } = store.createExperiment(spec, makeRuns(spec));
    store.appendIterations(runIds[0], iterationRows(1, 5000));
    store.close();
    const size = fs.statSync(file).size;
    fs.truncateSync(file, Math.floor(size / 2 / 4096) * 4096);
    const before = snapshot(dir);
    const error = storeError(() => openStore(file));
    expect(error.code).toBe('corrupt');
    expect(error.message).toMatch(/truncated: its header describes \d+ bytes but the file holds \d+/);
    expect(snapshot(dir)).toEqual(before);
  });

  test('another program\'s SQLite database is refused, not migrated into', () => {
    const file = path.join(dir, 'other.sqlite');
    const other = new Database(file);
    other.exec('CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES (\'keep me\')');
    other.close();
    const before = snapshot(dir);
    const error = storeError(() => openStore(file));
    expect(error.code).toBe('corrupt');
    expect(error.message).toMatch(/not an Epochlab one/);
    expect(snapshot(dir)).toEqual(before);
  });

  test('a SQLite database with a version but without the Epochlab application id is refused', () => {
    const file = path.join(dir, 'versioned.sqlite');
    const other = new Database(file);
    other.exec('CREATE TABLE experiments (id INTEGER)');
    other.pragma('user_version = 1');
    other.close();
    const before = snapshot(dir);
    const error = storeError(() => openStore(file));
    expect(error.code).toBe('corrupt');
    expect(error.message).toMatch(/not an Epochlab one/);
    expect(snapshot(dir)).toEqual(before);
  });

  test('a folder where the file should be is refused as not-a-file', () => {
    const folder = path.join(dir, 'epochlab.sqlite');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'keep.txt'), 'mine');
    const error = storeError(() => openStore(folder));
    expect(error.code).toBe('not-a-file');
    expect(error.message).toMatch(/is a folder/);
    expect(fs.readdirSync(folder)).toEqual(['keep.txt']);
  });

  test('a read-only file is refused for writing and left untouched, but opens read-only', () => {
    const file = path.join(dir, 'readonly.sqlite');
    const store = openStore(file);
    const spec = makeSpec();
    store.createExperiment(spec, makeRuns(spec));
    store.close();
    fs.chmodSync(file, 0o444);
    const before = snapshot(dir);
    const error = storeError(() => openStore(file));
    expect(error.code).toBe('readonly');
    expect(error.message).toMatch(/read-only/);
    expect(snapshot(dir)).toEqual(before);

    const reader = openStore(file, { readonly: true });
    expect(reader.listExperiments()).toHaveLength(1);
    const writeError = storeError(() => reader.createExperiment(spec, []));
    expect(writeError.code).toBe('readonly');
    reader.close();
    // A read-only reader of a WAL database may leave empty -wal/-shm side files, but the database itself is untouched.
    expect(snapshot(dir)['readonly.sqlite']).toBe(before['readonly.sqlite']);
  });

  test('read-only opening of a missing file is refused without creating it', () => {
    const file = path.join(dir, 'missing.sqlite');
    const error = storeError(() => openStore(file, { readonly: true }));
    expect(error.code).toBe('not-a-file');
    expect(fs.existsSync(file)).toBe(false);
  });

  test('a database locked by another process is refused as locked', () => {
    const file = path.join(dir, 'locked.sqlite');
    openStore(file).close();
    const holder = new Database(file);
    // Exclusive locking mode keeps the lock after the write, as another program holding the file would.
    holder.pragma('locking_mode = EXCLUSIVE');
    holder.exec('BEGIN EXCLUSIVE; UPDATE experiments SET notes = notes; COMMIT');
    const started = Date.now();
    const error = storeError(() => openStoreWith(file, {}, { busyTimeoutMs: 50 }));
    expect(error.code).toBe('locked');
    expect(error.message).toMatch(/locked/);
    expect(Date.now() - started).toBeLessThan(3000);
    holder.close();
    const store = openStore(file);
    expect(store.listExperiments()).toEqual([]);
    store.close();
  });

  test(':memory: gives a working throwaway store', () => {
    const store = openStore(':memory:');
    const spec = makeSpec();
    const { runIds } = store.createExperiment(spec, makeRuns(spec));
    expect(runIds).toHaveLength(2);
    store.close();
  });
});
