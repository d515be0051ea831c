/**
 * Applies the committed frames of a SQLite write-ahead log to a copy of the main database file, in memory,
 * following the file format (https://www.sqlite.org/fileformat.html#the_write_ahead_log): frames count only
 * while their salts match the log header and their cumulative checksums hold, and only up to the last
 * commit frame. Used to read a database whose log cannot be opened in place (a full disk after a crash).
 */

const WAL_HEADER = 32;
const FRAME_HEADER = 24;
const MAGIC_LE = 0x377f0682;
const MAGIC_BE = 0x377f0683;

/** SQLite's log checksum: two 32-bit running sums over pairs of words, continued from `s`. */
function checksum(bytes: Buffer, start: number, end: number, bigEndian: boolean, s: [number, number]): [number, number] {
  let [s0, s1] = s;
  for (let i = start; i < end; i += 8) {
    const a = bigEndian ? bytes.readUInt32BE(i) : bytes.readUInt32LE(i);
    const b = bigEndian ? bytes.readUInt32BE(i + 4) : bytes.readUInt32LE(i + 4);
    s0 = (s0 + a + s1) >>> 0;
    s1 = (s1 + b + s0) >>> 0;
  }
  return [s0, s1];
}

export interface WalReplay {
  /** The database as of the log's last commit. */
  database: Buffer;
  /** Commit frames applied (0: the log held nothing committed and valid). */
  commits: number;
}

export function replayWal(main: Buffer, wal: Buffer): WalReplay {
  if (wal.length < WAL_HEADER) return { database: main, commits: 0 };
  const magic = wal.readUInt32BE(0);
  if (magic !== MAGIC_LE && magic !== MAGIC_BE) return { database: main, commits: 0 };
  const bigEndian = magic === MAGIC_BE;
  const pageSize = wal.readUInt32BE(8) === 1 ? 65536 : wal.readUInt32BE(8);
  const salt1 = wal.readUInt32BE(16);
  const salt2 = wal.readUInt32BE(20);
  let sums = checksum(wal, 0, 24, bigEndian, [0, 0]);
  if (sums[0] !== wal.readUInt32BE(24) || sums[1] !== wal.readUInt32BE(28)) return { database: main, commits: 0 };

  const frames: Array<{ page: number; data: Buffer }> = [];
  let committedFrames = 0;
  let committedSize = 0;
  let commits = 0;
  for (let at = WAL_HEADER; at + FRAME_HEADER + pageSize <= wal.length; at += FRAME_HEADER + pageSize) {
    if (wal.readUInt32BE(at + 8) !== salt1 || wal.readUInt32BE(at + 12) !== salt2) break;
    sums = checksum(wal, at, at + 8, bigEndian, sums);
    sums = checksum(wal, at + FRAME_HEADER, at + FRAME_HEADER + pageSize, bigEndian, sums);
    if (sums[0] !== wal.readUInt32BE(at + 16) || sums[1] !== wal.readUInt32BE(at + 20)) break;
    frames.push({ page: wal.readUInt32BE(at), data: wal.subarray(at + FRAME_HEADER, at + FRAME_HEADER + pageSize) });
    const sizeAfterCommit = wal.readUInt32BE(at + 4);
    if (sizeAfterCommit > 0) {
      committedFrames = frames.length;
      committedSize = sizeAfterCommit;
      commits++;
    }
  }
  if (!commits) return { database: main, commits: 0 };
  const database = Buffer.alloc(committedSize * pageSize);
  main.copy(database, 0, 0, Math.min(main.length, database.length));
  // In log order, so a page's last committed version wins.
  for (const { page, data } of frames.slice(0, committedFrames)) if (page <= committedSize) data.copy(database, (page - 1) * pageSize);
  return { database, commits };
}
