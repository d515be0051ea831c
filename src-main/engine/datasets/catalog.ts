/**
 * The dataset layer of the engine: built-in sets (real MNIST digits, iris, 2-D synthetic shapes), imports
 * (CSV, IDX, NPY), splits and the checks that run before training. Pure Node: no tfjs, no store.
 */
import type { DatasetInfo, DatasetRef, ValidationSpec } from '../../contract';
import { describeImported, hasImported, listImported, loadImported } from './imported';
import { IRIS_ID, loadIris } from './iris';
import { describeMnist, loadMnist, MNIST_ID } from './mnist';
import { alignValidation, splitByFraction } from './split';
import { describeSynthetic, generateSynthetic, isSyntheticId, SYNTHETIC_IDS } from './synthetic';
import { DatasetError, type Dataset, type DatasetContext } from './types';

export { DatasetError, type Dataset, type DatasetContext } from './types';
export { fingerprint } from './fingerprint';
export { assertTrainable } from './split';

export const BUILTIN_DATASET_IDS: readonly string[] = [MNIST_ID, ...SYNTHETIC_IDS, IRIS_ID];

export function listDatasets(ctx: DatasetContext): DatasetInfo[] {
  return [
    describeMnist(ctx),
    ...SYNTHETIC_IDS.map((id) => describeSynthetic(id, { id })),
    loadIris(ctx).info,
    ...listImported(ctx),
  ];
}

function unknownDataset(id: string, ctx: DatasetContext): DatasetError {
  const valid = [...BUILTIN_DATASET_IDS, ...listImported(ctx).map((info) => info.id)];
  return new DatasetError(`unknown dataset ${JSON.stringify(id)}; valid ids: ${valid.join(', ')}`);
}

/** Options that only generated sets have must not be silently ignored elsewhere. */
function checkRef(ref: DatasetRef): void {
  if (ref.limit !== undefined && (!Number.isInteger(ref.limit) || ref.limit < 1)) {
    throw new DatasetError(`limit must be a whole number ≥ 1, got ${ref.limit}`);
  }
  if (isSyntheticId(ref.id)) return;
  const given = (['size', 'noise', 'seed', 'classes'] as const).filter((k) => ref[k] !== undefined);
  if (given.length > 0) {
    throw new DatasetError(`${given.join(', ')} only apply to the synthetic sets (${SYNTHETIC_IDS.join(', ')}); for ${ref.id} use limit to take fewer rows`);
  }
}

export async function describeDataset(ref: DatasetRef, ctx: DatasetContext): Promise<DatasetInfo> {
  checkRef(ref);
  if (isSyntheticId(ref.id)) return describeSynthetic(ref.id, ref);
  if (ref.id === MNIST_ID) return describeMnist(ctx, ref.limit);
  if (ref.id === IRIS_ID) return loadIris(ctx, ref.limit).info;
  if (hasImported(ctx, ref.id)) return describeImported(ctx, ref.id, ref.limit);
  throw unknownDataset(ref.id, ctx);
}

export async function loadDataset(ref: DatasetRef, ctx: DatasetContext): Promise<Dataset> {
  checkRef(ref);
  if (isSyntheticId(ref.id)) return generateSynthetic(ref.id, ref);
  if (ref.id === MNIST_ID) return loadMnist(ctx, ref.limit);
  if (ref.id === IRIS_ID) return loadIris(ctx, ref.limit);
  if (hasImported(ctx, ref.id)) return loadImported(ctx, ref.id, ref.limit);
  throw unknownDataset(ref.id, ctx);
}

/** `{ split, seed }`: stratified split of `ds`; `{ dataset }`: that dataset, relabelled into ds's classes. */
export async function splitDataset(
  ds: Dataset,
  validation: ValidationSpec,
  ctx: DatasetContext,
): Promise<{ train: Dataset; val: Dataset | null }> {
  if ('dataset' in validation) {
    return { train: ds, val: alignValidation(ds, await loadDataset(validation.dataset, ctx)) };
  }
  return splitByFraction(ds, validation.split, validation.seed ?? 0);
}
