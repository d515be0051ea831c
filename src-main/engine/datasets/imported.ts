/**
 * Imported datasets on disk: <dataDir>/datasets/<id>/data.bin (see binary.ts) + meta.json. The id is derived
 * from the data's fingerprint, so importing the same data twice finds the first import.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { DatasetInfo, ImportProgress } from '../../contract';
import { readDatasetFile, readDatasetLabels, writeDatasetFile, type StagedPixels, type StoredFeatures } from './binary';
import { countClasses } from './classes';
import { fingerprint, FingerprintHash } from './fingerprint';
import { DatasetError, type Dataset, type DatasetContext } from './types';

const ID_PATTERN = /^imp-[0-9a-f]{12}$/;
const META_VERSION = 1;

interface MetaFile {
  version: number;
  importedAt: string;
  info: DatasetInfo;
}

export const isImportedId = (id: string): boolean => ID_PATTERN.test(id);
export const importedIdFor = (print: string): string => `imp-${print.slice(0, 12)}`;

function datasetsDir(ctx: DatasetContext): string {
  return join(ctx.dataDir, 'datasets');
}

function folderOf(ctx: DatasetContext, id: string): string {
  // The id comes from specs and API calls: only the exact imp-<hex> form may become a path.
  if (!isImportedId(id)) throw new DatasetError(`${JSON.stringify(id)} is not an imported dataset id (imp- followed by 12 hex digits)`);
  return join(datasetsDir(ctx), id);
}

function isInfo(value: unknown, id: string): value is DatasetInfo {
  const info = value as Partial<DatasetInfo> | null;
  return (
    typeof info === 'object' && info !== null && info.id === id && typeof info.name === 'string' &&
    Array.isArray(info.inputShape) && Array.isArray(info.classNames) && Array.isArray(info.classCounts) &&
    typeof info.rows === 'number' && info.numClasses === info.classNames.length
  );
}

/** The stored description, or null when the folder does not hold a readable import. */
function readMeta(ctx: DatasetContext, id: string): DatasetInfo | null {
  const path = join(folderOf(ctx, id), 'meta.json');
  let meta: Partial<MetaFile>;
  try {
    meta = JSON.parse(readFileSync(path, 'utf8')) as Partial<MetaFile>;
  } catch {
    return null;
  }
  return meta.version === META_VERSION && isInfo(meta.info, id) ? meta.info : null;
}

export function listImported(ctx: DatasetContext): DatasetInfo[] {
  let names: string[];
  try {
    names = readdirSync(datasetsDir(ctx));
  } catch {
    return [];
  }
  // A folder left half-written or damaged is skipped rather than breaking the whole list.
  return names.filter(isImportedId).sort().map((id) => readMeta(ctx, id)).filter((info): info is DatasetInfo => info !== null);
}

/** Whether `id` names an import in this data folder (without reading its data). */
export function hasImported(ctx: DatasetContext, id: string): boolean {
  return isImportedId(id) && existsSync(join(folderOf(ctx, id), 'meta.json'));
}

function metaOrThrow(ctx: DatasetContext, id: string): DatasetInfo {
  const info = readMeta(ctx, id);
  if (info === null) {
    throw new DatasetError(existsSync(folderOf(ctx, id)) ? `imported dataset ${id} is damaged (meta.json unreadable)` : `no imported dataset ${id}`);
  }
  return info;
}

function checkAgainstMeta(info: DatasetInfo, inputShape: number[], rows: number, y: Int32Array): void {
  if (inputShape.join() !== info.inputShape.join() || rows !== info.rows) {
    throw new DatasetError(`imported dataset ${info.id} is damaged: data.bin does not match meta.json`);
  }
  for (let i = 0; i < y.length; i++) {
    if (y[i] >= info.numClasses) throw new DatasetError(`imported dataset ${info.id} is damaged: label ${y[i]} at row ${i} is not a class`);
  }
}

export function describeImported(ctx: DatasetContext, id: string, limit?: number): DatasetInfo {
  const info = metaOrThrow(ctx, id);
  if (limit === undefined || limit >= info.rows) return info;
  const { header, y } = readDatasetLabels(join(folderOf(ctx, id), 'data.bin'), limit);
  checkAgainstMeta(info, header.inputShape, header.rows, y);
  return { ...info, rows: y.length, classCounts: countClasses(y, info.numClasses), fingerprint: null };
}

export function loadImported(ctx: DatasetContext, id: string, limit?: number): Dataset {
  const stored = metaOrThrow(ctx, id);
  const { header, x, y } = readDatasetFile(join(folderOf(ctx, id), 'data.bin'), limit);
  checkAgainstMeta(stored, header.inputShape, header.rows, y);
  if (y.length === stored.rows) return { info: stored, x, y };
  const info: DatasetInfo = { ...stored, rows: y.length, classCounts: countClasses(y, stored.numClasses), fingerprint: null };
  info.fingerprint = fingerprint({ info, x, y });
  return { info, x, y };
}

/** What a reader is given besides its source. */
export interface ImportJob {
  /** A folder of the import's own, removed after it, for files staged on the way. */
  scratchDir: string;
  onProgress(progress: ImportProgress): void;
}

/** What a reader produces: the data and its description, before it is fingerprinted and stored. */
export interface NewImport {
  kind: DatasetInfo['kind'];
  description: string;
  inputShape: number[];
  classNames: string[];
  features: StoredFeatures | StagedPixels;
  y: Int32Array;
}

function fingerprintOf(data: NewImport): string {
  const hash = new FingerprintHash(data.y.length, data.inputShape);
  const { features } = data;
  if (features.type === 'f32') hash.features(features.data);
  else if (features.type === 'u8') hash.pixels(features.data);
  else hash.pixelFile(features.path, data.y.length * data.inputShape.reduce((a, b) => a * b, 1));
  return hash.labels(data.y);
}

/** Stores a parsed dataset under its name, or returns the earlier import of the same data. */
export function storeImport(ctx: DatasetContext, name: string, data: NewImport): DatasetInfo {
  const rows = data.y.length;
  const print = fingerprintOf(data);
  const id = importedIdFor(print);
  const existing = readMeta(ctx, id);
  if (existing !== null) return existing;
  const info: DatasetInfo = {
    id,
    name,
    source: 'imported',
    kind: data.kind,
    inputShape: data.inputShape,
    numClasses: data.classNames.length,
    classNames: data.classNames,
    rows,
    classCounts: countClasses(data.y, data.classNames.length),
    description: data.description,
    fingerprint: print,
  };
  // Written in a scratch folder and renamed into place, so a crash never leaves a half import under the id.
  const final = folderOf(ctx, id);
  const scratch = join(datasetsDir(ctx), `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(scratch, { recursive: true });
  try {
    writeDatasetFile(join(scratch, 'data.bin'), { x: data.features, y: data.y, inputShape: data.inputShape, fingerprint: print });
    const meta: MetaFile = { version: META_VERSION, importedAt: new Date().toISOString(), info };
    writeFileSync(join(scratch, 'meta.json'), JSON.stringify(meta, null, 2));
    rmSync(final, { recursive: true, force: true });
    renameSync(scratch, final);
  } catch (err) {
    rmSync(scratch, { recursive: true, force: true });
    // Another import of the same data may have won the race.
    const winner = readMeta(ctx, id);
    if (winner !== null) return winner;
    throw err;
  }
  return info;
}
