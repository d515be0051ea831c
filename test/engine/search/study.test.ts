import { describe, expect, it } from 'vitest';
import { type RunStatus, type TrialParams } from '../../../src-main/contract';
import {
  addedTrials, expandTrials, extendedSpec, optimizationHistory, parseSpec, plannedTrials, previewExperiment, proposeNextTrials,
  searchSpaceOf, type StudyTrial,
} from '../../../src-main/engine/search';
import type { DatasetInfo, ExperimentSpec } from '../../../src-main/contract';

const spiral: DatasetInfo = {
  id: 'spiral', name: 'Spiral', source: 'builtin', kind: 'synthetic-2d', inputShape: [2], numClasses: 3,
  classNames: ['0', '1', '2'], rows: 1050, classCounts: [350, 350, 350], description: '', fingerprint: null,
};

const tpe = (extra: object = {}, params: object = {}) => parseSpec({
  name: 'tpe', dataset: { id: 'spiral' }, model: { template: 'mlp' },
  search: { method: 'tpe', trials: 12, seed: 3, startupTrials: 4, ...extra },
  params: { learningRate: { from: 1e-4, to: 1, scale: 'log' }, batchSize: [16, 64], epochs: 3, ...params },
});

const curve = (values: number[]) => new Map(values.map((v, i) => [i + 1, v]));

/** Runs a study to its end, one trial at a time, with a synthetic objective. */
function runStudy(spec: ExperimentSpec, objective: (p: TrialParams) => number): StudyTrial[] {
  const trials: StudyTrial[] = [];
  for (;;) {
    const next = proposeNextTrials(spec, trials);
    if (!next) return trials;
    for (const params of next) trials.push({ params, status: 'completed', values: curve([objective(params) + 0.1, objective(params)]) });
  }
}

describe('search space', () => {
  it('reads ranges as intervals, lists as choices, single values as fixed, seeds apart', () => {
    const space = searchSpaceOf(tpe({}, { seed: [1, 2], optimizer: ['adam', 'sgd'], weightDecay: 0 }));
    expect(space.dims).toEqual([
      { name: 'learningRate', kind: 'float', low: 1e-4, high: 1, log: true },
      { name: 'batchSize', kind: 'categorical', choices: [16, 64] },
      { name: 'optimizer', kind: 'categorical', choices: ['adam', 'sgd'] },
    ]);
    expect(space.fixed).toMatchObject({ epochs: 3, weightDecay: 0, schedule: 'constant' });
    expect(space.seeds).toEqual([1, 2]);
  });
});

