import { describe, expect, it } from 'vitest';
import { ApiError, MAX_TRIALS, rangeValues, trialCountOf, type ExperimentSpecInput } from '../../../src-main/contract';
import { expandTrials, parseSpec, previewExperiment } from '../../../src-main/engine/search';
import type { DatasetInfo } from '../../../src-main/contract';

const base: ExperimentSpecInput = {
  name: 'sweep',
  dataset: { id: 'spiral' },
  model: { template: 'mlp' },
  params: { learningRate: 0.01, batchSize: 32, epochs: 2 },
};

function issuesOf(raw: unknown): Record<string, string> {
  try {
    parseSpec(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    return Object.fromEntries((e as ApiError).issues.map((i) => [i.path, i.message]));
  }
  throw new Error('spec was accepted');
}

const spiral: DatasetInfo = {
  id: 'spiral', name: 'Spiral', source: 'builtin', kind: 'synthetic-2d', inputShape: [2], numClasses: 3,
  classNames: ['0', '1', '2'], rows: 1050, classCounts: [350, 350, 350], description: '', fingerprint: null,
};

describe('spec validation', () => {
  it('fills defaults', () => {
    const spec = parseSpec({ name: 'x', dataset: { id: 'iris' }, model: { template: 'mlp' } });
    expect(spec.params.optimizer).toBe('adam');
    expect(spec.validation).toEqual({ split: 0.2, seed: 0 });
    expect(spec.search).toEqual({ method: 'grid' });
    expect(spec.training.dropLastBatch).toBe(false);
  });

  it.each([
    [{ learningRate: 0 }, 'params.learningRate'],
    [{ learningRate: -0.1 }, 'params.learningRate'],
    [{ learningRate: '0.1' }, 'params.learningRate'],
    [{ batchSize: 0 }, 'params.batchSize'],
    [{ batchSize: -1 }, 'params.batchSize'],
    [{ batchSize: 2.5 }, 'params.batchSize'],
    [{ epochs: 0 }, 'params.epochs'],
    [{ epochs: 1e9 }, 'params.epochs'],
    [{ optimizer: 'lbfgs' }, 'params.optimizer'],
    [{ nonsense: 1 }, 'params'],
  ])('refuses %j at %s', (params, path) => {
    const issues = issuesOf({ ...base, params: { ...base.params, ...params } });
    expect(Object.keys(issues).some((p) => p.startsWith(path))).toBe(true);
  });

  it('refuses NaN and Infinity (as JSON cannot carry them, they arrive from JS callers)', () => {
    expect(Object.keys(issuesOf({ ...base, params: { learningRate: Number.NaN } }))[0]).toMatch(/^params\.learningRate/);
    expect(Object.keys(issuesOf({ ...base, params: { learningRate: Infinity } }))[0]).toMatch(/^params\.learningRate/);
  });

  it('reports every bad field at once, with unknown keys named', () => {
    const issues = issuesOf({ ...base, extra: true, params: { learningRate: 0, batchSize: 0 } });
    expect(issues['(root)']).toMatch(/unknown key: extra/);
    expect(Object.keys(issues).filter((p) => p.startsWith('params.')).length).toBeGreaterThanOrEqual(2);
  });

  it('refuses a 10^6-trial grid before expanding it', () => {
    const issues = issuesOf({
      ...base,
      params: { learningRate: { from: 1e-5, to: 1, steps: 100, scale: 'log' }, batchSize: { from: 1, to: 1000, steps: 100 }, epochs: { from: 1, to: 100, steps: 100 } },
    });
    expect(issues.params).toMatch(/1,000,000 trials; the limit is/);
    expect(MAX_TRIALS).toBeLessThan(1e6);
  });

  it('refuses CNN-only fields on an MLP and val monitors without validation data', () => {
    const issues = issuesOf({ ...base, params: { ...base.params, kernelSize: [3, 5] }, validation: { split: 0 }, training: { earlyStopping: {} } });
    expect(issues['params.kernelSize']).toMatch(/only applies to the CNN/);
    expect(issues['training.earlyStopping.monitor']).toMatch(/needs a validation set/);
  });

  it('refuses log ranges through zero', () => {
    const issues = issuesOf({ ...base, params: { learningRate: { from: 0, to: 1, steps: 3, scale: 'log' } } });
    expect(issues['params.learningRate']).toMatch(/log range/);
  });
});

describe('search expansion', () => {
  it('linear and log ranges include both ends', () => {
    expect(rangeValues({ from: 0.1, to: 0.5, steps: 5, scale: 'linear' }, false)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(rangeValues({ from: 1e-4, to: 1e-1, steps: 4, scale: 'log' }, false)).toEqual([1e-4, 1e-3, 1e-2, 1e-1]);
    expect(rangeValues({ from: 16, to: 1024, steps: 7, scale: 'log' }, true)).toEqual([16, 32, 64, 128, 256, 512, 1024]);
  });

  it('grid is the cartesian product in a stable order, seeds fastest', () => {
    const spec = parseSpec({ ...base, params: { learningRate: [0.1, 0.01], batchSize: [16, 64], seed: [1, 2] } });
    const trials = expandTrials(spec);
    expect(trialCountOf(spec.params, spec.search)).toBe(8);
    expect(trials).toHaveLength(8);
    expect(trials.map((t) => [t.learningRate, t.batchSize, t.seed])).toEqual([
      [0.1, 16, 1], [0.1, 16, 2], [0.1, 64, 1], [0.1, 64, 2],
      [0.01, 16, 1], [0.01, 16, 2], [0.01, 64, 1], [0.01, 64, 2],
    ]);
    expect(expandTrials(spec)).toEqual(trials);
  });

  it('random search is seeded, reproducible, inside the ranges, and crosses seeds for repeats', () => {
    const spec = parseSpec({
      ...base,
      search: { method: 'random', trials: 20, seed: 7 },
      params: { learningRate: { from: 1e-4, to: 1, scale: 'log' }, batchSize: [16, 32, 64], weightDecay: { from: 0, to: 0.1 }, epochs: { from: 2, to: 9 }, seed: [1, 2] },
    });
    const a = expandTrials(spec);
    expect(a).toEqual(expandTrials(spec));
    expect(a).toHaveLength(40);
    for (const t of a) {
      expect(t.learningRate).toBeGreaterThanOrEqual(1e-4);
      expect(t.learningRate).toBeLessThanOrEqual(1);
      // Sampled continuously, printed sensibly: three significant digits, whole numbers for whole-number fields.
      expect(Number(t.learningRate.toPrecision(3))).toBe(t.learningRate);
      expect(Number(t.weightDecay.toPrecision(3))).toBe(t.weightDecay);
      expect(Number.isInteger(t.epochs) && t.epochs >= 2 && t.epochs <= 9).toBe(true);
      expect([16, 32, 64]).toContain(t.batchSize);
    }
    // Log-uniform: about as many samples below 1e-2 as above (a uniform draw would put 99 % above).
    const below = a.filter((t) => t.learningRate < 1e-2).length;
    expect(below).toBeGreaterThan(8);
    expect(below).toBeLessThan(32);
    const other = expandTrials(parseSpec({ ...spec, search: { method: 'random', trials: 20, seed: 8 } }));
    expect(other).not.toEqual(a);
  });

  it('random search picks among a range\'s values when it has steps', () => {
    const spec = parseSpec({ ...base, search: { method: 'random', trials: 30, seed: 1 }, params: { learningRate: { from: 1e-3, to: 1e-1, steps: 3, scale: 'log' } } });
    const values = new Set(expandTrials(spec).map((t) => t.learningRate));
    expect([...values].sort()).toEqual([1e-3, 1e-2, 1e-1]);
  });

  it('CNN trials carry default CNN fields', () => {
    const spec = parseSpec({ ...base, dataset: { id: 'mnist-10k' }, model: { template: 'cnn' }, params: { kernelSize: [3, 5], pooling: ['max', 'avg'] } });
    const trials = expandTrials(spec);
    expect(trials).toHaveLength(4);
    expect(trials[0]).toMatchObject({ filters: 8, kernelSize: 3, pooling: 'max', poolSize: 2 });
  });
});

describe('preview', () => {
  it('gives iterations per epoch, last batch and totals per batch size', () => {
    const spec = parseSpec({ ...base, validation: { split: 0 }, params: { batchSize: [100, 1050, 2000], epochs: [2, 3] } });
    const p = previewExperiment(spec, { train: spiral });
    expect(p.nTrain).toBe(1050);
    expect(p.trialCount).toBe(6);
    const b100 = p.batchSizes.find((b) => b.batchSize === 100);
    expect(b100).toMatchObject({ iterationsPerEpoch: 11, lastBatchSize: 50, totalIterations: [22, 33] });
    const b2000 = p.batchSizes.find((b) => b.batchSize === 2000);
    expect(b2000).toMatchObject({ effectiveBatchSize: 1050, iterationsPerEpoch: 1, lastBatchSize: 1050 });
    expect(p.warnings.join(' ')).toMatch(/larger than the 1050 training samples/);
    expect(p.totalIterations).toBe((11 + 1 + 1) * 5);
  });

  it('uses the stratified split size', () => {
    const spec = parseSpec({ ...base, validation: { split: 0.2 } });
    const p = previewExperiment(spec, { train: spiral });
    expect(p).toMatchObject({ nTrain: 840, nVal: 210 });
    expect(p.trials[0].accounting).toMatchObject({ iterationsPerEpoch: 27, lastBatchSize: 8 });
  });
});
