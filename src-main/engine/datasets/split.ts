/** Train/validation splits and the F4 checks on loaded data that run before any training starts. */
import type { DatasetInfo, ModelSpec, ValidationSpec } from '../../contract';
import { stratifiedValidationCounts } from '../../contract/iterations';
import { createRng, permutation } from '../random';
import { countClasses } from './classes';
import { fingerprint } from './fingerprint';
import { dataIssues, describeIssues, validationSetIssues } from './rules';
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
  const issues = validationSetIssues(t, v, countClasses(val.y, v.numClasses));
  if (issues.length) throw new DatasetError(describeIssues(issues));
  const position = new Map(t.classNames.map((name, i) => [name, i]));
  const mapping = v.classNames.map((name) => position.get(name) ?? -1);
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

/**
 * F4 on the data a worker actually loaded: the arrays must agree with their description, and the rules of
 * rules.ts — the ones the services applied to the planned split — must still hold.
 */
export function assertTrainable(train: Dataset, val: Dataset | null, validation: ValidationSpec, model: Pick<ModelSpec, 'template'>): void {
  checkConsistent(train, 'training', train.info.numClasses);
  if (val !== null) checkConsistent(val, 'validation', train.info.numClasses);
  const separate = 'dataset' in validation;
  const issues = dataIssues({
    train: train.info,
    trainClassCounts: countClasses(train.y, train.info.numClasses),
    validation: separate ? (val?.info ?? null) : null,
    validationClassCounts: val === null ? [] : countClasses(val.y, train.info.numClasses),
  }, model);
  if (issues.length) throw new DatasetError(describeIssues(issues));
}