describe('TPE study', () => {
  it('proposes until the trial count, one run per seed, never repeating a configuration', () => {
    const spec = tpe({}, { seed: [1, 2] });
    const trials = runStudy(spec, (p) => Math.abs(Math.log10(p.learningRate) + 2));
    expect(trials).toHaveLength(24);
    expect(plannedTrials(spec, 0)).toBe(24);
    for (let i = 0; i < 24; i += 2) {
      expect(trials[i].params.seed).toBe(1);
      expect(trials[i + 1].params).toEqual({ ...trials[i].params, seed: 2 });
    }
    const configs = new Set(trials.filter((_, i) => i % 2 === 0).map((t) => JSON.stringify({ ...t.params, seed: 0 })));
    expect(configs.size).toBe(12);
    for (const t of trials) {
      expect(t.params.learningRate).toBeGreaterThanOrEqual(1e-4);
      expect(t.params.learningRate).toBeLessThanOrEqual(1);
      expect([16, 64]).toContain(t.params.batchSize);
      expect(t.params.epochs).toBe(3);
    }
  });

  it('is reproducible from its seed', () => {
    const f = (p: TrialParams) => Math.abs(Math.log10(p.learningRate) + 2);
    expect(runStudy(tpe(), f).map((t) => t.params)).toEqual(runStudy(tpe(), f).map((t) => t.params));
    expect(runStudy(tpe({ seed: 4 }), f).map((t) => t.params)).not.toEqual(runStudy(tpe(), f).map((t) => t.params));
  });

  it('counts pending runs as running: a parallel batch does not repeat itself', () => {
    const spec = tpe({ startupTrials: 0 });
    const trials: StudyTrial[] = [];
    for (let i = 0; i < 4; i++) trials.push(...proposeNextTrials(spec, trials)!.map((params) => ({ params, status: 'running' as RunStatus, values: new Map() })));
    expect(new Set(trials.map((t) => JSON.stringify(t.params))).size).toBe(4);
  });

  it('stops early when a finite space is used up', () => {
    const spec = tpe({ trials: 10 }, { learningRate: [0.1, 0.01], batchSize: [16, 64] });
    const trials = runStudy(spec, (p) => p.learningRate);
    expect(trials).toHaveLength(4);
    // And plans no more than the space holds, so the study is not left waiting for trials that cannot exist.
    expect(plannedTrials(spec, 0)).toBe(4);
    expect(previewExperiment(spec, { train: spiral }).warnings.join()).toMatch(/only 4 configurations, fewer than the 10 trials asked for/);
  });

  it('ranks pruned and diverged trials below completed ones, and ignores cancelled ones', () => {
    const spec = tpe({ startupTrials: 3 });
    const p = (lr: number) => ({ ...expandTrials({ ...spec, search: { method: 'grid' }, params: { ...spec.params, learningRate: lr, batchSize: 16 } })[0] });
    const trials: StudyTrial[] = [
      { params: p(0.001), status: 'completed', values: curve([0.3, 0.2]) },
      { params: p(0.5), status: 'pruned', values: curve([2]) },
      { params: p(0.9), status: 'diverged', values: curve([]) },
      { params: p(0.002), status: 'cancelled', values: curve([0.1]) },
    ];
    // γ(3) = 1: the completed trial is the good density, the pruned and diverged ones the bad one.
    let near = 0;
    for (let seed = 0; seed < 20; seed++) {
      const next = proposeNextTrials({ ...spec, search: { ...spec.search, seed } as ExperimentSpec['search'] }, trials)!;
      expect(next).toHaveLength(1);
      if (Math.log10(next[0].learningRate) < -1.5) near++;
    }
    expect(near).toBeGreaterThanOrEqual(15);
  });

  it('grid and random studies propose nothing: their trials are listed up front', () => {
    expect(proposeNextTrials({ ...tpe(), search: { method: 'grid' } }, [])).toBeNull();
  });
});

describe('TPE preview', () => {
  it('shows the planned count, the batch sizes that can occur and the most it can train', () => {
    const p = previewExperiment(tpe({}, { batchSize: { from: 16, to: 256, scale: 'log' }, epochs: [2, 4], seed: [1, 2] }), { train: spiral });
    expect(p.proposed).toBe(true);
    expect(p.trialCount).toBe(24);
    expect(p.trials).toEqual([]);
    expect(p.batchSizeRange).toEqual({ from: 16, to: 256 });
    expect(p.batchSizes.map((b) => b.batchSize)).toEqual([16, 256]);
    const n = p.nTrain;
    expect(p.batchSizes[0].totalIterations).toEqual([2 * Math.ceil(n / 16), 4 * Math.ceil(n / 16)]);
    expect(p.totalIterations).toBe(24 * 4 * Math.ceil(n / 16));
  });

  it('warns when the pruner can never act', () => {
    const spec = parseSpec({ name: 'x', dataset: { id: 'spiral' }, model: { template: 'mlp' }, params: { learningRate: [0.1, 0.01], epochs: 3 }, pruning: { method: 'asha', minEpochs: 3 } });
    expect(previewExperiment(spec, { train: spiral }).warnings.join()).toMatch(/ASHA never acts/);
    const median = parseSpec({ ...spec, pruning: { method: 'median' } });
    expect(previewExperiment(median, { train: spiral }).warnings.join()).toMatch(/waits for 5 completed trials and this study has 2/);
  });
});

