// The study methods' inputs refused at the contract, before any service runs (docs/reliability.md S5).
import { describe, expect, it } from 'vitest';
import { ApiError, parseApiInput, experimentSpecSchema, resolveObjective } from '../../src-main/contract';

const refused = (input: unknown) => {
  try {
    parseApiInput('extendExperiment', input);
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    return (e as ApiError).issues;
  }
  throw new Error(`accepted ${JSON.stringify(input)}`);
};

describe('extendExperiment input', () => {
  it('accepts trials, or values per known hyperparameter as a value, a list or a range', () => {
    expect(parseApiInput('extendExperiment', { experimentId: 1, trials: 5 })).toEqual({ experimentId: 1, trials: 5 });
    const add = { learningRate: [0.1, 0.3], optimizer: 'sgd', batchSize: { from: 8, to: 64, steps: 4, scale: 'log' } };
    expect(parseApiInput('extendExperiment', { experimentId: 1, add }).add).toEqual(add);
  });

  it.each([
    [{ experimentId: 1, trials: 0 }, 'trials'],
    [{ experimentId: 1, trials: 2.5 }, 'trials'],
    [{ experimentId: 1, trials: 1e9 }, 'trials'],
    [{ experimentId: 1, trials: Number.NaN }, 'trials'],
    [{ experimentId: 1, add: {} }, 'add'],
    [{ experimentId: 1, add: { nonsense: [1] } }, 'add'],
    [{ experimentId: 1, add: JSON.parse('{"__proto__":[1]}') }, 'add'],
    [{ experimentId: 1, add: { learningRate: 'x'.repeat(101) } }, 'add.learningRate'],
    [{ experimentId: 1, add: { learningRate: Array.from({ length: 1001 }, (_, i) => i) } }, 'add.learningRate'],
    [{ experimentId: 1, add: { learningRate: [] } }, 'add.learningRate'],
    [{ experimentId: 1, add: { learningRate: { nested: { deeper: 1 } } } }, 'add.learningRate'],
    [{ experimentId: 1, extra: true }, '(root)'],
    [{ experimentId: -1, trials: 1 }, 'experimentId'],
  ])('refuses %j at %s', (input, path) => {
    expect(refused(input).some((i) => i.path.startsWith(path))).toBe(true);
    expect(({} as Record<string, unknown>)[0]).toBeUndefined();
  });
});

describe('study spec fields', () => {
  const base = { name: 'x', dataset: { id: 'iris' }, model: { template: 'mlp' } };
  it('fill Optuna\'s defaults and resolve the objective from the validation set', () => {
    const spec = experimentSpecSchema.parse({ ...base, search: { method: 'tpe', trials: 30 } });
    expect(spec.search).toEqual({ method: 'tpe', trials: 30, seed: 0, startupTrials: 10, candidates: 24, multivariate: true });
    expect(spec.pruning).toEqual({ method: 'none' });
    expect(resolveObjective(spec)).toEqual({ monitor: 'val_loss', direction: 'minimize' });
    expect(resolveObjective({ ...spec, validation: { split: 0, seed: 0 } })).toEqual({ monitor: 'train_loss', direction: 'minimize' });
    expect(resolveObjective({ ...spec, objective: { monitor: 'val_accuracy' } })).toEqual({ monitor: 'val_accuracy', direction: 'maximize' });
    expect(resolveObjective({ ...spec, objective: { monitor: 'val_accuracy', direction: 'minimize' } }).direction).toBe('minimize');
  });

  it('refuse unknown methods and bad pruner settings with their field named', () => {
    for (const [raw, path] of [
      [{ search: { method: 'bayes', trials: 3 } }, 'search'],
      [{ search: { method: 'tpe' } }, 'search.trials'],
      [{ pruning: { method: 'hyperband' } }, 'pruning'],
      [{ pruning: { method: 'asha', reductionFactor: 1 } }, 'pruning.reductionFactor'],
      [{ pruning: { method: 'median', warmupEpochs: -1 } }, 'pruning.warmupEpochs'],
      [{ objective: { monitor: 'f1' } }, 'objective.monitor'],
    ] as const) {
      const result = experimentSpecSchema.safeParse({ ...base, ...raw });
      expect(result.success, JSON.stringify(raw)).toBe(false);
      expect(result.error!.issues.map((i) => i.path.join('.')).some((p) => p.startsWith(path)), JSON.stringify(result.error!.issues)).toBe(true);
    }
  });
});
