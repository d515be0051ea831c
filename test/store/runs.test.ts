import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { openStore, type RunStore } from '../../src-main/store';
import { epochRow, iterationRows, makeRuns, makeSpec } from './helpers';

const started = { backend: { name: 'wasm' as const, version: '4.22.0', device: 'simd' }, datasetFingerprint: 'sha256:1234' };

describe('runs', () => {
  let store: RunStore;
  beforeEach(() => {
    store = openStore(':memory:');
  });
  afterEach(() => store.close());

  function twoRuns(): { experimentId: number; runIds: number[] } {
    const spec = makeSpec();
    return store.createExperiment(spec, makeRuns(spec));
  }

  test('getRun returns the config and a summary with params, accounting and nothing trained yet', () => {
    const spec = makeSpec();
    const runs = makeRuns(spec);
    const { runIds } = store.createExperiment(spec, runs);
    const got = store.getRun(runIds[1]);
    expect(got?.config).toEqual(runs[1].config);
    expect(got?.summary).toMatchObject({
      index: 1, status: 'queued', params: runs[1].config.params, accounting: runs[1].accounting, backend: null,
      datasetFingerprint: null, startedAt: null, endedAt: null, epochsDone: 0, stepsDone: 0, bestEpoch: null,
      bestValLoss: null, finalValLoss: null, seconds: null,
    });
    expect(store.getRun(9999)).toBeNull();
  });

  test('best values come from the best epoch, final values from the last, seconds sum the epochs', () => {
    const { runIds } = twoRuns();
    const id = runIds[0];
    store.markRunStarted(id, started);
    store.appendEpoch(id, epochRow(1, { valLoss: 0.8, valAccuracy: 0.7, trainLoss: 0.9, seconds: 1.5 }), 1);
    store.appendEpoch(id, epochRow(2, { valLoss: 0.5, valAccuracy: 0.8, trainLoss: 0.4, seconds: 2 }), 2);
    store.appendEpoch(id, epochRow(3, { valLoss: 0.6, valAccuracy: 0.79, trainLoss: 0.2, seconds: 2.5 }), 2);
    store.markRunEnded(id, { status: 'early-stopped', error: null, endReason: 'early stopping: test', bestEpoch: 2, divergedAtStep: null });
    const summary = store.getRun(id)?.summary;
    expect(summary).toMatchObject({
      status: 'early-stopped', backend: started.backend, datasetFingerprint: 'sha256:1234', epochsDone: 3, stepsDone: 33, bestEpoch: 2,
      bestValLoss: 0.5, bestValAccuracy: 0.8, bestTrainLoss: 0.4, finalValLoss: 0.6, finalValAccuracy: 0.79, finalTrainLoss: 0.2, seconds: 6,
      endReason: 'early stopping: test', error: null, tags: [], notes: '',
    });
    // It trained all 3 planned epochs, so there is no early stop epoch to mark.
    expect(summary?.stopEpoch).toBeNull();
    expect(summary?.startedAt).not.toBeNull();
    expect(summary?.endedAt).not.toBeNull();
  });

  test('without epoch rows, seconds is the time between start and end', async () => {
    const { runIds } = twoRuns();
    store.markRunStarted(runIds[0], started);
    await new Promise((resolve) => setTimeout(resolve, 30));
    store.markRunEnded(runIds[0], { status: 'failed', error: 'out of memory: reduce batch size', endReason: null, bestEpoch: null, divergedAtStep: null });
    const summary = store.getRun(runIds[0])?.summary;
    expect(summary?.error).toBe('out of memory: reduce batch size');
    expect(summary?.seconds).toBeGreaterThanOrEqual(0.02);
    expect(summary?.seconds).toBeLessThan(5);
  });

  test('a diverged run keeps the step where it diverged', () => {
    const { runIds } = twoRuns();
    store.markRunStarted(runIds[0], started);
    store.appendEpoch(runIds[0], epochRow(1), 1);
    store.markRunEnded(runIds[0], { status: 'diverged', error: null, endReason: 'loss became NaN at step 17', bestEpoch: null, divergedAtStep: 17 });
    // Stopped during epoch 2 of 3: the last epoch it finished is the stop epoch.
    expect(store.getRun(runIds[0])?.summary).toMatchObject({ status: 'diverged', divergedAtStep: 17, stopEpoch: 1, endReason: 'loss became NaN at step 17', error: null });
  });

  test('queuedRuns lists only what is left to train, in index order', () => {
    const spec = makeSpec();
    const { experimentId, runIds } = store.createExperiment(spec, makeRuns(spec, [8, 16, 32, 64]));
    store.markRunStarted(runIds[1], started);
    store.markRunEnded(runIds[1], { status: 'completed', error: null, endReason: null, bestEpoch: 3, divergedAtStep: null });
    store.markRunStarted(runIds[2], started);
    expect(store.queuedRuns(experimentId).map((r) => r.index)).toEqual([0, 3]);
  });

  test('status changes on a missing run or to a non-final status are refused', () => {
    expect(() => store.markRunStarted(42, started)).toThrow(/no run 42/);
    expect(() => store.markRunEnded(42, { status: 'completed', error: null, endReason: null, bestEpoch: null, divergedAtStep: null })).toThrow(/no run 42/);
    const { runIds } = twoRuns();
    const bad = { status: 'running', error: null, bestEpoch: null, divergedAtStep: null } as unknown as Parameters<RunStore['markRunEnded']>[1];
    expect(() => store.markRunEnded(runIds[0], bad)).toThrow(/cannot end with status running/);
  });

  test('interruptStaleRuns marks running runs interrupted and drops the claim of experiments with nothing queued', () => {
    const a = twoRuns();
    const b = twoRuns();
    // a: one run completed, one running -> interrupted (its interrupted run can be resumed), no longer claimed.
    store.markRunStarted(a.runIds[0], started);
    store.markRunEnded(a.runIds[0], { status: 'completed', error: null, endReason: null, bestEpoch: 1, divergedAtStep: null });
    store.markRunStarted(a.runIds[1], started);
    // b: one running, one still queued -> stays running so the rest of the grid can resume.
    store.markRunStarted(b.runIds[0], started);

    expect(store.interruptStaleRuns()).toBe(2);
    for (const id of [a.runIds[1], b.runIds[0]]) {
      const summary = store.getRun(id)?.summary;
      expect(summary?.status).toBe('interrupted');
      // An interruption is why the run ended, not a failure of the run.
      expect(summary?.endReason).toBe('the process stopped while this run was training');
      expect(summary?.error).toBeNull();
      expect(summary?.endedAt).not.toBeNull();
    }
    expect(store.getRun(a.runIds[0])?.summary.status).toBe('completed');
    expect(store.getExperiment(a.experimentId)?.summary.status).toBe('interrupted');
    expect(store.getExperiment(b.experimentId)?.summary.status).toBe('running');
    expect(store.interruptStaleRuns()).toBe(0);
  });

  test('requeueRun clears an interrupted run so it trains again from scratch, and refuses other runs', () => {
    const { experimentId, runIds } = twoRuns();
    const id = runIds[0];
    store.markRunStarted(id, started);
    store.appendIterations(id, iterationRows(1, 30));
    store.appendEpoch(id, epochRow(1), 1);
    store.addCheckpoint(id, { kind: 'best', epoch: 1, path: 'checkpoints/run-1/best', bytes: 100 });
    expect(() => store.requeueRun(id)).toThrow(/is running; only an interrupted or cancelled run/);
    store.interruptStaleRuns();
    store.requeueRun(id);
    expect(store.getRun(id)?.summary).toMatchObject({
      status: 'queued', error: null, startedAt: null, endedAt: null, epochsDone: 0, stepsDone: 0, bestEpoch: null, backend: null,
    });
    expect(store.getIterations(id)).toEqual([]);
    expect(store.getEpochs(id)).toEqual([]);
    expect(store.getCheckpoints(id)).toEqual([]);
    expect(store.queuedRuns(experimentId).map((r) => r.id)).toEqual(runIds);
    expect(() => store.requeueRun(777)).toThrow(/no run 777/);
  });

  test('requeueRun with resumeAfterEpoch keeps what was trained up to that epoch and drops the rest', () => {
    const { runIds } = twoRuns();
    const id = runIds[0];
    store.markRunStarted(id, started);
    store.appendIterations(id, iterationRows(1, 33)); // 3 epochs of 11 steps
    for (const epoch of [1, 2, 3]) store.appendEpoch(id, epochRow(epoch, { step: epoch * 11 }), epoch);
    store.addCheckpoint(id, { kind: 'best', epoch: 2, path: 'checkpoints/run-1/best', bytes: 100 });
    store.interruptStaleRuns();
    store.requeueRun(id, { epoch: 2, bestEpoch: 1 });
    expect(store.getRun(id)?.summary).toMatchObject({ status: 'queued', error: null, endedAt: null, epochsDone: 2, stepsDone: 22, bestEpoch: 1 });
    expect(store.getRun(id)?.summary.backend).not.toBeNull();
    expect(store.getEpochs(id).map((e) => e.epoch)).toEqual([1, 2]);
    expect(store.getIterations(id).at(-1)?.step).toBe(22);
    expect(store.getCheckpoints(id)).toHaveLength(1);
    // A cancelled run can be queued again too.
    store.markRunStarted(runIds[1], started);
    store.markRunEnded(runIds[1], { status: 'cancelled', error: null, endReason: 'cancelled by the user', bestEpoch: null, divergedAtStep: null });
    store.requeueRun(runIds[1]);
    expect(store.getRun(runIds[1])?.summary).toMatchObject({ status: 'queued', endReason: null, stopEpoch: null });
  });
});
