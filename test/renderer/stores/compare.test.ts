import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { experimentProgress, experimentSpecSchema, type ExperimentWithSpec, type RunSummary } from '../../../src-renderer/src/contract';
import { setApiClient } from '../../../src-renderer/src/stores/client';
import { RUNS_REFRESH_MS, useCompareStore } from '../../../src-renderer/src/stores/compare';
import { connectEvents } from '../../../src-renderer/src/stores/events';
import { defaultState } from '../../../src-renderer/src/compare/state';
import { makeRun } from '../fixtures';
import { fakeClient, type FakeClient } from '../fake-client';

const experiment = (id: number, name: string): ExperimentWithSpec => ({
  id, name, notes: '', tags: [], progress: experimentProgress({}), status: 'finished', createdAt: '', datasetId: 'spiral', template: 'mlp', trialCount: 2, counts: {}, bestValLoss: null, bestRunId: null,
  spec: experimentSpecSchema.parse({ name, dataset: { id: 'spiral' }, model: { template: 'mlp' } }),
});

let client: FakeClient;
let all: Map<number, RunSummary>;
beforeEach(() => {
  vi.useFakeTimers();
  setActivePinia(createPinia());
  all = new Map([makeRun(1, { seed: 1 }), makeRun(2, { seed: 2 }), makeRun(51, { seed: 1 }, { experimentId: 7 })].map((r) => [r.id, r]));
  client = fakeClient({
    getRuns: ({ runIds }) => {
      const runs = runIds.map((id) => all.get(id)).filter((r): r is RunSummary => !!r);
      const experiments = [...new Set(runs.map((r) => r.experimentId))].map((id) => experiment(id, id === 1 ? 'first' : 'second'));
      return { runs, experiments, missing: runIds.filter((id) => !all.has(id)) };
    },
  });
  setApiClient(client);
});
afterEach(() => vi.useRealTimers());

describe('compare store', () => {
  it('fetches the runs the state names, from any experiments, and names the experiments', async () => {
    const store = useCompareStore();
    store.setState({ ...defaultState(), runs: [51, 1, 999] });
    await store.loadRuns();
    expect(store.set.runs.map((r) => r.id)).toEqual([51, 1]);
    expect(store.missing).toEqual([999]);
    expect([...store.set.experimentNames.values()]).toEqual(['second', 'first']);
    // Adding a run fetches only that one.
    store.state.runs = [51, 1, 2];
    await store.loadRuns();
    expect(client.calls.filter((c) => c.method === 'getRuns').map((c) => c.input)).toEqual([{ runIds: [51, 1, 999] }, { runIds: [2] }]);
  });

  it('refreshes the summaries of selected runs once after a burst of status and epoch events', async () => {
    const store = useCompareStore();
    connectEvents(client);
    store.setState({ ...defaultState(), runs: [1, 2] });
    await store.loadRuns();
    all.set(1, { ...all.get(1)!, status: 'early-stopped' });
    client.emit({ type: 'run-status', experimentId: 1, runId: 1, status: 'early-stopped', error: null, endReason: 'early stopping: val_loss did not improve for 3 epochs' });
    client.emit({ type: 'run-epoch', experimentId: 1, runId: 2, metric: { epoch: 1, step: 1, trainLoss: 1, trainAccuracy: 0, valLoss: 1, valAccuracy: 0, learningRate: 0.1, seconds: 1, samplesSeen: 1, elapsedMs: 1 } });
    client.emit({ type: 'run-status', experimentId: 9, runId: 77, status: 'running', error: null, endReason: null });
    await vi.advanceTimersByTimeAsync(RUNS_REFRESH_MS + 10);
    expect(client.calls.filter((c) => c.method === 'getRuns')).toHaveLength(2);
    expect(store.set.runs[0].status).toBe('early-stopped');
  });
});
