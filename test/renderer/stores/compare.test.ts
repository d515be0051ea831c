import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { defaultGroupBy, defaultSelection, parseRunIds, useCompareStore } from '../../../src-renderer/src/stores/compare';
import { makeRun } from '../fixtures';

beforeEach(() => setActivePinia(createPinia()));

describe('compare defaults', () => {
  it('groups by batch size when it varies, else the first varying parameter, else over seeds', () => {
    expect(defaultGroupBy([makeRun(1, { batchSize: 16, learningRate: 0.1 }), makeRun(2, { batchSize: 64, learningRate: 0.01 })])).toBe('batchSize');
    expect(defaultGroupBy([makeRun(1, { learningRate: 0.1, seed: 1 }), makeRun(2, { learningRate: 0.01, seed: 2 })])).toBe('learningRate');
    expect(defaultGroupBy([makeRun(1, { seed: 1 }), makeRun(2, { seed: 2 })])).toBe('config');
    expect(defaultGroupBy([makeRun(1)])).toBe('run');
  });

  it('selects runs that have trained, and reads ?runs= defensively', () => {
    expect(defaultSelection([makeRun(1), makeRun(2, {}, { stepsDone: 0, epochsDone: 0, status: 'queued' })])).toEqual([1]);
    expect(parseRunIds('3, 4,x,-1,4,2.5')).toEqual([3, 4]);
    expect(parseRunIds(undefined)).toBeNull();
  });

  it('keeps the user’s choices when the same experiment is reopened', () => {
    const store = useCompareStore();
    const runs = [makeRun(1, { batchSize: 16 }), makeRun(2, { batchSize: 64 })];
    store.init(1, runs, null);
    expect(store.runIds).toEqual([1, 2]);
    expect(store.groupBy).toBe('batchSize');
    store.groupBy = 'run';
    store.init(1, runs, [2, 99]);
    expect(store.groupBy).toBe('run');
    expect(store.runIds).toEqual([2]);
  });
});
