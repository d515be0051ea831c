import type Database from 'better-sqlite3';

/**
 * Tags and notes on runs and experiments, and a run's end reason kept apart from its error.
 *
 * Before this version the reason an early-stopped, diverged, cancelled or interrupted run ended was stored
 * in `error`, which the UI showed as a failure. It moves to `end_reason`; `error` keeps failures only. A run
 * stored as early-stopped although it trained every planned epoch (patience ran out on its last epoch)
 * becomes `completed`, which is what it was. `stop_epoch` is the last epoch a run that ended early trained.
 * Tags are a JSON array of lower-case words.
 */
export const version = 2;

export function up(db: Database.Database): void {
  db.exec(`
    ALTER TABLE runs ADD COLUMN end_reason TEXT;
    ALTER TABLE runs ADD COLUMN stop_epoch INTEGER;
    ALTER TABLE runs ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE runs ADD COLUMN notes TEXT NOT NULL DEFAULT '';
    ALTER TABLE experiments ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';

    UPDATE runs SET status = 'completed', error = NULL
      WHERE status = 'early-stopped' AND epochs_done >= json_extract(accounting, '$.epochs');
    UPDATE runs SET end_reason = error, error = NULL
      WHERE status IN ('early-stopped', 'diverged', 'cancelled', 'interrupted');
    UPDATE runs SET stop_epoch = epochs_done
      WHERE status IN ('early-stopped', 'diverged', 'cancelled', 'interrupted') AND epochs_done < json_extract(accounting, '$.epochs');
  `);
}
