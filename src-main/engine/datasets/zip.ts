/**
 * A .zip read with yauzl, refused whole when it looks like an attack (docs/reliability.md G3): more entries
 * than the limit, declared sizes that add up past the limit, an entry that inflates far more than data does,
 * entries whose data overlap (the "non-recursive" zip bomb), or a name that is absolute or climbs out with
 * `..` (yauzl refuses those). Nothing is extracted to disk: entries are read into memory one at a time,
 * each at most the size it declares (yauzl checks the inflated size against the declaration).
 */
import { basename } from 'node:path';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { IMAGE_FOLDER_LIMITS } from '../../contract/dataset-formats';
import { DatasetError } from './types';

/** The limits a .zip is checked against (the registry's, or smaller ones in tests). */
export type ZipLimits = Pick<Record<keyof typeof IMAGE_FOLDER_LIMITS, number>, 'maxZipEntries' | 'maxZipBytes' | 'maxZipRatio'>;

export interface ZipEntryInfo {
  /** The path inside the archive, `/`-separated. */
  name: string;
  size: number;
  isDirectory: boolean;
  isSymlink: boolean;
  entry: Entry;
}

export interface OpenZip {
  file: string;
  entries: ZipEntryInfo[];
  read(entry: ZipEntryInfo): Promise<Buffer>;
  close(): void;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

function openZipFile(path: string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true, decodeStrings: true }, (error, zip) => {
      if (error || !zip) reject(error ?? new Error('no zip file'));
      else resolve(zip);
    });
  });
}

function readAllEntries(zip: ZipFile, file: string, limits: ZipLimits): Promise<Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: Entry[] = [];
    let declared = 0;
    const fail = (error: Error) => {
      zip.removeAllListeners();
      zip.close();
      reject(error);
    };
    zip.on('entry', (entry: Entry) => {
      declared += entry.uncompressedSize;
      if (declared > limits.maxZipBytes) {
        return fail(new DatasetError(`${file}: its entries declare more than ${limits.maxZipBytes} bytes in all; refused as a zip bomb`));
      }
      const ratio = entry.uncompressedSize / Math.max(1, entry.compressedSize);
      if (entry.uncompressedSize > 1024 * 1024 && ratio > limits.maxZipRatio) {
        return fail(new DatasetError(`${file}: entry ${JSON.stringify(entry.fileName)} inflates ${Math.round(ratio)} times (${entry.compressedSize} → ${entry.uncompressedSize} bytes); refused as a zip bomb`));
      }
      entries.push(entry);
      zip.readEntry();
    });
    // yauzl's own refusals: a name that is absolute or climbs out with `..`, a malformed directory.
    zip.on('error', (error: Error) => fail(new DatasetError(`${file}: refused: ${error.message}`)));
    zip.on('end', () => resolve(entries));
    zip.readEntry();
  });
}

/** Entries share no bytes: many entries pointing at one compressed stream is a bomb, never a real archive. */
function assertNoOverlap(entries: Entry[], file: string): void {
  const spans = entries
    .filter((e) => e.compressedSize > 0)
    .map((e) => [e.relativeOffsetOfLocalHeader, e.relativeOffsetOfLocalHeader + 30 + e.compressedSize] as const)
    .sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i][0] < spans[i - 1][1]) throw new DatasetError(`${file}: entries overlap one another; refused as a zip bomb`);
  }
}

const UTF8_NAME_FLAG = 0x800;
const UNICODE_PATH_FIELD = 0x7075;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The entry's name. Without the UTF-8 flag or Info-ZIP's Unicode path field yauzl reads names as CP437, as
 * the format says; but macOS's Finder and Info-ZIP's zip outside a UTF-8 locale write UTF-8 names without
 * the flag, so a name whose bytes are valid UTF-8 is read as UTF-8 (a CP437 name with bytes over 0x7f is
 * almost never valid UTF-8), and class folders keep the names the user sees.
 */
function entryName(entry: Entry, file: string): string {
  const raw = entry.fileNameRaw;
  const declared = (entry.generalPurposeBitFlag & UTF8_NAME_FLAG) !== 0 || entry.extraFields.some((f) => f.id === UNICODE_PATH_FIELD);
  if (declared || raw.every((b) => b < 0x80)) return entry.fileName;
  let name: string;
  try {
    name = strictUtf8.decode(raw);
  } catch {
    return entry.fileName;
  }
  const problem = yauzl.validateFileName(name);
  if (problem !== null) throw new DatasetError(`${file}: refused: ${problem}`);
  return name;
}

export async function openZip(path: string, limits: ZipLimits = IMAGE_FOLDER_LIMITS): Promise<OpenZip> {
  const file = basename(path);
  let zip: ZipFile;
  try {
    zip = await openZipFile(path);
  } catch (error) {
    throw new DatasetError(`${file}: not a readable .zip file (${error instanceof Error ? error.message : String(error)})`);
  }
  if (zip.entryCount > limits.maxZipEntries) {
    zip.close();
    throw new DatasetError(`${file}: ${zip.entryCount} entries, more than the ${limits.maxZipEntries} an import accepts; refused`);
  }
  const raw = await readAllEntries(zip, file, limits);
  let entries: ZipEntryInfo[];
  try {
    assertNoOverlap(raw, file);
    entries = raw.map((entry) => ({
      name: entryName(entry, file),
      size: entry.uncompressedSize,
      isDirectory: entry.fileName.endsWith('/'),
      isSymlink: ((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK,
      entry,
    }));
  } catch (error) {
    zip.close();
    throw error;
  }
  return {
    file,
    entries,
    read: (info) => readEntry(zip, info),
    close: () => zip.close(),
  };
}

function readEntry(zip: ZipFile, info: ZipEntryInfo): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(info.entry, (error, stream) => {
      if (error || !stream) return reject(error ?? new Error('no stream'));
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        // yauzl stops at the declared size too; this keeps the promise from collecting more in any case.
        if (size > info.size) stream.destroy(new Error(`inflates past its declared ${info.size} bytes`));
        else chunks.push(chunk);
      });
      stream.on('error', reject);
      stream.on('end', () => resolve(Buffer.concat(chunks, size)));
    });
  });
}
