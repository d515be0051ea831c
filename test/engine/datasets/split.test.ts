import { describe, expect, it } from 'vitest';
import { splitSizes, stratifiedValidationCounts } from '../../../src-main/contract/iterations';
import type { DatasetInfo } from '../../../src-main/contract';
import { assertTrainable, DatasetError, fingerprint, splitDataset, type Dataset } from '../../../src-main/engine/datasets/catalog';
import { alignValidation, selectRows, splitByFraction } from '../../../src-main/engine/datasets/split';
import { generateSynthetic } from '../../../src-main/engine/datasets/synthetic';

/** A dataset whose row i has the single feature i, so rows can be traced through a split. */
function traced(labels: number[], classNames = ['a', 'b', 'c']): Dataset {
  const y = Int32Array.from(labels);
  const counts = classNames.map((_, k) => labels.filter((l) => l === k).length);
  const info: DatasetInfo = {
    id: 'traced', name: 'traced', source: 'builtin', kind: 'tabular', inputShape: [1], numClasses: classNames.length,
    classNames, rows: labels.length, classCounts: counts, description: '', fingerprint: null,
  };
  return { info, x: Float32Array.from(labels, (_, i) => i), y };
}

const ctx = { dataDir: '/nonexistent-not-needed' };

describe('stratified split', () => {
  it.each([0.1, 0.2, 0.25, 0.5, 0.9])('matches the contract split sizes exactly (fraction %s)', async (f) => {
    const labels = [...Array(37).fill(0), ...Array(11).fill(1), ...Array(2).fill(2)];
    const ds = traced(labels);
    const { train, val } = await splitDataset(ds, { split: f, seed: 3 }, ctx);
    const sizes = splitSizes(ds.info.classCounts, f);
    expect(train.info.rows).toBe(sizes.nTrain);
    expect(val?.info.rows ?? 0).toBe(sizes.nVal);
    // Stratified: each class contributes exactly its own share.
    expect(val?.info.classCounts).toEqual(stratifiedValidationCounts(ds.info.classCounts, f));
    expect(train.info.classCounts.map((n, k) => n + (val?.info.classCounts[k] ?? 0))).toEqual(ds.info.classCounts);
    // Train and val are disjoint, cover every row, and keep the original order.
    const trainRows = Array.from(train.x);
    const valRows = Array.from(val?.x ?? []);
    expect([...trainRows, ...valRows].sort((a, b) => a - b)).toEqual(labels.map((_, i) => i));
    expect(trainRows).toEqual([...trainRows].sort((a, b) => a - b));
    trainRows.forEach((row, i) => expect(train.y[i]).toBe(labels[row]));
    expect(train.info.fingerprint).toBe(fingerprint(train));
  });

  it('is reproducible for a seed, different for another', () => {
    const ds = generateSynthetic('spiral', { id: 'spiral', size: 300 });
    const a = splitByFraction(ds, 0.2, 7);
    const b = splitByFraction(ds, 0.2, 7);
    const c = splitByFraction(ds, 0.2, 8);
    expect(a.val?.info.fingerprint).toBe(b.val?.info.fingerprint);
    expect(a.val?.info.fingerprint).not.toBe(c.val?.info.fingerprint);
  });

  it('returns no validation set for split 0 or when every class is a single row', async () => {
    const ds = traced([0, 1, 2]);
    expect((await splitDataset(ds, { split: 0, seed: 0 }, ctx)).val).toBeNull();
    const { train, val } = splitByFraction(ds, 0.5, 0);
    expect(val).toBeNull();
    expect(train).toBe(ds);
  });

  it('refuses fractions and seeds outside their range', () => {
    const ds = traced([0, 1]);
    expect(() => splitByFraction(ds, 1, 0)).toThrow(/fraction from 0 to below 1, got 1/);
    expect(() => splitByFraction(ds, Number.NaN, 0)).toThrow(DatasetError);
    expect(() => splitByFraction(ds, 0.2, -1)).toThrow(/seed must be a whole number/);
  });
});

