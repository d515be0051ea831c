/**
 * Image folders, as Keras' `image_dataset_from_directory` and torchvision's `ImageFolder` read them: one
 * sub-folder per class (sorted by name: the class order), PNG and JPEG files anywhere below it. A .zip of
 * such a folder reads the same way (a browser uploads a folder as one). Every image is resized to the chosen
 * size and colour and appended to a staging file as it is read, so memory holds one image at a time, never
 * the dataset (docs/reliability.md G3). Files that cannot be used are skipped, counted and reported.
 */
import { promises as fs, type Dirent } from 'node:fs';
import { basename, join, sep } from 'node:path';
import {
  DATASET_FORMATS, describeSkipped, IMAGE_FOLDER_LIMITS, SKIP_REASONS,
  type ImportProgress, type ImportReport, type ImportSourceOf, type SkipReason,
} from '../../contract/dataset-formats';
import { GrowableArray } from './growable';
import type { ImportJob, NewImport } from './imported';
import { decodeImage, ImageError, resizeInto, type ColorMode } from './images';
import { DatasetError, MAX_CLASSES, MAX_VALUES } from './types';
import { openZip, type OpenZip } from './zip';

const IMAGE_EXTENSIONS = /\.(png|jpe?g)$/i;
const MAX_DEPTH = 32;
const MAX_EXAMPLES = 20;
/** Files read ahead of the one being decoded, so disk latency overlaps decoding. */
const READ_AHEAD = 16;
const OPTIONS = DATASET_FORMATS['image-folder'].options;

interface Candidate {
  classIndex: number;
  /** Relative to the folder (or the archive), for reports. */
  file: string;
  size: number;
  read(): Promise<Buffer>;
}

class Skips {
  readonly report: ImportReport['skipped'] = { total: 0, byReason: {}, examples: [] };

  add(file: string, reason: SkipReason, detail: string = SKIP_REASONS[reason]): void {
    this.report.total++;
    this.report.byReason[reason] = (this.report.byReason[reason] ?? 0) + 1;
    if (this.report.examples.length < MAX_EXAMPLES) this.report.examples.push({ file, reason, detail });
  }

  /** '; 3 files skipped: …' for the dataset's description, '' when none was. */
  summary(): string {
    const said = describeSkipped(this.report);
    return said ? `; ${said}` : '';
  }
}

interface Listing {
  classNames: string[];
  candidates: Candidate[];
  close(): void;
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const isHidden = (name: string) => name.startsWith('.');

/** Throttles progress to a few reports a second; the first of each phase and a forced one always go. */
function throttled(report: (p: ImportProgress) => void): (p: ImportProgress, force?: boolean) => void {
  let last = 0;
  let phase: ImportProgress['phase'] | null = null;
  return (p, force = false) => {
    const now = Date.now();
    if (!force && p.phase === phase && now - last < 200) return;
    last = now;
    phase = p.phase;
    report(p);
  };
}

// ---- a folder on disk ----

interface Walk {
  root: string;
  skips: Skips;
  progress: (p: ImportProgress) => void;
  seen: number;
}

/** The real path of a link if it stays inside the folder, else null (reported). */
async function followLink(walk: Walk, path: string, rel: string): Promise<string | null> {
  const real = await fs.realpath(path).catch(() => null);
  if (real === null) {
    walk.skips.add(rel, 'link', 'a link to nothing (broken), not followed');
    return null;
  }
  if (real !== walk.root && !real.startsWith(walk.root + sep)) {
    walk.skips.add(rel, 'link', 'a link out of the folder, not followed');
    return null;
  }
  return real;
}

async function sortedEntries(dir: string): Promise<Dirent[]> {
  return (await fs.readdir(dir, { withFileTypes: true })).sort((a, b) => byName(a.name, b.name));
}

/** Every image below a class folder, depth first in name order; `ancestors` are the real folders above (loops). */
async function walkClass(walk: Walk, dir: string, rel: string, classIndex: number, ancestors: Set<string>, into: Candidate[], depth: number): Promise<void> {
  if (depth > MAX_DEPTH) {
    walk.skips.add(rel, 'link', `more than ${MAX_DEPTH} folders deep, not followed`);
    return;
  }
  for (const entry of await sortedEntries(dir)) {
    const path = join(dir, entry.name);
    const file = `${rel}/${entry.name}`;
    walk.progress({ phase: 'scanning', done: ++walk.seen, total: null });
    let real = path;
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      const target = await followLink(walk, path, file);
      if (target === null) continue;
      const stat = await fs.stat(target);
      real = target;
      isDir = stat.isDirectory();
      isFile = stat.isFile();
    }
    if (isDir) {
      if (isHidden(entry.name)) continue;
      const realDir = await fs.realpath(real);
      if (ancestors.has(realDir)) {
        walk.skips.add(file, 'link', 'a link back into a folder above it (a loop), not followed');
        continue;
      }
      await walkClass(walk, real, file, classIndex, new Set([...ancestors, realDir]), into, depth + 1);
    } else if (isFile && IMAGE_EXTENSIONS.test(entry.name) && !isHidden(entry.name)) {
      const stat = await fs.stat(real);
      into.push({ classIndex, file, size: stat.size, read: () => fs.readFile(real) });
    } else if (isFile) {
      walk.skips.add(file, 'not-image');
    }
  }
}

