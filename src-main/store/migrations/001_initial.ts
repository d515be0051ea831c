import type Database from 'better-sqlite3';

/**
 * The first schema. Frozen: a later change goes into a new numbered migration, never here, because
 * databases already at version 1 will not run this again.
 *
 * Metric tables are WITHOUT ROWID with (run_id, step|epoch) as the primary key: rows are clustered by run
 * (one run's curve is one range scan), the key doubles as the idempotency check for re-sent batches, and it
 * serves the ON DELETE CASCADE lookups. Statuses carry no CHECK constraint so that adding one later does not
 * need a table rebuild; the store validates them in TypeScript.
 */
export const version = 1;

/** 'EPLB': tells an Epochlab database from any other SQLite file. */
export const APPLICATION_ID = 0x45504c42;

export function up(db: Database.Database): void {
  db.exec(`
    CREATE TABLE experiments (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      notes TEXT NOT NULL DEFAULT '',
      status TEXT NOT NULL,
      spec TEXT NOT NULL,
      created_at TEXT NOT NULL
    ) STRICT;

    CREATE TABLE runs (
      id INTEGER PRIMARY KEY,
      experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
      idx INTEGER NOT NULL,
      status TEXT NOT NULL,
      params TEXT NOT NULL,
      config TEXT NOT NULL,
      accounting TEXT NOT NULL,
      backend TEXT,
      dataset_fingerprint TEXT,
      created_at TEXT NOT NULL,
      started_at TEXT,
      ended_at TEXT,
      error TEXT,
      best_epoch INTEGER,
      diverged_at_step INTEGER,
      epochs_done INTEGER NOT NULL DEFAULT 0,
      steps_done INTEGER NOT NULL DEFAULT 0,
      UNIQUE (experiment_id, idx)
    ) STRICT;
    CREATE INDEX runs_by_status ON runs(status);

    CREATE TABLE iteration_metrics (
      run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      step INTEGER NOT NULL,
      epoch INTEGER NOT NULL,
      batch INTEGER NOT NULL,
      batch_size INTEGER NOT NULL,
      loss REAL,
      accuracy REAL,
      lr REAL,
      elapsed_ms REAL,
      PRIMARY KEY (run_id, step)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE epoch_metrics (
      run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      epoch INTEGER NOT NULL,
      step INTEGER NOT NULL,
      train_loss REAL,
      train_accuracy REAL,
      val_loss REAL,
      val_accuracy REAL,
      lr REAL,
      seconds REAL,
      samples_seen INTEGER NOT NULL,
      elapsed_ms REAL,
      PRIMARY KEY (run_id, epoch)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE checkpoints (
      id INTEGER PRIMARY KEY,
      run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      kind TEXT NOT NULL,
      epoch INTEGER NOT NULL,
      path TEXT NOT NULL,
      bytes INTEGER NOT NULL,
      UNIQUE (run_id, kind)
    ) STRICT;
  `);
  db.pragma(`application_id = ${APPLICATION_ID}`);
}
