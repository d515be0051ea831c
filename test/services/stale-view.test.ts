// No run is shown `running` when nothing trains it (docs/reliability.md E8): readers show a dead process's
// runs as interrupted, a training process shows an end it could not write, and live runs are left alone.
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src-main/store';
import { readerLiveness, showingTrueStatuses } from '../../src-main/services/stale-view';
import { makeRuns, makeSpec } from '../store/helpers';

const backend = { name: 'cpu' as const, version: '4', device: 'cpu' };

function storeWithTwoRunning() {
  const store = openStore(':memory:');
  const spec = makeSpec();
  const { experimentId, runIds } = store.createExperiment(spec, makeRuns(spec, [32, 100, 200]));
  store.setExperimentStatus(experimentId, 'running');
  for (const id of runIds.slice(0, 2)) store.markRunStarted(id, { backend, datasetFingerprint: 'f' });
  return { store, experimentId, runIds };
}

describe('showingTrueStatuses', () => {
  it('leaves a live trainer\'s runs as they are', () => {
    const { store, experimentId } = storeWithTwoRunning();
    const view = showingTrueStatuses(store, readerLiveness(() => true));
    expect(view.listRuns(experimentId).map((r) => r.status)).toEqual(['running', 'running', 'queued']);
    expect(view.getExperiment(experimentId)?.summary.status).toBe('running');
  });

  it('shows the runs of a process that is gone as interrupted, and writes nothing', () => {
    const { store, experimentId, runIds } = storeWithTwoRunning();
    const view = showingTrueStatuses(store, readerLiveness(() => false));
    // The interruption is why they ended, not an error of theirs.
    expect(view.listRuns(experimentId).map((r) => [r.status, r.endReason, r.error])).toEqual([
      ['interrupted', 'the process stopped while this run was training', null],
      ['interrupted', 'the process stopped while this run was training', null],
      ['queued', null, null],
    ]);
    expect(view.getRun(runIds[0])?.summary.status).toBe('interrupted');
    const [summary] = view.listExperiments();
    expect(summary.status).toBe('interrupted');
    expect(summary.counts).toEqual({ interrupted: 2, queued: 1 });
    expect(summary.progress).toMatchObject({ trials: 3, endedTrials: 0, unfinishedTrials: 3 });
    expect(store.listRuns(experimentId).map((r) => r.status)).toEqual(['running', 'running', 'queued']); // unchanged underneath
  });

  it('shows the end a training process saw but could not write', () => {
    const { store, experimentId, runIds } = storeWithTwoRunning();
    const view = showingTrueStatuses(store, {
      runIsLive: (id) => id === runIds[1],
      experimentIsLive: () => false,
      unsavedEnd: (id) => (id === runIds[0] ? { status: 'failed', error: 'the disk is full (…)', endReason: null } : undefined),
    });
    expect(view.listRuns(experimentId).map((r) => r.status)).toEqual(['failed', 'running', 'queued']);
    expect(view.getExperiment(experimentId)?.summary.counts).toEqual({ failed: 1, running: 1, queued: 1 });
  });

  it('counts a run that failed only for a full disk as unfinished: the experiment is interrupted, resumable', () => {
    const { store, experimentId, runIds } = storeWithTwoRunning();
    store.markRunEnded(runIds[0], { status: 'failed', error: 'the disk is full (ENOSPC); free some space, then resume the experiment', endReason: null, bestEpoch: null, divergedAtStep: null });
    store.markRunEnded(runIds[1], { status: 'completed', error: null, endReason: null, bestEpoch: null, divergedAtStep: null });
    store.markRunStarted(runIds[2], { backend, datasetFingerprint: 'f' });
    store.markRunEnded(runIds[2], { status: 'failed', error: 'out of memory', endReason: null, bestEpoch: null, divergedAtStep: null });
    store.setExperimentStatus(experimentId, 'finished');
    const summary = store.getExperiment(experimentId)!.summary;
    expect(summary.status).toBe('interrupted');
    expect(summary.counts).toEqual({ failed: 2, completed: 1 });
    expect(summary.progress).toMatchObject({ trials: 3, endedTrials: 2, unfinishedTrials: 1 });
    // The same from run summaries (a reader's view), without SQL.
    const view = showingTrueStatuses(store, readerLiveness(() => false));
    expect(view.getExperiment(experimentId)?.summary.status).toBe('interrupted');
  });
});
