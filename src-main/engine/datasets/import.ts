/**
 * Imports: the reader of each format of the registry (contract/dataset-formats.ts), run in a scratch folder
 * of its own, then stored under an id derived from the data (importing the same data twice finds the first
 * import). Sources come validated from the services; every refusal is a DatasetError naming the file and
 * the row, column or entry.
 */
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { DatasetImportFormat, DatasetImportSource, ImportProgress, ImportReport, ImportSourceOf } from '../../contract/dataset-formats';
import { readCsvImport } from './csv';
import { readIdxImport } from './idx';
import { readImageFolder } from './image-folder';
import { storeImport, type ImportJob, type NewImport } from './imported';
import { readNpyImport } from './npy';
import type { DatasetContext } from './types';

type Reader<F extends DatasetImportFormat> = (source: ImportSourceOf<F>, job: ImportJob) => Promise<NewImport & { skipped?: ImportReport['skipped'] }>;

/** One reader per format of the registry: a format without one does not compile. */
const READERS: { [F in DatasetImportFormat]: Reader<F> } = {
  csv: readCsvImport,
  idx: readIdxImport,
  npy: readNpyImport,
  'image-folder': readImageFolder,
};

const SCRATCH = /^\.import-/;
/** No import runs this long: a scratch folder older than this was left by a process that died mid-import. */
const ABANDONED_MS = 24 * 3600_000;

/** Scratch folders of imports whose process died (kill -9 mid-import) are removed by a later import. */
function removeAbandonedScratch(datasetsDir: string): void {
  let names: string[];
  try {
    names = readdirSync(datasetsDir);
  } catch {
    return;
  }
  for (const name of names.filter((n) => SCRATCH.test(n))) {
    const path = join(datasetsDir, name);
    const age = Date.now() - (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > ABANDONED_MS) rmSync(path, { recursive: true, force: true });
  }
}

/** Reads, checks and stores a dataset from files a trusted caller chose. */
export async function importDataset(
  source: DatasetImportSource,
  ctx: DatasetContext,
  onProgress: (progress: ImportProgress) => void = () => undefined,
): Promise<ImportReport> {
  const datasetsDir = join(ctx.dataDir, 'datasets');
  removeAbandonedScratch(datasetsDir);
  const scratchDir = join(datasetsDir, `.import-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(scratchDir, { recursive: true });
  try {
    const reader = READERS[source.format] as Reader<DatasetImportFormat>;
    const data = await reader(source as never, { scratchDir, onProgress });
    onProgress({ phase: 'storing', done: 0, total: null });
    const dataset = storeImport(ctx, source.name, data);
    return { dataset, skipped: data.skipped ?? { total: 0, byReason: {}, examples: [] } };
  } finally {
    rmSync(scratchDir, { recursive: true, force: true });
  }
}
