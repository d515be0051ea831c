import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import * as m001 from '../../../src-main/store/migrations/001_initial';
import * as m002 from '../../../src-main/store/migrations/002_tags_notes_end_reason';
import { applyMigrations, userVersion } from '../../../src-main/store/migrations/migrate';
import { openStore } from '../../../src-main/store';
import { tempDir } from '../helpers';

function columns(db: Database.Database, table: string): string[] {
  return (db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name);
}

/** A version-1 database holding runs as version 1 stored them: reasons in `error`. */
function versionOne(file: string): Database.Database {
  const db = new Database(file);
  applyMigrations(db, [m001]);
  db.prepare(`INSERT INTO experiments (id, name, notes, status, spec, created_at) VALUES (1, 'old', 'n', 'finished', '{}', 'now')`).run();
  const insert = db.prepare(
    `INSERT INTO runs (id, experiment_id, idx, status, params, config, accounting, created_at, error, epochs_done, steps_done)
     VALUES (?, 1, ?, ?, '{}', '{}', ?, 'now', ?, ?, ?)`,
  );
  const acc = JSON.stringify({ epochs: 8, totalIterations: 80 });
  insert.run(1, 0, 'early-stopped', acc, 'val_loss did not improve by more than 0 for 3 epoch(s); best epoch 2', 5, 50);
  insert.run(2, 1, 'early-stopped', acc, 'val_loss did not improve by more than 0 for 3 epoch(s); best epoch 5', 8, 80);
  insert.run(3, 2, 'failed', acc, 'out of memory', 1, 10);
  insert.run(4, 3, 'interrupted', acc, 'the process stopped while this run was training', 3, 35);
  insert.run(5, 4, 'completed', acc, null, 8, 80);
  return db;
}

describe('migration 002 (tags, notes, end reason)', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  test('adds the columns and moves reasons out of `error`; a run that trained every epoch is completed', () => {
    const db = versionOne(path.join(dir, 'v1.sqlite'));
    expect(applyMigrations(db, [m001, m002])).toEqual({ from: 1, to: 2 });
    expect(userVersion(db)).toBe(2);
    expect(columns(db, 'runs')).toEqual(expect.arrayContaining(['end_reason', 'stop_epoch', 'tags', 'notes']));
    expect(columns(db, 'experiments')).toEqual(expect.arrayContaining(['tags', 'notes']));
    const rows = db.prepare('SELECT id, status, error, end_reason, stop_epoch, tags, notes FROM runs ORDER BY id').all();
    expect(rows).toEqual([
      { id: 1, status: 'early-stopped', error: null, end_reason: 'val_loss did not improve by more than 0 for 3 epoch(s); best epoch 2', stop_epoch: 5, tags: '[]', notes: '' },
      // Patience ran out on the last of its 8 epochs: it completed.
      { id: 2, status: 'completed', error: null, end_reason: null, stop_epoch: null, tags: '[]', notes: '' },
      { id: 3, status: 'failed', error: 'out of memory', end_reason: null, stop_epoch: null, tags: '[]', notes: '' },
      { id: 4, status: 'interrupted', error: null, end_reason: 'the process stopped while this run was training', stop_epoch: 3, tags: '[]', notes: '' },
      { id: 5, status: 'completed', error: null, end_reason: null, stop_epoch: null, tags: '[]', notes: '' },
    ]);
    expect(db.prepare('SELECT tags FROM experiments').pluck().get()).toBe('[]');
    db.close();
  });

  test('the store reads a migrated database: tags, notes and reasons in the summaries', () => {
    const file = path.join(dir, 'v1-store.sqlite');
    versionOne(file).close();
    const store = openStore(file);
    expect(store.getRun(1)?.summary).toMatchObject({ status: 'early-stopped', error: null, stopEpoch: 5, tags: [], notes: '' });
    expect(store.getExperiment(1)?.summary).toMatchObject({ tags: [], notes: 'n', status: 'interrupted' });
    store.close();
  });
});
