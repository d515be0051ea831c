// The spec schema is the one source of limits: a range obeys its field's limits, a search space is counted
// (never expanded) and refused over MAX_TRIALS, each refusal at the field to change (docs/reliability.md B3).
import { describe, expect, it } from 'vitest';
import {
  INTEGER_PARAMS, MAX_TRIALS, PARAM_ORDER, experimentSpecSchema, fieldIssues, paramsSchema, trialCountOf, type ExperimentSpecInput,
} from '../../src-main/contract';

const base: ExperimentSpecInput = { name: 'x', dataset: { id: 'moons' }, model: { template: 'mlp' } };

function issues(spec: unknown): Record<string, string> {
  const result = experimentSpecSchema.safeParse(spec);
  if (result.success) throw new Error('the spec was accepted');
  return Object.fromEntries(fieldIssues(result.error).map((i) => [i.path, i.message]));
}

describe('ranges obey the same limits as values and lists', () => {
  it.each([
    [{ learningRate: { from: -1, to: -0.1, steps: 3 } }, 'params.learningRate.from', /learning rate must be greater than 0/],
    [{ learningRate: { from: 0.1, to: 2e6, steps: 3 } }, 'params.learningRate.to', /learning rate must be at most 1000000/],
    [{ epochs: { from: 1, to: 1e9, steps: 3 } }, 'params.epochs.to', /epochs must be at most 10000/],
    [{ batchSize: { from: 2.5, to: 2.5 } }, 'params.batchSize.from', /batch size must be a whole number/],
    [{ batchSize: { from: -5, to: -1, steps: 2 } }, 'params.batchSize.from', /batch size must be at least 1/],
    [{ weightDecay: -5 }, 'params.weightDecay', /weight decay must be 0 or more/],
    [{ weightDecay: { from: -5, to: 0.1, steps: 2 } }, 'params.weightDecay.from', /weight decay must be 0 or more/],
    [{ seed: -3 }, 'params.seed', /seed must be 0 or more/],
    [{ seed: { from: -3, to: 3, steps: 7 } }, 'params.seed.from', /seed must be 0 or more/],
    [{ kernelSize: { from: 1, to: 99, steps: 3 } }, 'params.kernelSize.to', /kernel size must be at most 15/],
    [{ learningRate: { from: 0, to: 1, steps: 3, scale: 'log' } }, 'params.learningRate', /log range/],
    [{ batchSize: { from: 10, to: 12, steps: 5 } }, 'params.batchSize.steps', /repeat whole numbers; use at most 3/],
    [{ learningRate: { from: 0.1, to: 1, steps: 0 } }, 'params.learningRate.steps', /steps must be at least 1/],
    [{ learningRate: { from: 0.1, to: 1, steps: 3, scale: 'cubic' } }, 'params.learningRate.scale', /scale must be "linear" or "log"/],
    [{ learningRate: [0.1, 0.01, 0.1] }, 'params.learningRate', /0.1 is listed more than once/],
    [{ optimizer: ['adam', 'adam'] }, 'params.optimizer', /adam is listed more than once/],
    [{ learningRate: { from: 0.1, to: Number.NaN, steps: 2 } }, 'params.learningRate.to', /learning rate must be a finite number/],
    [{ epochs: { from: 1, to: Infinity, steps: 2 } }, 'params.epochs.to', /epochs must be/],
  ])('%j is refused at %s', (params, path, message) => {
    const found = issues({ ...base, params });
    expect(found[path], JSON.stringify(found)).toMatch(message);
  });

  it('whole-number fields are exactly INTEGER_PARAMS (2.5 refused there, accepted elsewhere)', () => {
    for (const name of PARAM_ORDER) {
      const shape = paramsSchema.shape[name];
      const numeric = shape.safeParse(1).success;
      if (!numeric) continue; // a choice
      expect(shape.safeParse(0.5).success && !INTEGER_PARAMS.has(name) || !shape.safeParse(0.5).success && INTEGER_PARAMS.has(name), name).toBe(true);
    }
  });
});

describe('search spaces are counted from field sizes and refused before anything is expanded', () => {
  const million = { learningRate: { from: 1e-5, to: 1, steps: 100, scale: 'log' as const }, batchSize: { from: 1, to: 1000, steps: 100 }, epochs: { from: 1, to: 100, steps: 100 } };

  it('a 10^6-trial grid', () => {
    expect(issues({ ...base, params: million }).params).toMatch(/this grid has 1,000,000 trials; the limit is 5000/);
  });

  it('a grid of 1000-value lists (10^33 trials) is counted, not multiplied out', () => {
    const list = Array.from({ length: 1000 }, (_, i) => i + 1);
    const found = issues({ ...base, params: { batchSize: list, epochs: list, seed: list, learningRate: list.map((i) => i / 1000) } });
    expect(found.params).toMatch(/this grid has 1,000,000,000,000 trials/);
  });

  it('random search: trials × seeds', () => {
    const found = issues({ ...base, search: { method: 'random', trials: 5000, seed: 0 }, params: { seed: [1, 2, 3] } });
    expect(found['search.trials']).toBe(`5000 trials × 3 seeds is 15,000 trials; the limit is ${MAX_TRIALS}`);
    const ok = experimentSpecSchema.parse({ ...base, search: { method: 'random', trials: 1000, seed: 0 }, params: { ...million, seed: [1, 2, 3] } });
    expect(trialCountOf(ok.params, ok.search)).toBe(3000);
  });

  it('a grid needs a step count; random search samples a range without one (but seeds need fixed values)', () => {
    const grid = issues({ ...base, params: { learningRate: { from: 1e-4, to: 0.1, scale: 'log' } } });
    expect(grid['params.learningRate.steps']).toMatch(/a grid needs a step count: how many values from 0.0001 to 0.1/);
    const random = experimentSpecSchema.safeParse({ ...base, search: { method: 'random', trials: 10 }, params: { learningRate: { from: 1e-4, to: 0.1, scale: 'log' }, epochs: { from: 1, to: 5 } } });
    expect(random.success).toBe(true);
    const seeds = issues({ ...base, search: { method: 'random', trials: 10 }, params: { seed: { from: 1, to: 5 } } });
    expect(seeds['params.seed.steps']).toMatch(/a grid needs a step count/);
  });
});
