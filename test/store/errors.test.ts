import Database from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import { StoreError, classifyError, guard } from '../../src-main/store/errors';

function sqlite(code: string): Error {
  return new Database.SqliteError(`native says ${code}`, code);
}
function node(code: string): Error {
  return Object.assign(new Error(`${code}: something`), { code });
}

describe('classifyError', () => {
  test.each([
    ['SQLITE_FULL', 'disk-full'],
    ['SQLITE_IOERR', 'io'],
    ['SQLITE_IOERR_WRITE', 'io'],
    ['SQLITE_IOERR_FSYNC', 'io'],
    ['SQLITE_BUSY', 'locked'],
    ['SQLITE_BUSY_SNAPSHOT', 'locked'],
    ['SQLITE_LOCKED', 'locked'],
    ['SQLITE_READONLY', 'readonly'],
    ['SQLITE_READONLY_DBMOVED', 'readonly'],
    ['SQLITE_CORRUPT', 'corrupt'],
    ['SQLITE_NOTADB', 'corrupt'],
    ['SQLITE_CANTOPEN', 'io'],
  ])('%s → %s, with what failed and the native message', (code, expected) => {
    const error = classifyError(sqlite(code), 'could not save 3 rows');
    expect(error?.code).toBe(expected);
    expect(error?.message).toMatch(new RegExp(`^could not save 3 rows: .*\\(${code}: native says ${code}\\)$`));
    expect(error?.cause).toBeInstanceOf(Error);
  });

  test('bugs (constraint, SQL errors) are not disguised as storage conditions', () => {
    expect(classifyError(sqlite('SQLITE_CONSTRAINT_PRIMARYKEY'), 'x')).toBeNull();
    expect(classifyError(sqlite('SQLITE_ERROR'), 'x')).toBeNull();
    expect(classifyError(sqlite('SQLITE_IOERRX'), 'x')).toBeNull();
    expect(classifyError(new RangeError('bad step'), 'x')).toBeNull();
  });

  test('file-system errors map too', () => {
    expect(classifyError(node('ENOSPC'), 'x')?.code).toBe('disk-full');
    expect(classifyError(node('EACCES'), 'x')?.code).toBe('readonly');
    expect(classifyError(node('EROFS'), 'x')?.code).toBe('readonly');
    expect(classifyError(node('ENOTDIR'), 'x')?.code).toBe('not-a-file');
    expect(classifyError(node('EIO'), 'x')?.code).toBe('io');
  });

  test('guard rethrows storage failures as StoreError and everything else unchanged', () => {
    expect(() => guard('write', () => { throw sqlite('SQLITE_FULL'); })).toThrow(StoreError);
    const bug = new TypeError('oops');
    expect(() => guard('write', () => { throw bug; })).toThrow(bug);
    expect(guard('read', () => 42)).toBe(42);
  });
});
