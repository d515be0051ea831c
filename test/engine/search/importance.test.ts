import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src-main/engine/random';
import { paramImportance } from '../../../src-main/engine/search/importance';
import { fitForest, leafBoxes } from '../../../src-main/engine/search/forest';
import { samplePoint, type Dimension, type ParamPoint } from '../../../src-main/engine/search/space';

const DIMS: Dimension[] = [
  { name: 'learningRate', kind: 'float', low: 1e-5, high: 1, log: true },
  { name: 'batchSize', kind: 'int', low: 8, high: 512, log: true },
  { name: 'optimizer', kind: 'categorical', choices: ['sgd', 'adam', 'rmsprop'] },
];

function trials(n: number, seed: number, f: (p: ParamPoint) => number) {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const params = samplePoint(DIMS, rng);
    return { params, value: f(params) };
  });
}

describe('parameter importance (fANOVA)', () => {
  it('scores a hyperparameter the objective ignores near 0 and ranks the driver first', () => {
    // Learning rate drives the loss, the optimizer matters a little, batch size not at all.
    const objective = (p: ParamPoint) => (Math.log10(p.learningRate as number) + 3) ** 2 + (p.optimizer === 'sgd' ? 0.5 : 0);
    for (const seed of [1, 2, 3]) {
      const result = paramImportance({ dims: DIMS, trials: trials(30, seed, objective) });
      expect(result.trials).toBe(30);
      expect(result.importances[0].param).toBe('learningRate');
      const byName = Object.fromEntries(result.importances.map((i) => [i.param, i.importance]));
      expect(byName.batchSize).toBeLessThan(0.05);
      expect(byName.learningRate).toBeGreaterThan(0.7);
      expect(result.importances.reduce((s, i) => s + i.importance, 0)).toBeCloseTo(1, 10);
    }
  });

  it('works on a grid (lists are choices) with only 8 trials', () => {
    const dims: Dimension[] = [
      { name: 'learningRate', kind: 'categorical', choices: [0.001, 0.01, 0.1, 1] },
      { name: 'batchSize', kind: 'categorical', choices: [16, 64] },
    ];
    const rows = [0.001, 0.01, 0.1, 1].flatMap((lr) => [16, 64].map((b) => ({ params: { learningRate: lr, batchSize: b }, value: lr === 0.01 ? 0.2 : lr === 1 ? 2 : 0.5 })));
    const result = paramImportance({ dims, trials: rows });
    expect(result.importances.map((i) => i.param)).toEqual(['learningRate', 'batchSize']);
    expect(result.importances[1].importance).toBeLessThan(0.01);
  });

  it('is deterministic and gives every parameter 0 when the objective is constant', () => {
    const t = trials(12, 4, () => 1);
    expect(paramImportance({ dims: DIMS, trials: t }).importances.every((i) => i.importance === 0)).toBe(true);
    const f = (p: ParamPoint) => Math.log(p.batchSize as number);
    expect(paramImportance({ dims: DIMS, trials: trials(20, 5, f) })).toEqual(paramImportance({ dims: DIMS, trials: trials(20, 5, f) }));
  });

  it('leaves out trials outside the space or without a finite objective', () => {
    const t = trials(10, 6, (p) => p.learningRate as number);
    t.push({ params: { learningRate: 5, batchSize: 16, optimizer: 'sgd' }, value: 1 }, { params: t[0].params, value: Number.NaN });
    expect(paramImportance({ dims: DIMS, trials: t }).trials).toBe(10);
  });
});

describe('regression forest', () => {
  it('fits a step function exactly and its leaf boxes tile the space', () => {
    const x = [[0], [1], [2], [3]];
    const y = [0, 0, 1, 1];
    const [tree] = fitForest(x, y, { trees: 1, maxDepth: 64, seed: 1 });
    const leaves = leafBoxes(tree, [[0, 3]]);
    const covered = leaves.reduce((s, l) => s + (l.box[0][1] - l.box[0][0]), 0);
    expect(covered).toBeCloseTo(3, 12);
    for (const leaf of leaves) expect([0, 1]).toContain(leaf.value);
  });
});
