import { describe, expect, it } from 'vitest';
import type { DatasetInfo } from '../../../src-main/contract';
import { dataIssues, plannedFacts } from '../../../src-main/engine/datasets/rules';

function info(classCounts: number[], extra: Partial<DatasetInfo> = {}): DatasetInfo {
  return {
    id: 'imp-000000000001', name: 'flowers', source: 'imported', kind: 'tabular', inputShape: [4], numClasses: classCounts.length,
    classNames: classCounts.map((_, k) => `c${k}`), rows: classCounts.reduce((a, b) => a + b, 0), classCounts, description: '',
    fingerprint: null, ...extra,
  };
}
const mlp = { template: 'mlp' } as const;

describe('data rules on the planned split (what the services check before creating an experiment)', () => {
  it('accepts a dataset with two classes', () => {
    expect(dataIssues(plannedFacts({ split: 0.2, seed: 0 }, info([10, 10]), undefined), mlp)).toEqual([]);
  });

  it('names the field to change for each refusal', () => {
    expect(dataIssues(plannedFacts({ split: 0.2, seed: 0 }, info([0, 0]), undefined), mlp)).toEqual([
      { path: 'dataset.id', message: 'dataset flowers is empty: there is nothing to train on' },
    ]);
    expect(dataIssues(plannedFacts({ split: 0, seed: 0 }, info([5, 0]), undefined), mlp)[0]).toEqual({
      path: 'dataset.id', message: 'the training data of flowers holds only one class ("c0"); a classifier needs at least two',
    });
    expect(dataIssues(plannedFacts({ split: 0, seed: 0 }, info([5, 5]), undefined), { template: 'cnn' })[0].path).toBe('model.template');
  });

  it('checks a separate validation dataset: empty, another shape, a class the training data lacks', () => {
    const train = info([5, 5]);
    const facts = (val: DatasetInfo) => plannedFacts({ dataset: { id: val.id } }, train, val);
    expect(dataIssues(facts(info([0, 0], { name: 'v' })), mlp)).toEqual([{ path: 'validation.dataset.id', message: 'the validation dataset v is empty; use split 0 to train without validation' }]);
    expect(dataIssues(facts(info([1, 1], { name: 'v', inputShape: [3] })), mlp)[0].message).toMatch(/v has samples of shape \[3\], the training dataset flowers has \[4\]/);
    expect(dataIssues(facts(info([1, 1], { name: 'v', classNames: ['c0', 'fox'] })), mlp)[0].message).toMatch(/has class "fox", which the training dataset flowers lacks/);
    // A class the validation set names but holds no rows of is not a problem.
    expect(dataIssues(facts(info([1, 0], { name: 'v', classNames: ['c0', 'fox'] })), mlp)).toEqual([]);
  });
});
