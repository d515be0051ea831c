/**
 * Checks made on the database path before SQLite touches it. SQLite would happily turn an empty or foreign
 * file into a new database, and a truncated file often opens and fails only later: here such files are
 * refused up front, read-only, so that a file we cannot use is never modified.
 */
import fs from 'node:fs';
import path from 'node:path';
import { StoreError, classifyError } from './errors';
import { APPLICATION_ID } from './migrations/migrate';

const SQLITE_MAGIC = 'SQLite format 3\0';
const HEADER_BYTES = 100;

export type FileState = 'missing' | 'empty' | 'database';

function fail(error: unknown, what: string): never {
  throw classifyError(error, what) ?? error;
}

function readHeader(dbPath: string): Buffer {
  const fd = fs.openSync(dbPath, 'r');
  try {
    const header = Buffer.alloc(HEADER_BYTES);
    const read = fs.readSync(fd, header, 0, HEADER_BYTES, 0);
    return header.subarray(0, read);
  } finally {
    fs.closeSync(fd);
  }
}

function walHasFrames(dbPath: string): boolean {
  try {
    return fs.statSync(`${dbPath}-wal`).size > 0;
  } catch {
    return false;
  }
}

/** Refuses headers that are not SQLite, that belong to another program, or that promise more pages than the file holds. */
function checkHeader(dbPath: string, header: Buffer, fileSize: number): void {
  if (header.length < HEADER_BYTES || header.toString('latin1', 0, 16) !== SQLITE_MAGIC) {
    throw new StoreError('corrupt', `${dbPath} is not a SQLite database (its first bytes are not a SQLite header); it was not changed.`);
  }
  const applicationId = header.readUInt32BE(68);
  if (applicationId !== 0 && applicationId !== APPLICATION_ID) {
    throw new StoreError('corrupt', `${dbPath} is a SQLite database of another program (application id ${applicationId}); it was not changed.`);
  }
  const rawPageSize = header.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  const changeCounter = header.readUInt32BE(24);
  const pages = header.readUInt32BE(28);
  const validFor = header.readUInt32BE(92);
  // The page count in the header is trustworthy only when valid-for matches the change counter, and a WAL
  // with frames may legitimately hold pages that a checkpoint had not yet written back when a crash came.
  if (pages > 0 && changeCounter === validFor && !walHasFrames(dbPath) && fileSize < pages * pageSize) {
    throw new StoreError(
      'corrupt',
      `${dbPath} is truncated: its header describes ${pages * pageSize} bytes but the file holds ${fileSize}; it was not changed.`,
    );
  }
}

/**
 * What is at `dbPath`. Creates the parent folder when the file is missing and will be written.
 * Throws StoreError for a folder or other non-file, a read-only file opened for writing, or a file that is
 * not a usable SQLite database.
 */
export function inspectDatabaseFile(dbPath: string, readonly: boolean): FileState {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dbPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') fail(error, `cannot look at ${dbPath}`);
    if (readonly) throw new StoreError('not-a-file', `there is no database at ${dbPath} to open read-only.`);
    try {
      fs.mkdirSync(path.dirname(dbPath), { recursive: true });
    } catch (mkdirError) {
      fail(mkdirError, `cannot create the folder for ${dbPath}`);
    }
    return 'missing';
  }
  if (!stat.isFile()) {
    const what = stat.isDirectory() ? 'a folder' : 'not a regular file';
    throw new StoreError('not-a-file', `${dbPath} is ${what}, not a database file; it was left as it is.`);
  }
  // Checked from the mode bits rather than by trying: a process running as root (a container, CI) could
  // write the file anyway, against the user's wish to keep it unchanged.
  if (!readonly && (stat.mode & 0o222) === 0) {
    throw new StoreError('readonly', `${dbPath} is read-only; Epochlab needs to write to it to train. Make it writable; until then, reading it (listing, showing and exporting experiments) still works.`);
  }
  if (stat.size === 0) return 'empty';
  let header: Buffer;
  try {
    header = readHeader(dbPath);
  } catch (error) {
    fail(error, `cannot read ${dbPath}`);
  }
  checkHeader(dbPath, header, stat.size);
  return 'database';
}
