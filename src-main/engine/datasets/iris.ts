/** Built-in `iris`: Fisher's 150 flowers from resources/datasets/iris.csv, features as measured (cm). */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DatasetInfo } from '../../contract';
import { createRng, permutation } from '../random';
import { countClasses } from './classes';
import { parseCsvText } from './csv';
import { fingerprint } from './fingerprint';
import { findUpwards, HERE } from './paths';
import { DatasetError, type Dataset, type DatasetContext } from './types';

export const IRIS_ID = 'iris';
const RELATIVE = join('resources', 'datasets', 'iris.csv');
/** The file lists the species one after another; a fixed shuffle makes a `limit` prefix hold all three. */
const ORDER_SEED = 150;

let cached: { path: string; dataset: Dataset } | null = null;

function irisPath(ctx: DatasetContext): string {
  if (ctx.resourcesDir !== undefined) return join(ctx.resourcesDir, 'datasets', 'iris.csv');
  const found = findUpwards(dirname(HERE), RELATIVE) ?? findUpwards(process.cwd(), RELATIVE);
  if (found === null) throw new DatasetError(`the built-in iris data (${RELATIVE}) was not found above ${dirname(HERE)}`);
  return found;
}

function loadFull(ctx: DatasetContext): Dataset {
  const path = irisPath(ctx);
  if (cached?.path === path) return cached.dataset;
  let text: Buffer;
  try {
    text = readFileSync(path);
  } catch (err) {
    throw new DatasetError(`cannot read the built-in iris data: ${(err as Error).message}`);
  }
  const table = parseCsvText(text, 'iris.csv', { labelColumn: 'species', header: true });
  const width = table.featureNames.length;
  const order = permutation(table.rows, createRng(ORDER_SEED));
  const x = new Float32Array(table.x.length);
  const y = new Int32Array(table.rows);
  for (let i = 0; i < table.rows; i++) {
    x.set(table.x.subarray(order[i] * width, (order[i] + 1) * width), i * width);
    y[i] = table.y[order[i]];
  }
  const info: DatasetInfo = {
    id: IRIS_ID,
    name: 'Iris',
    source: 'builtin',
    kind: 'tabular',
    inputShape: [width],
    numClasses: table.classNames.length,
    classNames: table.classNames,
    rows: table.rows,
    classCounts: countClasses(y, table.classNames.length),
    description: `Fisher's iris flowers: ${table.featureNames.join(', ')} → species (${table.rows} rows, unscaled).`,
    fingerprint: null,
  };
  info.fingerprint = fingerprint({ info, x, y });
  cached = { path, dataset: { info, x, y } };
  return cached.dataset;
}

export function loadIris(ctx: DatasetContext, limit?: number): Dataset {
  const full = loadFull(ctx);
  const rows = Math.min(limit ?? full.info.rows, full.info.rows);
  const width = full.info.inputShape[0];
  // Copies, so that a caller who normalises in place cannot change the cached data.
  const x = full.x.slice(0, rows * width);
  const y = full.y.slice(0, rows);
  const info: DatasetInfo = { ...full.info, classNames: [...full.info.classNames], inputShape: [width], rows, classCounts: countClasses(y, full.info.numClasses) };
  info.fingerprint = rows === full.info.rows ? full.info.fingerprint : fingerprint({ info, x, y });
  return { info, x, y };
}