describe('separate validation dataset', () => {
  it('relabels validation classes into the training classes by name', () => {
    const train = traced([0, 1, 2, 0], ['cat', 'dog', 'eel']);
    const val = traced([0, 1, 1], ['dog', 'eel']);
    const aligned = alignValidation(train, val);
    expect(Array.from(aligned.y)).toEqual([1, 2, 2]);
    expect(aligned.info.classNames).toEqual(['cat', 'dog', 'eel']);
    expect(aligned.info.classCounts).toEqual([0, 1, 2]);
    expect(aligned.info.fingerprint).toBe(fingerprint(aligned));
  });

  it('refuses unknown classes and a different sample shape', () => {
    const train = traced([0, 1], ['cat', 'dog']);
    expect(() => alignValidation(train, traced([0, 1], ['cat', 'fox']))).toThrow(/validation dataset traced has class "fox", which the training dataset traced lacks \(its classes: cat, dog\)/);
    const wide = traced([0, 1], ['cat', 'dog']);
    wide.info = { ...wide.info, inputShape: [2, 1] };
    expect(() => alignValidation(train, wide)).toThrow(/has samples of shape \[2, 1\], the training dataset traced has \[1\]/);
  });

  it('loads the validation dataset from its reference', async () => {
    const train = generateSynthetic('moons', { id: 'moons', size: 100 });
    const { val } = await splitDataset(train, { dataset: { id: 'moons', size: 40, seed: 9 } }, ctx);
    expect(val?.info.rows).toBe(40);
    expect(val?.info.classCounts).toEqual([20, 20]);
    await expect(splitDataset(train, { dataset: { id: 'spiral' } }, ctx)).rejects.toThrow(/validation dataset Spiral has class "2", which the training dataset Two moons lacks/);
  });
});

describe('assertTrainable (F4, on the loaded data)', () => {
  const split = { split: 0.5, seed: 0 };
  const separate = { dataset: { id: 'other' } };
  const mlp = { template: 'mlp' } as const;

  it('accepts a normal split', () => {
    const { train, val } = splitByFraction(traced([0, 1, 0, 1, 2, 2]), 0.5, 0);
    expect(() => assertTrainable(train, val, split, mlp)).not.toThrow();
  });

  it('refuses an empty dataset', () => {
    expect(() => assertTrainable(traced([]), null, split, mlp)).toThrow(/dataset traced is empty/);
  });

  it('refuses a split that leaves no training rows', () => {
    expect(() => assertTrainable(traced([]), traced([0, 1]), split, mlp)).toThrow(/the split leaves no training rows of traced/);
  });

  it('refuses a single class, naming it', () => {
    expect(() => assertTrainable(traced([1, 1, 1]), null, split, mlp)).toThrow(/holds only one class \("b"\); a classifier needs at least two/);
    // The limit or split may be what leaves only one class.
    expect(() => assertTrainable(selectRows(traced([2, 2, 0]), [0, 1]), null, split, mlp)).toThrow(/only one class \("c"\)/);
  });

  it('refuses the CNN template on data that is not images, with the words the preview uses', () => {
    expect(() => assertTrainable(traced([0, 1]), null, split, { template: 'cnn' })).toThrow(/the CNN template needs image data; traced has samples of shape \[1\]/);
  });

  it('refuses an empty validation set and inconsistent data', () => {
    expect(() => assertTrainable(traced([0, 1]), traced([]), separate, mlp)).toThrow(/the validation dataset traced is empty/);
    const broken = traced([0, 1]);
    broken.x = new Float32Array(3);
    expect(() => assertTrainable(broken, null, split, mlp)).toThrow(/inconsistent: 2 rows, 2 labels, 3 values/);
    const badLabel = traced([0, 1]);
    badLabel.y[1] = 7;
    expect(() => assertTrainable(badLabel, null, split, mlp)).toThrow(/row 1 has label 7, outside 0\.\.2/);
  });
});
