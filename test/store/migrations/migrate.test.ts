import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { MIGRATIONS, SCHEMA_VERSION, applyMigrations, userVersion, type Migration } from '../../../src-main/store/migrations/migrate';
import { openStoreWith } from '../../../src-main/store/open';
import { StoreError, openStore } from '../../../src-main/store';
import { makeRuns, makeSpec, tempDir } from '../helpers';

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('migration runner', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  test('SCHEMA_VERSION is the number of migrations, numbered 1..N', () => {
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
    expect(MIGRATIONS.map((m) => m.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
  });

  test('refuses a migration list with a hole', () => {
    const db = new Database(':memory:');
    expect(() => applyMigrations(db, [MIGRATIONS[0], { version: 3, up: () => undefined }])).toThrow(/out of order/);
    db.close();
  });

  test('a migration that throws leaves the old version and the data intact', () => {
    const file = path.join(dir, 'fail.sqlite');
    const store = openStore(file);
    const spec = makeSpec();
    store.createExperiment(spec, makeRuns(spec));
    store.close();

    const broken: Migration = {
      version: SCHEMA_VERSION + 1,
      up(db) {
        // Half of the work lands before the failure: the transaction must take it back.
        db.exec('ALTER TABLE runs ADD COLUMN tag TEXT');
        db.exec('CREATE TABLE half_done (x INTEGER)');
        throw new Error('disk ate the migration');
      },
    };
    const error = caught(() => openStoreWith(file, {}, { migrations: [...MIGRATIONS, broken] }));
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).message).toMatch(new RegExp(`migration ${SCHEMA_VERSION + 1} .*disk ate the migration.*left unchanged at version ${SCHEMA_VERSION}`));

    const db = new Database(file, { readonly: true });
    expect(userVersion(db)).toBe(SCHEMA_VERSION);
    expect(db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'half_done'").pluck().get()).toBe(0);
    expect((db.prepare('PRAGMA table_info(runs)').all() as Array<{ name: string }>).map((c) => c.name)).not.toContain('tag');
    expect(db.prepare('SELECT COUNT(*) FROM runs').pluck().get()).toBe(2);
    db.close();

    // The next start with the good code opens it as before.
    const reopened = openStore(file);
    expect(reopened.listExperiments()).toHaveLength(1);
    reopened.close();
  });

  test('a database from a newer Epochlab is refused for writing and left unchanged', () => {
    const file = path.join(dir, 'newer.sqlite');
    openStore(file).close();
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    db.pragma('journal_mode = DELETE');
    db.close();
    const before = fs.readFileSync(file);

    const error = caught(() => openStore(file));
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('newer-version');
    expect((error as StoreError).message).toMatch(new RegExp(`newer Epochlab.*version ${SCHEMA_VERSION + 5}.*up to ${SCHEMA_VERSION}\\b`));
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.existsSync(`${file}-wal`)).toBe(false);

    // Reading is still allowed, so a person can at least look at their runs.
    const readonly = openStore(file, { readonly: true });
    expect(readonly.listExperiments()).toEqual([]);
    readonly.close();
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });
});
