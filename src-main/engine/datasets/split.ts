/** Train/validation splits and the F4 checks that run before any training starts. */
import type { DatasetInfo } from '../../contract';
import { stratifiedValidationCounts } from '../../contract/iterations';
import { createRng, permutation } from '../random';
import { countClasses } from './classes';
import { fingerprint } from './fingerprint';
import { DatasetError, type Dataset } from './types';

const rowSizeOf = (info: DatasetInfo) => info.inputShape.reduce((a, b) => a * b, 1);

/** The given rows (in the given order) as a dataset of their own, with its own counts and fingerprint. */
export function selectRows(ds: Dataset, rows: ArrayLike<number>): Dataset {
  const width = rowSizeOf(ds.info);
  const x = new Float32Array(rows.length * width);
  const y = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    x.set(ds.x.subarray(r * width, (r + 1) * width), i * width);
    y[i] = ds.y[r];
  }
  const info: DatasetInfo = { ...ds.info, rows: rows.length, classCounts: countClasses(y, ds.info.numClasses), fingerprint: null };
  info.fingerprint = fingerprint({ info, x, y });
  return { info, x, y };
}

/**
 * Stratified split: per class, `stratifiedValidationCounts` rows (so the preview's nTrain is exact) chosen by a
 * seeded permutation of that class's rows. Both parts keep the dataset's row order.
 */
export function splitByFraction(ds: Dataset, fraction: number, seed: number): { train: Dataset; val: Dataset | null } {
  if (!Number.isFinite(fraction) || fraction < 0 || fraction >= 1) {
    throw new DatasetError(`validation split must be a fraction from 0 to below 1, got ${fraction}`);
  }
  if (!Number.isInteger(seed) || seed < 0) throw new DatasetError(`validation split seed must be a whole number ≥ 0, got ${seed}`);
  const { numClasses } = ds.info;
  const wanted = stratifiedValidationCounts(countClasses(ds.y, numClasses), fraction);
  if (wanted.every((n) => n === 0)) return { train: ds, val: null };
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < ds.y.length; i++) byClass[ds.y[i]].push(i);
  const rng = createRng(seed);
  const isVal = new Uint8Array(ds.y.length);
  byClass.forEach((rows, k) => {
    const order = permutation(rows.length, rng);
    for (let j = 0; j < wanted[k]; j++) isVal[rows[order[j]]] = 1;
  });
  const trainRows: number[] = [];
  const valRows: number[] = [];
  for (let i = 0; i < isVal.length; i++) (isVal[i] ? valRows : trainRows).push(i);
  return { train: selectRows(ds, trainRows), val: selectRows(ds, valRows) };
}

/** A separate validation dataset, relabelled into the training classes (matched by class name). */
export function alignValidation(train: Dataset, val: Dataset): Dataset {
  const t = train.info;
  const v = val.info;
  if (t.inputShape.join() !== v.inputShape.join()) {
    throw new DatasetError(`validation dataset ${v.id} has samples of shape [${v.inputShape.join(', ')}], the training dataset ${t.id} has [${t.inputShape.join(', ')}]`);
  }
  const position = new Map(t.classNames.map((name, i) => [name, i]));
  const present = countClasses(val.y, v.numClasses);
  const mapping = v.classNames.map((name, k) => {
    const index = position.get(name);
    if (index === undefined && present[k] > 0) {
      throw new DatasetError(`validation dataset ${v.id} has class ${JSON.stringify(name)}, which the training dataset ${t.id} lacks (its classes: ${t.classNames.join(', ')})`);
    }
    return index ?? -1;
  });
  const y = Int32Array.from(val.y, (k) => mapping[k]);
  const info: DatasetInfo = { ...v, numClasses: t.numClasses, classNames: [...t.classNames], classCounts: countClasses(y, t.numClasses), fingerprint: null };
  info.fingerprint = fingerprint({ info, x: val.x, y });
  return { info, x: val.x, y };
}

function checkConsistent(ds: Dataset, role: string, numClasses: number): void {
  const { info } = ds;
  if (ds.y.length !== info.rows || ds.x.length !== info.rows * rowSizeOf(info)) {
    throw new DatasetError(`${role} data of ${info.id} is inconsistent: ${info.rows} rows, ${ds.y.length} labels, ${ds.x.length} values for samples of shape [${info.inputShape.join(', ')}]`);
  }
  for (let i = 0; i < ds.y.length; i++) {
    if (!(ds.y[i] >= 0 && ds.y[i] < numClasses)) throw new DatasetError(`${role} data of ${info.id}: row ${i} has label ${ds.y[i]}, outside 0..${numClasses - 1}`);
  }
}

/** F4: refuses, before any training, data a classifier cannot learn from. */
export function assertTrainable(train: Dataset, val: Dataset | null): void {
  const { id } = train.info;
  if (train.y.length === 0) {
    if (val !== null && val.y.length > 0) throw new DatasetError(`the validation split of ${id} leaves 0 training rows`);
    throw new DatasetError(`dataset ${id} is empty: there is nothing to train on`);
  }
  checkConsistent(train, 'training', train.info.numClasses);
  const present = countClasses(train.y, train.info.numClasses).map((n, k) => (n > 0 ? k : -1)).filter((k) => k >= 0);
  if (present.length < 2) {
    const only = train.info.classNames[present[0]] ?? String(present[0]);
    throw new DatasetError(`the training data of ${id} holds only one class (${JSON.stringify(only)}); a classifier needs at least two`);
  }
  if (val === null) return;
  if (val.y.length === 0) throw new DatasetError(`the validation set of ${id} is empty; use split 0 to train without validation`);
  if (val.info.inputShape.join() !== train.info.inputShape.join()) {
    throw new DatasetError(`validation samples have shape [${val.info.inputShape.join(', ')}], training samples [${train.info.inputShape.join(', ')}]`);
  }
  checkConsistent(val, 'validation', train.info.numClasses);
}
