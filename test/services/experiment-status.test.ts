// The experiment status and progress people read, derived by the services from the runs (issue 7 item 5,
// issue 10 item 7), and tags and notes on runs and experiments.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, MAX_TAGS, experimentSpecSchema, iterationAccounting, type ExperimentSpec } from '../../src-main/contract';
import { openStore } from '../../src-main/store';
import { databasePath } from '../../src-main/services/data-dir';
import { openServices, rawCall, tempDataDir } from './harness';

let data: ReturnType<typeof tempDataDir>;
beforeEach(() => {
  data = tempDataDir();
});
afterEach(() => data.cleanup());

function spec(): ExperimentSpec {
  return experimentSpecSchema.parse({ name: 'leftovers', dataset: { id: 'spiral' }, model: { template: 'mlp' }, params: { batchSize: [10, 20, 40], epochs: 5 } });
}

/** Writes an experiment of 3 trials as a process that died mid-run leaves it: one completed, one running, one queued. */
function crashedExperiment(): { experimentId: number; runIds: number[]; planned: number; done: number } {
  const store = openStore(databasePath(data.dir));
  const s = spec();
  const runs = [10, 20, 40].map((batchSize, index) => ({
    index,
    config: { params: { learningRate: 0.01, batchSize, epochs: 5, optimizer: 'adam' as const, schedule: 'constant' as const, weightDecay: 0, seed: 1 }, model: s.model, dataset: s.dataset, validation: s.validation, training: s.training },
    accounting: iterationAccounting(400, batchSize, 5),
  }));
  const { experimentId, runIds } = store.createExperiment(s, runs);
  store.setExperimentStatus(experimentId, 'running');
  const backend = { name: 'cpu' as const, version: 'x', device: 'cpu' };
  store.markRunStarted(runIds[0], { backend, datasetFingerprint: 'f' });
  for (let e = 1; e <= 5; e++) store.appendEpoch(runIds[0], { epoch: e, step: e * 40, trainLoss: 1, trainAccuracy: 0.5, valLoss: 1, valAccuracy: 0.5, learningRate: 0.01, seconds: 1, samplesSeen: e * 400, elapsedMs: e * 1000 }, 1);
  store.markRunEnded(runIds[0], { status: 'completed', error: null, endReason: null, bestEpoch: 1, divergedAtStep: null });
  store.markRunStarted(runIds[1], { backend, datasetFingerprint: 'f' });
  store.appendEpoch(runIds[1], { epoch: 1, step: 20, trainLoss: 1, trainAccuracy: 0.5, valLoss: 1, valAccuracy: 0.5, learningRate: 0.01, seconds: 1, samplesSeen: 400, elapsedMs: 1000 }, 1);
  store.close();
  const planned = runs.reduce((n, r) => n + r.accounting.totalIterations, 0);
  return { experimentId, runIds, planned, done: 200 + 20 };
}

