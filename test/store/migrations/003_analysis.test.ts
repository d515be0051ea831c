import Database from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import * as m001 from '../../../src-main/store/migrations/001_initial';
import * as m002 from '../../../src-main/store/migrations/002_tags_notes_end_reason';
import * as m003 from '../../../src-main/store/migrations/003_analysis';
import { MIGRATIONS, applyMigrations, userVersion } from '../../../src-main/store/migrations/migrate';

const tables = (db: Database.Database) =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[]);

const ANALYSIS_TABLES = ['run_lr_range', 'run_noise_scale', 'run_sharpness'];

function versionTwoWithARun(): Database.Database {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  applyMigrations(db, [m001, m002]);
  db.exec(`INSERT INTO experiments (id, name, status, spec, created_at) VALUES (1, 'e', 'finished', '{}', 'now');
    INSERT INTO runs (id, experiment_id, idx, status, params, config, accounting, created_at) VALUES (7, 1, 0, 'completed', '{}', '{}', '{}', 'now');
    INSERT INTO epoch_metrics (run_id, epoch, step, samples_seen) VALUES (7, 1, 11, 1050);`);
  return db;
}

describe('migration 003: analysis tables', () => {
  test('is the migration after 002 in the list', () => {
    expect(m003.version).toBe(3);
    expect(MIGRATIONS.indexOf(m003)).toBe(2);
  });

  test('adds its three tables and touches no other', () => {
    const db = new Database(':memory:');
    applyMigrations(db, [m001, m002]);
    const before = tables(db);
    const columnsBefore = before.map((t) => JSON.stringify(db.prepare(`PRAGMA table_info(${t})`).all()));
    applyMigrations(db, [m001, m002, m003]);
    expect(userVersion(db)).toBe(3);
    expect(tables(db).filter((t) => !before.includes(t)).sort()).toEqual(ANALYSIS_TABLES);
    expect(before.map((t) => JSON.stringify(db.prepare(`PRAGMA table_info(${t})`).all()))).toEqual(columnsBefore);
    db.close();
  });

  test('a version-2 database with runs keeps its rows, and its runs can take analysis rows', () => {
    const db = versionTwoWithARun();
    expect(applyMigrations(db, [m001, m002, m003])).toEqual({ from: 2, to: 3 });
    expect(db.prepare('SELECT COUNT(*) FROM runs').pluck().get()).toBe(1);
    expect(db.prepare('SELECT samples_seen FROM epoch_metrics WHERE run_id = 7').pluck().get()).toBe(1050);
    db.exec('INSERT INTO run_noise_scale (run_id, epoch, step, measurements) VALUES (7, 1, 10, 3)');
    expect(() => db.exec('INSERT INTO run_noise_scale (run_id, epoch, step, measurements) VALUES (99, 1, 10, 3)')).toThrow(/FOREIGN KEY/);
    db.close();
  });

  test('rows go with their run (ON DELETE CASCADE)', () => {
    const db = versionTwoWithARun();
    applyMigrations(db, [m001, m002, m003]);
    db.exec(`INSERT INTO run_noise_scale (run_id, epoch, step, measurements) VALUES (7, 1, 10, 3);
      INSERT INTO run_sharpness (run_id, checkpoint, epoch, converged, epsilon, subset, power_iterations, ascent_steps, seconds) VALUES (7, 'last', 1, 1, 0.001, 100, 20, 10, 1.5);
      INSERT INTO run_lr_range (run_id, lr_from, lr_to, iterations, stop_reason, points) VALUES (7, 1e-7, 10, 100, 'x', '[]');`);
    db.exec('DELETE FROM runs WHERE id = 7');
    for (const t of ANALYSIS_TABLES) expect(db.prepare(`SELECT COUNT(*) FROM ${t}`).pluck().get()).toBe(0);
    db.close();
  });
});