async function listFolder(root: string, skips: Skips, progress: (p: ImportProgress) => void): Promise<Listing> {
  const walk: Walk = { root, skips, progress, seen: 0 };
  const classes: Array<{ name: string; dir: string }> = [];
  for (const entry of await sortedEntries(root)) {
    const path = join(root, entry.name);
    if (isHidden(entry.name)) {
      if (entry.isFile()) skips.add(entry.name, 'not-image');
      continue;
    }
    let dir: string | null = entry.isDirectory() ? path : null;
    if (entry.isSymbolicLink()) {
      const target = await followLink(walk, path, entry.name);
      if (target !== null && (await fs.stat(target)).isDirectory()) dir = target;
      else if (target === null) continue;
    }
    if (dir !== null) classes.push({ name: entry.name, dir });
    else skips.add(entry.name, 'outside-class');
  }
  checkClasses(classes.map((c) => c.name), basename(root));
  const candidates: Candidate[] = [];
  for (const [classIndex, { name, dir }] of classes.entries()) {
    await walkClass(walk, dir, name, classIndex, new Set([root, await fs.realpath(dir)]), candidates, 1);
  }
  return { classNames: classes.map((c) => c.name.normalize('NFC')), candidates, close: () => undefined };
}

// ---- a .zip of a folder ----

/** The folder inside the archive that holds the class folders: the archive itself, or its one top folder. */
function classRoot(names: string[]): string {
  const tops = new Set(names.map((n) => n.split('/')[0]));
  if (tops.size !== 1) return '';
  const [top] = tops;
  const nested = names.some((n) => n.split('/').filter(Boolean).length >= 3);
  return nested ? `${top}/` : '';
}

function listZip(zip: OpenZip, skips: Skips): Listing {
  // macOS adds __MACOSX/ (resource forks): archive bookkeeping, not content.
  const content = zip.entries.filter((e) => !e.name.startsWith('__MACOSX/'));
  const root = classRoot(content.map((e) => e.name));
  const byClass = new Map<string, ZipEntryCandidate[]>();
  for (const e of content) {
    const path = e.name.slice(root.length);
    const parts = path.split('/').filter(Boolean);
    if (e.isDirectory) {
      if (parts.length === 1 && !isHidden(parts[0]) && !byClass.has(parts[0])) byClass.set(parts[0], []);
      continue;
    }
    if (e.isSymlink) {
      skips.add(path, 'link', 'a link inside the archive, not followed');
      continue;
    }
    const name = parts[parts.length - 1];
    if (parts.length < 2) {
      skips.add(path, isHidden(name) ? 'not-image' : 'outside-class');
      continue;
    }
    if (parts.slice(0, -1).some(isHidden)) continue;
    if (!byClass.has(parts[0])) byClass.set(parts[0], []);
    if (!IMAGE_EXTENSIONS.test(name) || isHidden(name)) {
      skips.add(path, 'not-image');
      continue;
    }
    byClass.get(parts[0])!.push({ path, info: e });
  }
  const classNames = [...byClass.keys()].sort(byName);
  checkClasses(classNames, zip.file);
  const candidates = classNames.flatMap((name, classIndex) =>
    byClass.get(name)!.sort((a, b) => byName(a.path, b.path)).map(({ path, info }) => ({
      classIndex, file: path, size: info.size, read: () => zip.read(info),
    })),
  );
  return { classNames: classNames.map((n) => n.normalize('NFC')), candidates, close: () => zip.close() };
}

interface ZipEntryCandidate {
  path: string;
  info: OpenZip['entries'][number];
}

function checkClasses(names: string[], where: string): void {
  if (names.length === 0) {
    throw new DatasetError(`${where} has no class sub-folders: put the images of each class in a sub-folder named after it (${where}/cat/1.png, ${where}/dog/2.jpg)`);
  }
  if (names.length > MAX_CLASSES) throw new DatasetError(`${where} has ${names.length} class sub-folders, more than the ${MAX_CLASSES} Epochlab accepts`);
}

// ---- reading ----

/** Buffered appends to the staging file: one write call per few megabytes, not per image. */
class StagingWriter {
  private buffer: Buffer;
  private used = 0;

  constructor(private readonly handle: fs.FileHandle, rowBytes: number) {
    this.buffer = Buffer.alloc(Math.max(rowBytes, 4 << 20));
  }

  /** Where the next row goes: filled in place, then committed. */
  next(): { into: Uint8Array; offset: number } {
    return { into: this.buffer, offset: this.used };
  }

