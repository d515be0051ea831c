// What studies need from the store: runs added to an existing experiment, a grown spec, one monitor's values.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { openStore, type RunStore } from '../../src-main/store';
import { epochRow, makeRuns, makeSpec } from './helpers';

const backend = { backend: { name: 'cpu' as const, version: '4.22.0', device: 'test' }, datasetFingerprint: 'abc' };

describe('store: studies', () => {
  let store: RunStore;
  beforeEach(() => {
    store = openStore(':memory:');
  });
  afterEach(() => store.close());

  test('addRuns appends queued runs after the stored ones; a taken index or a missing experiment changes nothing', () => {
    const spec = makeSpec();
    const { experimentId } = store.createExperiment(spec, makeRuns(spec, [32]));
    const more = makeRuns(spec, [64, 128]).map((r, i) => ({ ...r, index: i + 1 }));
    const ids = store.addRuns(experimentId, more);
    expect(ids).toHaveLength(2);
    expect(store.listRuns(experimentId).map((r) => [r.index, r.params.batchSize, r.status])).toEqual([[0, 32, 'queued'], [1, 64, 'queued'], [2, 128, 'queued']]);
    expect(() => store.addRuns(experimentId, [{ ...more[0], index: 0 }])).toThrow(/UNIQUE/);
    expect(() => store.addRuns(experimentId + 9, more)).toThrow(/no experiment/);
    expect(store.listRuns(experimentId)).toHaveLength(3);
    expect(store.getExperiment(experimentId)?.summary.trialCount).toBe(3);
  });

  test('addRuns with a grown spec replaces the spec in the same transaction', () => {
    const spec = makeSpec();
    const { experimentId } = store.createExperiment(spec, makeRuns(spec));
    const grown = { ...spec, search: { method: 'random' as const, trials: 9, seed: 0 } };
    expect(store.addRuns(experimentId, [], grown)).toEqual([]);
    expect(store.getExperiment(experimentId)?.spec).toEqual(grown);
    // A failing insert leaves the old spec.
    const bigger = { ...grown, search: { ...grown.search, trials: 10 } };
    expect(() => store.addRuns(experimentId, makeRuns(spec, [8]), bigger)).toThrow(/UNIQUE/);
    expect(store.getExperiment(experimentId)?.spec).toEqual(grown);
  });

  test('getMonitorValues reads one column for every run of the experiment, nulls kept', () => {
    const spec = makeSpec();
    const { experimentId, runIds } = store.createExperiment(spec, makeRuns(spec));
    const other = store.createExperiment(spec, makeRuns(spec)).runIds[0];
    for (const id of [...runIds, other]) store.markRunStarted(id, backend);
    store.appendEpoch(runIds[0], epochRow(1, { valLoss: 0.9 }), 1);
    store.appendEpoch(runIds[0], epochRow(2, { valLoss: null }), 1);
    store.appendEpoch(runIds[1], epochRow(1, { valAccuracy: 0.7 }), 1);
    store.appendEpoch(other, epochRow(1), 1);
    const loss = store.getMonitorValues(experimentId, 'val_loss');
    expect([...loss.keys()]).toEqual(runIds);
    expect([...loss.get(runIds[0])!]).toEqual([[1, 0.9], [2, null]]);
    expect(store.getMonitorValues(experimentId, 'val_accuracy').get(runIds[1])!.get(1)).toBe(0.7);
    expect(store.getMonitorValues(experimentId, 'train_loss').get(runIds[0])!.get(1)).toBe(1);
  });

  test('a run can end pruned', () => {
    const { store: s, runId } = { store, runId: store.createExperiment(makeSpec(), makeRuns(makeSpec())).runIds[0] };
    s.markRunStarted(runId, backend);
    s.markRunEnded(runId, { status: 'pruned', error: null, endReason: 'pruned at epoch 2', bestEpoch: null, divergedAtStep: null });
    expect(s.getRun(runId)?.summary).toMatchObject({ status: 'pruned', error: null, endReason: 'pruned at epoch 2' });
  });
});
