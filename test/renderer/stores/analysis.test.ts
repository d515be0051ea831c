import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { ExperimentAnalysis, ExperimentSpec } from '../../../src-renderer/src/contract';
import { setApiClient } from '../../../src-renderer/src/stores/client';
import { useAnalysisStore } from '../../../src-renderer/src/stores/analysis';
import { useNewExperimentStore } from '../../../src-renderer/src/stores/new-experiment';
import { analysisGroupBy } from '../../../src-renderer/src/charts/analysis-groups';
import { fakeClient, type FakeClient } from '../fake-client';

const empty = (experimentId: number, runIds: number[]): ExperimentAnalysis => ({
  experimentId, runIds, criticalBatch: null, sharpness: [], seedStatistics: null, learningRateHint: null, lrRanges: [],
});

let client: FakeClient;
beforeEach(() => {
  setActivePinia(createPinia());
  client = fakeClient({});
  setApiClient(client);
});

describe('analysis store', () => {
  it('keeps only the answer to the latest request, and clears another experiment\'s at once', async () => {
    const store = useAnalysisStore();
    let release: () => void = () => undefined;
    client.handlers.getExperimentAnalysis = async (input) => {
      if (input.experimentId === 1) await new Promise<void>((r) => (release = r));
      return empty(input.experimentId, input.runIds ?? []);
    };
    const slow = store.loadExperiment(1, [1, 2], 'config');
    await store.loadExperiment(2, [5], 'batchSize');
    release();
    await slow;
    expect(store.experiment?.experimentId).toBe(2);
    expect(client.calls.at(-1)!.input).toEqual({ experimentId: 2, runIds: [5], groupBy: 'batchSize' });
    await store.loadExperiment(3, [], 'config');
    expect(store.experiment).toBeNull();
  });

  it('compare\'s "each run" grouping asks for configurations', () => {
    expect(analysisGroupBy('run')).toBe('config');
    expect(analysisGroupBy('batchSize')).toBe('batchSize');
  });
});

describe('"use this LR"', () => {
  it('fills the form with the test\'s spec, training at that learning rate and batch size', () => {
    const form = useNewExperimentStore();
    const spec = {
      name: 'lr range', notes: '', dataset: { id: 'mnist-10k' }, validation: { split: 0.2, seed: 0 }, model: { template: 'mlp', hidden: [128], activation: 'relu', dropout: 0 },
      search: { method: 'grid' }, params: { learningRate: 0.01, batchSize: [32, 256], epochs: 8, optimizer: 'adam', schedule: 'constant', weightDecay: 0, seed: [1, 2] },
      training: { dropLastBatch: false, shuffle: true, checkpoints: 'best-and-last', scheduleOptions: { stepEpochs: 5, gamma: 0.5, decayRate: 0.9, warmupEpochs: 1, minFactor: 0 } },
      analysis: { runType: 'lr-range-test', lrRange: { from: 1e-7, to: 10, iterations: 100, stopFactor: 4, smoothing: 0.98 } },
    } as unknown as ExperimentSpec;
    form.useLearningRate(spec, 'from the test', 0.00316, 256);
    expect(form.form.name).toBe('from the test');
    expect(form.form.params.learningRate).toBe('0.00316');
    expect(form.form.params.batchSize).toBe('256');
    expect(form.form.params.seed).toBe('1, 2');
    expect(form.form.analysis.runType).toBe('train');
    expect(form.built.spec).not.toHaveProperty('analysis');
  });
});
