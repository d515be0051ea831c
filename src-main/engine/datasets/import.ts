import { basename } from 'node:path';
import type { DatasetImportSource, DatasetInfo } from '../../contract';
import { pixelsToUnit } from './binary';
import { readCsvFile } from './csv';
import { readIdxPair } from './idx';
import { storeImport, type NewImport } from './imported';
import { readNpyPair } from './npy';
import { DatasetError, type DatasetContext } from './types';

const MAX_NAME = 200;

function checkName(name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '') throw new DatasetError('give the imported dataset a name');
  if (name.length > MAX_NAME) throw new DatasetError(`dataset name is too long (${MAX_NAME} characters at most)`);
  if (/[\u0000-\u001f\u007f]/.test(name)) throw new DatasetError('dataset name must not contain control characters');
  return name.trim();
}

function checkPath(path: unknown, what: string): string {
  if (typeof path !== 'string' || path === '') throw new DatasetError(`choose the ${what} file`);
  return path;
}

async function parse(source: DatasetImportSource, name: string): Promise<NewImport> {
  switch (source.format) {
    case 'csv': {
      const path = checkPath(source.path, 'CSV');
      const t = await readCsvFile(path, { labelColumn: source.labelColumn, header: source.header });
      return {
        name,
        kind: 'tabular',
        description: `CSV ${basename(path)}: ${t.featureNames.length} feature columns, label column ${JSON.stringify(t.labelName)}, ${t.rows} rows.`,
        inputShape: [t.featureNames.length],
        classNames: t.classNames,
        features: { type: 'f32', data: t.x },
        x: t.x,
        y: t.y,
      };
    }
    case 'idx': {
      const images = checkPath(source.images, 'IDX images');
      const labels = checkPath(source.labels, 'IDX labels');
      const d = await readIdxPair(images, labels);
      return {
        name,
        kind: 'image',
        description: `IDX ${basename(images)} + ${basename(labels)}: ${d.count} images of ${d.inputShape[0]}×${d.inputShape[1]} pixels.`,
        inputShape: d.inputShape,
        classNames: d.classNames,
        features: { type: 'u8', data: d.pixels },
        x: pixelsToUnit(d.pixels),
        y: d.y,
      };
    }
    case 'npy': {
      const x = checkPath(source.x, 'x .npy');
      const y = checkPath(source.y, 'y .npy');
      const d = await readNpyPair(x, y);
      return {
        name,
        kind: d.kind,
        description: `NumPy ${basename(x)} + ${basename(y)}: ${d.count} samples of shape [${d.inputShape.join(', ')}].`,
        inputShape: d.inputShape,
        classNames: d.classNames,
        features: d.features,
        x: d.features.type === 'u8' ? pixelsToUnit(d.features.data) : d.features.data,
        y: d.y,
      };
    }
    default:
      throw new DatasetError(`unknown import format ${JSON.stringify((source as { format?: unknown }).format)}; use csv, idx or npy`);
  }
}

/** Reads, checks and stores a dataset from files a trusted caller chose; the same data twice gives the first import. */
export async function importDataset(source: DatasetImportSource, ctx: DatasetContext): Promise<DatasetInfo> {
  const name = checkName(source.name);
  return storeImport(ctx, await parse(source, name));
}