describe('experiment status and progress, derived from the runs', () => {
  it('after a crash: interrupted (not finished), the planned total as denominator, and resume offered', async () => {
    const { experimentId, runIds, planned, done } = crashedExperiment();
    const services = await openServices(data.dir);
    try {
      const detail = await services.api.getExperiment({ experimentId });
      expect(detail.runs.map((r) => r.status)).toEqual(['completed', 'interrupted', 'queued']);
      expect(detail.status).toBe('interrupted');
      expect(detail.progress).toEqual({
        trials: 3, endedTrials: 1, unfinishedTrials: 2, plannedIterations: planned, doneIterations: done, skippedIterations: 0,
        fraction: done / planned, etaSeconds: null,
      });
      // The interruption is the run's end reason, not an error; it stopped after the epoch it had finished.
      expect(detail.runs[1]).toMatchObject({ error: null, endReason: 'the process stopped while this run was training', stopEpoch: 1 });
      expect((await services.api.listExperiments({}))[0]).toMatchObject({ id: experimentId, status: 'interrupted', progress: detail.progress });
      expect(runIds).toHaveLength(3);
    } finally {
      await services.close();
    }
  });

  it('an experiment whose leftovers are only queued (the process died between trials) is interrupted too', async () => {
    const store = openStore(databasePath(data.dir));
    const s = spec();
    const { experimentId } = store.createExperiment(s, [{ index: 0, config: { params: { learningRate: 0.01, batchSize: 10, epochs: 5, optimizer: 'adam', schedule: 'constant', weightDecay: 0, seed: 1 }, model: s.model, dataset: s.dataset, validation: s.validation, training: s.training }, accounting: iterationAccounting(400, 10, 5) }]);
    store.setExperimentStatus(experimentId, 'running');
    // While the process that claimed it lives, queued runs mean it is running.
    expect(store.getExperiment(experimentId)?.summary.status).toBe('running');
    store.close();
    const services = await openServices(data.dir);
    try {
      expect((await services.api.getExperiment({ experimentId })).status).toBe('interrupted');
    } finally {
      await services.close();
    }
  });
});

describe('tags and notes', () => {
  it('adds and removes tags on runs and experiments, keeps notes, and refuses what is not a tag', async () => {
    const { experimentId, runIds } = crashedExperiment();
    const services = await openServices(data.dir);
    try {
      expect(await services.api.tagRun({ runId: runIds[0], add: ['baseline', 'Best', 'baseline'], remove: [] })).toEqual({ tags: ['baseline', 'best'] });
      expect(await services.api.tagRun({ runId: runIds[0], add: ['v2'], remove: ['best'] })).toEqual({ tags: ['baseline', 'v2'] });
      expect(await services.api.tagExperiment({ experimentId, add: ['sweep'], remove: [] })).toEqual({ tags: ['sweep'] });
      await services.api.setRunNotes({ runId: runIds[0], notes: 'lr too high?\nsee run 2' });
      await services.api.setExperimentNotes({ experimentId, notes: '<img src=x onerror=alert(1)>' });
      const detail = await services.api.getExperiment({ experimentId });
      expect(detail).toMatchObject({ tags: ['sweep'], notes: '<img src=x onerror=alert(1)>' });
      expect(detail.runs[0]).toMatchObject({ tags: ['baseline', 'v2'], notes: 'lr too high?\nsee run 2' });

      for (const bad of [['two words'], ['a:b'], [''], ['x'.repeat(41)], ['"q"'], ['tab\tx']]) {
        await expect(rawCall(services, 'tagRun', { runId: runIds[0], add: bad })).rejects.toMatchObject({ code: 'invalid' });
      }
      await expect(rawCall(services, 'setRunNotes', { runId: runIds[0], notes: 'x'.repeat(10_001) })).rejects.toMatchObject({ code: 'invalid' });
      await expect(rawCall(services, 'setRunNotes', { runId: runIds[0], notes: 'bell\u0007' })).rejects.toMatchObject({ code: 'invalid' });
      await expect(services.api.tagRun({ runId: 999, add: ['x'], remove: [] })).rejects.toMatchObject({ code: 'not-found' });
      const many = Array.from({ length: MAX_TAGS }, (_, i) => `t${i}`);
      const error = await services.api.tagRun({ runId: runIds[1], add: many, remove: [] }).then(() => null, (e: unknown) => e);
      expect(error).toBeNull();
      const over = await services.api.tagRun({ runId: runIds[1], add: ['one-more'], remove: [] }).then(() => null, (e: unknown) => e);
      expect(over).toBeInstanceOf(ApiError);
      expect((over as ApiError).message).toMatch(`at most ${MAX_TAGS} tags`);
      // Nothing changed by the refused call.
      expect((await services.api.getRun({ runId: runIds[1] })).tags).toEqual(many);
    } finally {
      await services.close();
    }
  });
});