  async commit(bytes: number): Promise<void> {
    this.used += bytes;
    if (this.buffer.length - this.used < bytes) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.used === 0) return;
    await this.handle.write(this.buffer, 0, this.used);
    this.used = 0;
  }
}

/** `read` of every candidate in order, at most READ_AHEAD in flight; a failed read is its own result. */
async function* readAhead(candidates: Candidate[]): AsyncGenerator<{ candidate: Candidate; bytes: Buffer | Error }> {
  const pending: Array<Promise<Buffer | Error>> = [];
  const start = (i: number) => {
    const c = candidates[i];
    return c.size === 0 || c.size > IMAGE_FOLDER_LIMITS.maxFileBytes ? Promise.resolve(Buffer.alloc(0)) : c.read().catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
  };
  for (let i = 0; i < Math.min(READ_AHEAD, candidates.length); i++) pending.push(start(i));
  for (let i = 0; i < candidates.length; i++) {
    const bytes = await pending[i];
    delete pending[i];
    if (i + READ_AHEAD < candidates.length) pending[i + READ_AHEAD] = start(i + READ_AHEAD);
    yield { candidate: candidates[i], bytes };
  }
}

export async function readImageFolder(source: ImportSourceOf<'image-folder'>, job: ImportJob): Promise<NewImport & { skipped: ImportReport['skipped'] }> {
  const width = source.width ?? OPTIONS.width.default;
  const height = source.height ?? OPTIONS.height.default;
  const color: ColorMode = source.color ?? (OPTIONS.color.default as ColorMode);
  const channels = color === 'rgb' ? 3 : 1;
  const rowBytes = width * height * channels;
  const skips = new Skips();
  const progress = throttled(job.onProgress);

  const stat = await fs.stat(source.folder).catch(() => null);
  if (stat === null) throw new DatasetError(`${source.folder}: no such folder or .zip file`);
  let listing: Listing;
  if (stat.isDirectory()) listing = await listFolder(await fs.realpath(source.folder), skips, progress);
  else if (/\.zip$/i.test(source.folder)) listing = listZip(await openZip(source.folder), skips);
  else throw new DatasetError(`${basename(source.folder)}: not a folder or a .zip file`);

  try {
    const { candidates, classNames } = listing;
    if (candidates.length * rowBytes > MAX_VALUES) {
      throw new DatasetError(
        `${candidates.length} images of ${width} × ${height} × ${channels} are ${candidates.length * rowBytes} values, more than Epochlab holds (${MAX_VALUES}); choose a smaller size or grayscale`,
      );
    }
    const staged = join(job.scratchDir, 'pixels.u8');
    const handle = await fs.open(staged, 'w');
    const labels = new GrowableArray((n) => new Int32Array(n), source.folder);
    try {
      const writer = new StagingWriter(handle, rowBytes);
      let done = 0;
      for await (const { candidate, bytes } of readAhead(candidates)) {
        progress({ phase: 'reading', done: done++, total: candidates.length });
        if (candidate.size === 0) {
          skips.add(candidate.file, 'empty');
          continue;
        }
        if (candidate.size > IMAGE_FOLDER_LIMITS.maxFileBytes) {
          skips.add(candidate.file, 'too-large', `${candidate.size} bytes, over the ${IMAGE_FOLDER_LIMITS.maxFileBytes}-byte limit for one image`);
          continue;
        }
        if (bytes instanceof Error) {
          skips.add(candidate.file, 'corrupt', `cannot read it: ${bytes.message}`);
          continue;
        }
        try {
          const image = decodeImage(bytes, IMAGE_FOLDER_LIMITS.maxPixels);
          const { into, offset } = writer.next();
          resizeInto(image, width, height, color, into, offset);
          await writer.commit(rowBytes);
          labels.push(candidate.classIndex);
        } catch (error) {
          if (!(error instanceof ImageError)) throw error;
          skips.add(candidate.file, error.reason, error.message);
        }
      }
      await writer.flush();
      progress({ phase: 'reading', done, total: candidates.length }, true);
    } finally {
      await handle.close();
    }
    const y = labels.toArray();
    const name = basename(source.folder);
    if (y.length === 0) {
      throw new DatasetError(`${name}: no readable PNG or JPEG images in its class folders${skips.summary()}${examples(skips)}`);
    }
    return {
      kind: 'image',
      description: `Image folder ${name}: ${y.length} images resized to ${width} × ${height} ${color}, ${classNames.length} classes${skips.summary()}.`,
      inputShape: [height, width, channels],
      classNames,
      features: { type: 'u8-file', path: staged },
      y,
      skipped: skips.report,
    };
  } finally {
    listing.close();
  }
}

function examples(skips: Skips): string {
  const shown = skips.report.examples.slice(0, 3).map((e) => `${e.file}: ${e.detail}`);
  return shown.length ? ` — e.g. ${shown.join('; ')}` : '';
}
