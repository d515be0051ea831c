// Readers open the database without writing anything (docs/reliability.md D7): an absent file is an empty
// store (nothing created), a live writer's data is read as it commits, and a file that cannot be opened in
// place (no room or no way to make its -shm index) is read from a snapshot of its main file.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { smallDisk } from '../tmpfs';
import { openStore, openStoreForReading } from '../../src-main/store';
import { makeRuns, makeSpec, tempDir } from './helpers';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

describe('openStoreForReading', () => {
  test('a missing database reads as empty and nothing is created', () => {
    const file = join(tmp.dir, 'none', 'epochlab.sqlite');
    const { store, note } = openStoreForReading(file);
    expect(store.listExperiments()).toEqual([]);
    expect(note).toBeNull();
    store.close();
    expect(existsSync(join(tmp.dir, 'none'))).toBe(false);
  });

  test('reads what a live writer commits, and cannot write', () => {
    const file = join(tmp.dir, 'epochlab.sqlite');
    const writer = openStore(file);
    const spec = makeSpec();
    writer.createExperiment(spec, makeRuns(spec));
    const { store: reader } = openStoreForReading(file);
    expect(reader.listExperiments().map((e) => e.name)).toEqual(['batch sweep']);
    writer.createExperiment(makeSpec('second'), makeRuns(spec));
    expect(reader.listExperiments()).toHaveLength(2);
    expect(() => reader.createExperiment(spec, makeRuns(spec))).toThrow(/read-only|readonly/i);
    reader.close();
    writer.close();
  });

});

/** Where the database cannot make its -shm index once the disk is full. */
const disk = smallDisk('2m');

describe.skipIf(!disk.mounted)('openStoreForReading on a full disk', () => {
  const file = join(disk.path, 'epochlab.sqlite');
  const { fill } = disk;
  afterEach(() => {
    for (const name of ['filler', 'epochlab.sqlite', 'epochlab.sqlite-wal', 'epochlab.sqlite-shm']) rmSync(join(disk.path, name), { force: true });
  });

  test('reads a copy of a cleanly closed database, and says so', () => {
    const writer = openStore(file);
    const spec = makeSpec('checkpointed');
    writer.createExperiment(spec, makeRuns(spec));
    writer.close(); // the last connection checkpoints everything into the main file and removes -wal and -shm
    fill();
    const { store, note } = openStoreForReading(file);
    expect(store.listExperiments().map((e) => e.name)).toEqual(['checkpointed']);
    expect(store.listRuns(1)).toHaveLength(2);
    expect(note).toBe('the disk is full: showing a copy read into memory; it does not change while you look');
    store.close();
  });

  test('reads the newest data of a crashed writer from its write-ahead log', () => {
    const spec = makeSpec('only in the log');
    openStore(file).close();
    // A writer that died without closing: its transaction is in the -wal file, not yet in the main file.
    const child = spawnSync(process.execPath, ['-e', `
      const Database = require('better-sqlite3');
      const db = new Database(${JSON.stringify(file)});
      db.pragma('wal_autocheckpoint = 0');
      db.prepare("INSERT INTO experiments (name, notes, spec, status, created_at) VALUES ('only in the log', '', ?, 'finished', '2026-01-01T00:00:00Z')").run(${JSON.stringify(JSON.stringify(spec))});
      process.kill(process.pid, 'SIGKILL');`], { encoding: 'utf8' });
    expect(child.signal, child.stderr).toBe('SIGKILL');
    rmSync(`${file}-shm`, { force: true });
    fill();
    const { store, note } = openStoreForReading(file);
    expect(store.listExperiments().map((e) => e.name)).toEqual(['only in the log']);
    expect(note).toBe('the disk is full: showing a copy read into memory, with the 1 transaction(s) its write-ahead log holds; it does not change while you look');
    store.close();
  });
});
