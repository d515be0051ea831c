import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { nextTick } from 'vue';
import { ApiError, iterationAccounting, type ExperimentPreview, type ExperimentSpecInput } from '../../../src-renderer/src/contract';
import { setApiClient } from '../../../src-renderer/src/stores/client';
import { PREVIEW_DEBOUNCE_MS, useNewExperimentStore } from '../../../src-renderer/src/stores/new-experiment';
import { fakeClient, type FakeClient } from '../fake-client';

const dataset = { id: 'spiral', name: 'Spiral', source: 'builtin' as const, kind: 'synthetic-2d' as const, inputShape: [2], numClasses: 3, classNames: ['a', 'b', 'c'], rows: 1312, classCounts: [438, 437, 437], description: '', fingerprint: null };

function previewFor(spec: ExperimentSpecInput): ExperimentPreview {
  const sizes = Array.isArray(spec.params?.batchSize) ? (spec.params?.batchSize as number[]) : [spec.params?.batchSize as number];
  return {
    trialCount: sizes.length,
    proposed: false,
    batchSizeRange: null,
    nTrain: 1050,
    nVal: 262,
    dataset,
    trials: [],
    batchSizes: sizes.map((b) => {
      const a = iterationAccounting(1050, b, 10);
      return { batchSize: b, effectiveBatchSize: a.effectiveBatchSize, iterationsPerEpoch: a.iterationsPerEpoch, lastBatchSize: a.lastBatchSize, totalIterations: [a.totalIterations] };
    }),
    warnings: [],
    totalIterations: 0,
  };
}

let client: FakeClient;
beforeEach(() => {
  vi.useFakeTimers();
  setActivePinia(createPinia());
  client = fakeClient({ previewExperiment: ({ spec }) => previewFor(spec) });
  setApiClient(client);
});
afterEach(() => vi.useRealTimers());

async function settle() {
  await nextTick();
  await vi.advanceTimersByTimeAsync(PREVIEW_DEBOUNCE_MS + 10);
}

