import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { openStore, type RunStore } from '../../src-main/store';
import { epochRow, iterationRows, makeRuns, makeSpec, tempDir } from './helpers';

const backend = { backend: { name: 'cpu' as const, version: '4.22.0', device: 'test' }, datasetFingerprint: 'abc' };

describe('experiments', () => {
  let dir: string;
  let cleanup: () => void;
  let file: string;
  let store: RunStore;
  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
    file = path.join(dir, 'epochlab.sqlite');
    store = openStore(file);
  });
  afterEach(() => {
    store.close();
    cleanup();
  });

  test('createExperiment stores the spec and queued runs; getExperiment returns both', () => {
    const spec = makeSpec();
    const { experimentId, runIds } = store.createExperiment(spec, makeRuns(spec, [32, 100, 1050]));
    expect(runIds).toHaveLength(3);
    const got = store.getExperiment(experimentId);
    expect(got?.spec).toEqual(spec);
    expect(got?.summary).toMatchObject({
      id: experimentId, name: 'batch sweep', notes: spec.notes, status: 'running', datasetId: 'spiral', template: 'mlp',
      trialCount: 3, counts: { queued: 3 }, bestValLoss: null, bestRunId: null,
    });
    expect(Date.parse(got?.summary.createdAt ?? '')).not.toBeNaN();
    expect(store.listRuns(experimentId).map((r) => [r.index, r.params.batchSize, r.status])).toEqual([
      [0, 32, 'queued'], [1, 100, 'queued'], [2, 1050, 'queued'],
    ]);
    expect(store.getExperiment(experimentId + 99)).toBeNull();
  });

  test('summaries count runs per status and name the run with the lowest best validation loss', () => {
    const spec = makeSpec();
    const { experimentId, runIds } = store.createExperiment(spec, makeRuns(spec, [32, 100, 200]));
    store.createExperiment(makeSpec('second'), []);
    for (const [i, runId] of runIds.slice(0, 2).entries()) {
      store.markRunStarted(runId, backend);
      store.appendEpoch(runId, epochRow(1, { valLoss: 0.9 - i * 0.3 }), 1);
      store.appendEpoch(runId, epochRow(2, { valLoss: 0.95 }), 1);
    }
    store.markRunEnded(runIds[0], { status: 'completed', error: null, endReason: null, bestEpoch: 1, divergedAtStep: null });

    const [second, first] = store.listExperiments();
    expect(second).toMatchObject({ name: 'second', trialCount: 0, counts: {}, bestRunId: null });
    expect(first.counts).toEqual({ completed: 1, running: 1, queued: 1 });
    expect(first.status).toBe('running');
    // Planned: 3 epochs × ceil(840 / B) for B = 32, 100, 200; done: 2 epochs of 11 steps each (epochRow).
    const planned = 3 * (27 + 9 + 5);
    expect(first.progress).toEqual({
      trials: 3, endedTrials: 1, unfinishedTrials: 2, plannedIterations: planned, doneIterations: 44, skippedIterations: 3 * 27 - 22,
      fraction: (44 + 3 * 27 - 22) / planned, etaSeconds: null,
    });
    expect(first.bestRunId).toBe(runIds[1]);
    expect(first.bestValLoss).toBeCloseTo(0.6);
    expect(store.getExperiment(experimentId)?.summary).toEqual(first);
  });

  test('a diverged run is never the experiment best, even with the lowest validation loss (docs/reliability.md F1)', () => {
    const spec = makeSpec();
    const { experimentId, runIds } = store.createExperiment(spec, makeRuns(spec, [32, 100]));
    for (const [runId, valLoss, status] of [[runIds[0], 0.2, 'diverged'], [runIds[1], 0.7, 'completed']] as const) {
      store.markRunStarted(runId, backend);
      store.appendEpoch(runId, epochRow(1, { valLoss }), 1);
      store.markRunEnded(runId, { status, error: null, endReason: status === 'diverged' ? 'loss exploded' : null, bestEpoch: 1, divergedAtStep: status === 'diverged' ? 11 : null });
    }
    const { summary } = store.getExperiment(experimentId)!;
    expect(summary).toMatchObject({ bestRunId: runIds[1], bestValLoss: 0.7 });
    expect(store.listExperiments().find((e) => e.id === experimentId)).toMatchObject({ bestRunId: runIds[1] });
  });

  test('setExperimentStatus changes the stored status and refuses an unknown experiment', () => {
    const { experimentId } = store.createExperiment(makeSpec(), []);
    store.setExperimentStatus(experimentId, 'finished');
    expect(store.getExperiment(experimentId)?.summary.status).toBe('finished');
    expect(() => store.setExperimentStatus(experimentId + 1, 'finished')).toThrow(/no experiment/);
  });

  test('deleteExperiment removes runs, metrics and checkpoints and returns the checkpoint paths', () => {
    const spec = makeSpec();
    const keep = store.createExperiment(makeSpec('keep'), makeRuns(spec, [10]));
    const { experimentId, runIds } = store.createExperiment(spec, makeRuns(spec));
    for (const runId of [...runIds, keep.runIds[0]]) {
      store.appendIterations(runId, iterationRows(1, 50));
      store.appendEpoch(runId, epochRow(1), 1);
      store.addCheckpoint(runId, { kind: 'best', epoch: 1, path: `checkpoints/run-${runId}/best`, bytes: 10 });
      store.addCheckpoint(runId, { kind: 'last', epoch: 1, path: `checkpoints/run-${runId}/last`, bytes: 10 });
    }
    const result = store.deleteExperiment(experimentId);
    expect(result.deleted).toBe(true);
    expect(result.checkpointPaths.sort()).toEqual(runIds.flatMap((id) => [`checkpoints/run-${id}/best`, `checkpoints/run-${id}/last`]).sort());
    expect(store.getExperiment(experimentId)).toBeNull();
    expect(store.getRun(runIds[0])).toBeNull();

    const db = new Database(file, { readonly: true });
    const count = (table: string) => db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get();
    expect([count('runs'), count('iteration_metrics'), count('epoch_metrics'), count('checkpoints')]).toEqual([1, 50, 1, 2]);
    db.close();
    expect(store.getIterations(keep.runIds[0])).toHaveLength(50);
    expect(store.deleteExperiment(experimentId)).toEqual({ deleted: false, checkpointPaths: [] });
  });
});
