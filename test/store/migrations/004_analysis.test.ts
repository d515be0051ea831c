import Database from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import * as m001 from '../../../src-main/store/migrations/001_initial';
import * as m004 from '../../../src-main/store/migrations/004_analysis';
import { MIGRATIONS, applyMigrations, userVersion } from '../../../src-main/store/migrations/migrate';

const tables = (db: Database.Database) =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[]);

describe('migration 004: analysis tables', () => {
  test('adds its three tables and touches no other', () => {
    const db = new Database(':memory:');
    applyMigrations(db, [m001]);
    const before = tables(db);
    const columnsBefore = before.map((t) => JSON.stringify(db.prepare(`PRAGMA table_info(${t})`).all()));
    applyMigrations(db, MIGRATIONS);
    expect(userVersion(db)).toBe(MIGRATIONS[MIGRATIONS.length - 1].version);
    expect(tables(db).filter((t) => !before.includes(t)).sort()).toEqual(['run_lr_range', 'run_noise_scale', 'run_sharpness']);
    expect(before.map((t) => JSON.stringify(db.prepare(`PRAGMA table_info(${t})`).all()))).toEqual(columnsBefore);
    db.close();
  });

  test('applies on top of other migrations that changed the shared tables (as 002 and 003 may)', () => {
    const db = new Database(':memory:');
    const m002 = { version: 2, up: (d: Database.Database) => d.exec("ALTER TABLE runs ADD COLUMN end_reason TEXT; CREATE TABLE tags (run_id INTEGER, tag TEXT)") };
    const m003 = { version: 3, up: (d: Database.Database) => d.exec('CREATE TABLE studies (id INTEGER PRIMARY KEY)') };
    applyMigrations(db, [m001, m002, m003, m004]);
    expect(userVersion(db)).toBe(4);
    expect(tables(db)).toEqual(expect.arrayContaining(['run_noise_scale', 'run_sharpness', 'run_lr_range', 'tags', 'studies']));
    db.close();
  });

  test('rows go with their run (ON DELETE CASCADE)', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    applyMigrations(db, [m001, m004]);
    db.exec(`INSERT INTO experiments (id, name, status, spec, created_at) VALUES (1, 'e', 'finished', '{}', 'now');
      INSERT INTO runs (id, experiment_id, idx, status, params, config, accounting, created_at) VALUES (7, 1, 0, 'completed', '{}', '{}', '{}', 'now');
      INSERT INTO run_noise_scale (run_id, epoch, step, measurements) VALUES (7, 1, 10, 3);
      INSERT INTO run_sharpness (run_id, checkpoint, epoch, converged, epsilon, subset, power_iterations, ascent_steps, seconds) VALUES (7, 'last', 1, 1, 0.001, 100, 20, 10, 1.5);
      INSERT INTO run_lr_range (run_id, lr_from, lr_to, iterations, stop_reason, points) VALUES (7, 1e-7, 10, 100, 'x', '[]');`);
    db.exec('DELETE FROM runs WHERE id = 7');
    for (const t of ['run_noise_scale', 'run_sharpness', 'run_lr_range']) expect(db.prepare(`SELECT COUNT(*) FROM ${t}`).pluck().get()).toBe(0);
    db.close();
  });
});