describe('new experiment store', () => {
  it('previews once per burst of typing, and only then allows Run', async () => {
    const store = useNewExperimentStore();
    store.form.dataset.id = 'spiral';
    expect(store.canRun).toBe(false);
    store.form.params.batchSize = '1';
    await nextTick();
    store.form.params.batchSize = '10';
    await nextTick();
    store.form.params.batchSize = '100, 1050';
    await settle();
    expect(client.calls.filter((c) => c.method === 'previewExperiment')).toHaveLength(1);
    expect(store.preview?.batchSizes.map((b) => [b.batchSize, b.iterationsPerEpoch, b.lastBatchSize])).toEqual([[100, 11, 50], [1050, 1, 1050]]);
    expect(store.canRun).toBe(true);
    // Typing again makes the preview stale: Run waits for the new answer.
    store.form.params.batchSize = '100, 200';
    await nextTick();
    expect(store.canRun).toBe(false);
    await settle();
    expect(store.canRun).toBe(true);
  });

  it('explains unreadable text at the field without asking the server', async () => {
    const store = useNewExperimentStore();
    store.form.dataset.id = 'spiral';
    store.form.params.learningRate = '0.1 ..';
    await settle();
    expect(client.calls).toHaveLength(0);
    expect(store.fieldErrors['params.learningRate']?.[0]).toMatch(/range/);
    expect(store.canRun).toBe(false);
  });

  it('maps server issues to fields and keeps Run disabled', async () => {
    client.handlers.previewExperiment = () => {
      throw new ApiError('invalid', 'bad', [{ path: 'spec.params.batchSize.1', message: 'batch size 2000 is larger than N' }, { path: 'params', message: 'too many trials' }]);
    };
    const store = useNewExperimentStore();
    store.form.dataset.id = 'spiral';
    store.form.params.batchSize = '16, 2000';
    await settle();
    expect(store.fieldErrors['params.batchSize']).toEqual(['batch size 2000 is larger than N']);
    expect(store.fieldErrors.params).toEqual(['too many trials']);
    expect(store.canRun).toBe(false);
  });

  it('shows every field’s error at once and never sends the server a spec the schema refuses', async () => {
    const store = useNewExperimentStore();
    store.form.dataset.id = 'spiral';
    store.form.name = ' ';
    store.form.params.batchSize = '16, 0';
    store.form.params.learningRate = '1e9';
    store.form.params.optimizer = 'adamw';
    store.form.earlyStopping.enabled = true;
    store.form.earlyStopping.patience = 0;
    await settle();
    expect(client.calls.filter((c) => c.method === 'previewExperiment')).toHaveLength(0);
    expect(Object.keys(store.fieldErrors).sort()).toEqual(['name', 'params.batchSize', 'params.learningRate', 'params.optimizer', 'training.earlyStopping.patience']);
    expect(store.canRun).toBe(false);
    // Fixing them all sends one preview.
    store.form.name = 'ok';
    store.form.params.batchSize = '16';
    store.form.params.learningRate = '0.01';
    store.form.params.optimizer = 'adam';
    store.form.earlyStopping.patience = 3;
    await settle();
    expect(client.calls.filter((c) => c.method === 'previewExperiment')).toHaveLength(1);
    expect(store.canRun).toBe(true);
  });

  it('reset gives a fresh form with the schema defaults, dropping a copied spec', async () => {
    const store = useNewExperimentStore();
    store.useSpec({ name: 'x', dataset: { id: 'iris' }, model: { template: 'cnn' }, params: { batchSize: [8, 16] } }, 'copy of x');
    expect(store.form.template).toBe('cnn');
    store.reset();
    expect(store.form.template).toBe('mlp');
    expect(store.form.params.batchSize).toBe('32');
    expect(store.form.dataset.id).toBe('');
    expect(store.form.name).toMatch(/^Experiment \d{4}-/);
    expect(store.preview).toBeNull();
  });

  it('ignores an answer that arrives after a newer one was asked for', async () => {
    const resolvers: Array<(p: ExperimentPreview) => void> = [];
    client.handlers.previewExperiment = () => new Promise<ExperimentPreview>((r) => resolvers.push(r));
    const store = useNewExperimentStore();
    store.form.dataset.id = 'spiral';
    store.form.params.batchSize = '16';
    await settle();
    store.form.params.batchSize = '32';
    await settle();
    expect(resolvers).toHaveLength(2);
    resolvers[1](previewFor({ params: { batchSize: 32 } } as ExperimentSpecInput));
    await vi.advanceTimersByTimeAsync(0);
    resolvers[0](previewFor({ params: { batchSize: 16 } } as ExperimentSpecInput));
    await vi.advanceTimersByTimeAsync(0);
    expect(store.preview?.batchSizes[0].batchSize).toBe(32);
    expect(store.canRun).toBe(true);
  });

  it('shows a failure that is not about the spec, and submits the spec it previewed', async () => {
    const store = useNewExperimentStore();
    store.form.dataset.id = 'spiral';
    client.handlers.previewExperiment = () => { throw new Error('boom'); };
    await store.previewNow();
    expect(store.previewError).toBe('boom');
    expect(store.canRun).toBe(false);
    client.handlers.previewExperiment = ({ spec }) => previewFor(spec);
    await store.previewNow();
    expect(store.canRun).toBe(true);
    client.handlers.createExperiment = ({ spec }) => ({ id: 9, name: spec.name } as never);
    const created = await store.submit();
    expect(created.id).toBe(9);
    expect((client.calls.at(-1)?.input as { spec: ExperimentSpecInput }).spec).toEqual(store.built.spec);
  });

  it('loads a spec file, reporting bad JSON, and writes the same JSON back', () => {
    const store = useNewExperimentStore();
    expect(store.loadSpecText('{nope')).toBe(false);
    expect(store.loadWarnings[0]).toMatch(/not valid JSON/);
    const spec = { name: 'from file', dataset: { id: 'iris' }, model: { template: 'mlp', hidden: [8] }, params: { batchSize: [8, 16], learningRate: { from: 0.001, to: 0.1, steps: 3, scale: 'log' } } };
    expect(store.loadSpecText(JSON.stringify(spec))).toBe(true);
    expect(store.form.params.learningRate).toBe('0.001 .. 0.1 × 3 log');
    const saved = JSON.parse(store.specJson());
    expect(saved.params.batchSize).toEqual([8, 16]);
    expect(saved.params.learningRate).toEqual({ from: 0.001, to: 0.1, steps: 3, scale: 'log' });
    expect(saved.model.hidden).toEqual([8]);
  });

  it('picks a dataset when none is chosen, preferring the spiral', () => {
    const store = useNewExperimentStore();
    store.ensureDataset([{ ...dataset, id: 'iris' }, dataset]);
    expect(store.form.dataset.id).toBe('spiral');
    store.ensureDataset([{ ...dataset, id: 'iris' }]);
    expect(store.form.dataset.id).toBe('spiral');
  });
});