describe('growing a study', () => {
  it('random search continues its own stream: the first trials are the stored ones', () => {
    const spec = parseSpec({ name: 'r', dataset: { id: 'spiral' }, model: { template: 'mlp' }, search: { method: 'random', trials: 5, seed: 2 }, params: { learningRate: { from: 1e-4, to: 1, scale: 'log' } } });
    const stored = expandTrials(spec);
    const grown = extendedSpec(spec, { trials: 3 });
    expect('spec' in grown).toBe(true);
    if (!('spec' in grown)) return;
    const added = addedTrials(grown.spec, stored);
    expect(added).toHaveLength(3);
    expect([...stored, ...added]).toEqual(expandTrials(grown.spec));
  });

  it('a grid gains the combinations of the new values and keeps the stored ones', () => {
    const spec = parseSpec({ name: 'g', dataset: { id: 'spiral' }, model: { template: 'mlp' }, params: { learningRate: [0.1, 0.01], batchSize: [16, 64] } });
    const stored = expandTrials(spec);
    const grown = extendedSpec(spec, { add: { learningRate: [0.001, 0.1], optimizer: 'sgd' } });
    if (!('spec' in grown)) throw new Error('refused');
    expect(grown.spec.params.learningRate).toEqual([0.1, 0.01, 0.001]);
    expect(grown.spec.params.optimizer).toEqual(['adam', 'sgd']);
    const added = addedTrials(grown.spec, stored);
    expect(added).toHaveLength(3 * 2 * 2 - 4);
    expect(added.some((t) => stored.some((s) => JSON.stringify(s) === JSON.stringify(t)))).toBe(false);
  });

  it('TPE grows its trial count; the wrong kind of request is refused with the field named', () => {
    const grown = extendedSpec(tpe(), { trials: 5 });
    expect('spec' in grown && grown.spec.search).toMatchObject({ method: 'tpe', trials: 17 });
    expect(extendedSpec(tpe(), { add: { learningRate: [0.1] } })).toEqual({ issues: [expect.objectContaining({ path: 'add' }), expect.objectContaining({ path: 'trials' })] });
    const grid = parseSpec({ name: 'g', dataset: { id: 'spiral' }, model: { template: 'mlp' } });
    expect(extendedSpec(grid, { trials: 5 })).toEqual({ issues: [expect.objectContaining({ path: 'trials' }), expect.objectContaining({ path: 'add' })] });
  });
});

describe('optimisation history', () => {
  it('gives the best completed value so far in trial order; pruned trials show but do not count', () => {
    const runs = [
      { id: 11, index: 0, status: 'completed' as const, values: curve([0.5, 0.4]) },
      { id: 12, index: 1, status: 'pruned' as const, values: curve([0.1]) },
      { id: 13, index: 2, status: 'early-stopped' as const, values: curve([0.3, 0.35]) },
      { id: 14, index: 3, status: 'running' as const, values: curve([0.01]) },
      { id: 15, index: 4, status: 'completed' as const, values: curve([0.6]) },
    ];
    const { points, bestRunId } = optimizationHistory(runs, { monitor: 'val_loss', direction: 'minimize' });
    expect(points.map((p) => [p.runId, p.value, p.bestSoFar, p.complete])).toEqual([[11, 0.4, 0.4, true], [12, 0.1, 0.4, false], [13, 0.3, 0.3, true], [15, 0.6, 0.3, true]]);
    expect(bestRunId).toBe(13);
    const max = optimizationHistory(runs, { monitor: 'val_accuracy', direction: 'maximize' });
    expect(max.points.map((p) => p.bestSoFar)).toEqual([0.5, 0.5, 0.5, 0.6]);
  });
});
