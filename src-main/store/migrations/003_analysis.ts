import type Database from 'better-sqlite3';

/**
 * Analysis results per run (issue 9): the gradient noise scale per epoch, sharpness at the best and last
 * checkpoints, and the LR range test's curve and suggestions. New tables only, each keyed by run and
 * deleted with it: a version-2 database keeps every row it had.
 */
export const version = 3;

export function up(db: Database.Database): void {
  db.exec(`
    CREATE TABLE run_noise_scale (
      run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      epoch INTEGER NOT NULL,
      step INTEGER NOT NULL,
      grad_sq REAL,
      trace REAL,
      b_simple REAL,
      measurements INTEGER NOT NULL,
      overhead REAL,
      PRIMARY KEY (run_id, epoch)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE run_sharpness (
      run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      checkpoint TEXT NOT NULL,
      epoch INTEGER NOT NULL,
      loss REAL,
      top_eigenvalue REAL,
      converged INTEGER NOT NULL,
      eps_sharpness REAL,
      epsilon REAL NOT NULL,
      subset INTEGER NOT NULL,
      power_iterations INTEGER NOT NULL,
      ascent_steps INTEGER NOT NULL,
      seconds REAL NOT NULL,
      error TEXT,
      PRIMARY KEY (run_id, checkpoint)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE run_lr_range (
      run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
      lr_from REAL NOT NULL,
      lr_to REAL NOT NULL,
      iterations INTEGER NOT NULL,
      steepest REAL,
      minimum REAL,
      minimum_over_10 REAL,
      stop_reason TEXT NOT NULL,
      points TEXT NOT NULL
    ) STRICT;
  `);
}
