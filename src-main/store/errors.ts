/**
 * Every failure the store can meet at open or on a write, reduced to a few codes the services can act on
 * (refuse to start, mark the run failed with "disk full", offer to open read-only…).
 */
export type StoreErrorCode = 'newer-version' | 'corrupt' | 'locked' | 'readonly' | 'not-a-file' | 'io' | 'disk-full';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** better-sqlite3's SqliteError, recognised without importing its class (it is the same across copies). */
function sqliteCode(error: unknown): string | null {
  if (error instanceof Error && error.name === 'SqliteError') {
    const code = (error as Error & { code?: unknown }).code;
    return typeof code === 'string' ? code : null;
  }
  return null;
}

function nodeCode(error: unknown): string | null {
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('E')) return code;
  }
  return null;
}

const SQLITE_CODES: ReadonlyArray<[prefix: string, code: StoreErrorCode, hint: string]> = [
  ['SQLITE_FULL', 'disk-full', 'the disk is full'],
  ['SQLITE_IOERR', 'io', 'a disk read or write failed'],
  ['SQLITE_BUSY', 'locked', 'the database is locked by another process'],
  ['SQLITE_LOCKED', 'locked', 'the database is locked by another connection'],
  ['SQLITE_READONLY', 'readonly', 'the database is read-only'],
  ['SQLITE_PERM', 'readonly', 'no permission to write the database'],
  ['SQLITE_CORRUPT', 'corrupt', 'the database file is damaged'],
  ['SQLITE_NOTADB', 'corrupt', 'the file is not a SQLite database'],
  ['SQLITE_CANTOPEN', 'io', 'the database file cannot be opened'],
];

const NODE_CODES: Readonly<Record<string, [StoreErrorCode, string]>> = {
  ENOSPC: ['disk-full', 'the disk is full'],
  EDQUOT: ['disk-full', 'the disk quota is exhausted'],
  EACCES: ['readonly', 'permission denied'],
  EPERM: ['readonly', 'operation not permitted'],
  EROFS: ['readonly', 'the file system is read-only'],
  EISDIR: ['not-a-file', 'a folder is in the way'],
  ENOTDIR: ['not-a-file', 'a file is in the way of a folder'],
  EEXIST: ['not-a-file', 'something else is in the way'],
};

/**
 * The StoreError for a SQLite or file-system error, or null when the error is something else (a bug or a
 * bad argument), which callers should let through unchanged.
 */
export function classifyError(error: unknown, what: string): StoreError | null {
  if (error instanceof StoreError) return error;
  const sqlite = sqliteCode(error);
  if (sqlite !== null) {
    const match = SQLITE_CODES.find(([prefix]) => sqlite === prefix || sqlite.startsWith(`${prefix}_`));
    // Constraint, SQL and misuse errors are bugs in the store, not conditions of the disk: let them show as such.
    if (!match) return null;
    return new StoreError(match[1], `${what}: ${match[2]} (${sqlite}: ${(error as Error).message})`, { cause: error });
  }
  const node = nodeCode(error);
  if (node !== null) {
    const [code, hint] = NODE_CODES[node] ?? ['io', 'a file operation failed'];
    return new StoreError(code, `${what}: ${hint} (${(error as Error).message})`, { cause: error });
  }
  return null;
}

/** Runs `fn`; SQLite and file-system failures come out as StoreError, anything else unchanged. */
export function guard<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw classifyError(error, what) ?? error;
  }
}
