import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import * as m001 from '../../../src-main/store/migrations/001_initial';
import { SCHEMA_VERSION, applyMigrations, userVersion } from '../../../src-main/store/migrations/migrate';
import { openStore } from '../../../src-main/store';
import { epochRow, iterationRows, makeRuns, makeSpec, tempDir } from '../helpers';

function columns(db: Database.Database, table: string): string[] {
  return (db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name);
}

describe('migration 001 (initial schema)', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  test('from an empty file: creates every table and sets version 1 and the application id', () => {
    const db = new Database(path.join(dir, 'empty.sqlite'));
    expect(userVersion(db)).toBe(0);
    expect(applyMigrations(db, [m001])).toEqual({ from: 0, to: 1 });
    expect(userVersion(db)).toBe(1);
    expect(db.pragma('application_id', { simple: true })).toBe(m001.APPLICATION_ID);
    expect(columns(db, 'experiments')).toEqual(['id', 'name', 'notes', 'status', 'spec', 'created_at']);
    expect(columns(db, 'runs')).toEqual(expect.arrayContaining([
      'experiment_id', 'idx', 'status', 'params', 'config', 'accounting', 'backend', 'dataset_fingerprint',
      'created_at', 'started_at', 'ended_at', 'error', 'best_epoch', 'diverged_at_step', 'epochs_done', 'steps_done',
    ]));
    expect(columns(db, 'iteration_metrics')).toEqual(['run_id', 'step', 'epoch', 'batch', 'batch_size', 'loss', 'accuracy', 'lr', 'elapsed_ms']);
    expect(columns(db, 'epoch_metrics')).toEqual(expect.arrayContaining(['run_id', 'epoch', 'train_loss', 'val_loss', 'samples_seen', 'seconds']));
    expect(columns(db, 'checkpoints')).toEqual(['id', 'run_id', 'kind', 'epoch', 'path', 'bytes']);
    // The metric tables are clustered on their key (no hidden rowid), which is what makes a run one range scan.
    const withoutRowid = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%WITHOUT ROWID%' ORDER BY name").pluck().all();
    expect(withoutRowid).toEqual(['epoch_metrics', 'iteration_metrics']);
    db.close();
  });

  test('at the current version: reopening changes nothing and keeps the data', () => {
    const file = path.join(dir, 'v1.sqlite');
    const store = openStore(file);
    const spec = makeSpec();
    const { runIds } = store.createExperiment(spec, makeRuns(spec));
    store.appendIterations(runIds[0], iterationRows(1, 20));
    store.appendEpoch(runIds[0], epochRow(1), 1);
    store.close();

    const before = new Database(file);
    expect(userVersion(before)).toBe(SCHEMA_VERSION);
    expect(applyMigrations(before)).toEqual({ from: SCHEMA_VERSION, to: SCHEMA_VERSION });
    before.close();

    const again = openStore(file);
    expect(again.getIterations(runIds[0])).toHaveLength(20);
    expect(again.getEpochs(runIds[0])).toHaveLength(1);
    again.close();
  });
});
