// Replaying a write-ahead log into a copy of the main file gives what SQLite itself reads: every committed
// transaction, nothing uncommitted, nothing past a torn or foreign frame (docs/reliability.md D7).
import Database from 'better-sqlite3';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { replayWal } from '../../src-main/store/wal-replay';
import { tempDir } from './helpers';

let tmp: ReturnType<typeof tempDir>;
let file: string;
let db: Database.Database;
beforeEach(() => {
  tmp = tempDir();
  file = join(tmp.dir, 'w.sqlite');
  db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0'); // everything stays in the log until we look
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
});
afterEach(() => {
  db.close();
  tmp.cleanup();
});

/** The main file and its log as they are on disk now, while the writer still has them open. */
function onDisk(): { main: Buffer; wal: Buffer } {
  copyFileSync(file, `${file}.copy`);
  copyFileSync(`${file}-wal`, `${file}.copy-wal`);
  return { main: readFileSync(`${file}.copy`), wal: readFileSync(`${file}.copy-wal`) };
}
function rowsOf(database: Buffer): Array<{ id: number; v: string }> {
  const bytes = Buffer.from(database);
  bytes[18] = 1;
  bytes[19] = 1;
  const copy = new Database(bytes);
  try {
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    return copy.prepare('SELECT id, v FROM t ORDER BY id').all() as Array<{ id: number; v: string }>;
  } finally {
    copy.close();
  }
}
const insert = (from: number, n: number) => db.transaction(() => {
  for (let i = from; i < from + n; i++) db.prepare('INSERT INTO t (id, v) VALUES (?, ?)').run(i, 'x'.repeat(200) + i);
})();

describe('replayWal', () => {
  test('applies every committed transaction', () => {
    insert(1, 100);
    db.prepare('UPDATE t SET v = ? WHERE id = 7').run('changed');
    insert(101, 400);
    db.prepare('DELETE FROM t WHERE id > 450').run();
    const { main, wal } = onDisk();
    const replayed = replayWal(main, wal);
    expect(replayed.commits).toBeGreaterThanOrEqual(4);
    expect(rowsOf(replayed.database)).toEqual(db.prepare('SELECT id, v FROM t ORDER BY id').all());
    expect(() => rowsOf(main)).toThrow(/no such table/); // the main file alone has none of it
  });

  test('stops at a torn last frame and at a damaged checksum, keeping what was committed before', () => {
    insert(1, 50);
    const { wal: afterFirst } = onDisk();
    insert(51, 50);
    const { main, wal } = onDisk();
    const firstCommitted = rowsOf(replayWal(main, afterFirst).database);
    expect(firstCommitted).toHaveLength(50);
    expect(rowsOf(replayWal(main, wal.subarray(0, wal.length - 100)).database)).toEqual(firstCommitted);
    const damaged = Buffer.from(wal);
    damaged[afterFirst.length + 24 + 500] ^= 0xff; // a byte of the second transaction's first page
    expect(rowsOf(replayWal(main, damaged).database)).toEqual(firstCommitted);
  });

  test('ignores frames written for a transaction that never committed', () => {
    insert(1, 20);
    db.pragma('cache_size = 1'); // a big transaction spills its pages into the log before committing
    db.exec('BEGIN');
    for (let i = 21; i < 2000; i++) db.prepare('INSERT INTO t (id, v) VALUES (?, ?)').run(i, 'y'.repeat(300));
    const { main, wal } = onDisk();
    db.exec('ROLLBACK');
    expect(wal.length).toBeGreaterThan(100_000);
    expect(rowsOf(replayWal(main, wal).database).map((r) => r.id)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  test('leaves the main file as it is for an empty or foreign log', () => {
    insert(1, 5);
    const { main } = onDisk();
    expect(replayWal(main, Buffer.alloc(0))).toEqual({ database: main, commits: 0 });
    expect(replayWal(main, Buffer.alloc(4096, 7)).commits).toBe(0);
  });
});
