import { describe, expect, it } from 'vitest';
import { filterRows, runRow, sortRows } from '../../../src-renderer/src/lib/run-table';
import { makeRun } from '../fixtures';

const runs = [
  makeRun(1, { batchSize: 16 }, { bestValLoss: 0.5, bestTrainLoss: 0.3 }),
  makeRun(2, { batchSize: 64 }, { bestValLoss: null, status: 'diverged' }),
  makeRun(3, { batchSize: 256 }, { bestValLoss: 0.4, bestTrainLoss: 0.35, status: 'early-stopped' }),
];
const rows = runs.map((r) => runRow(r, ['batchSize']));

describe('runRow', () => {
  it('carries the accounting and the gap at the best epoch', () => {
    expect(rows[0]).toMatchObject({ label: 'bs=16', iterationsPerEpoch: 66, lastBatchSize: 10, params: { batchSize: 16 } });
    expect(rows[0].gap).toBeCloseTo(0.2, 12);
    expect(rows[1].gap).toBeNull();
  });
});

describe('sortRows', () => {
  it('sorts both ways with missing values always last', () => {
    expect(sortRows(rows, 'bestValLoss', 'ascend').map((r) => r.id)).toEqual([3, 1, 2]);
    expect(sortRows(rows, 'bestValLoss', 'descend').map((r) => r.id)).toEqual([1, 3, 2]);
    expect(sortRows(rows, 'param:batchSize', 'descend').map((r) => r.id)).toEqual([3, 2, 1]);
    expect(sortRows(rows, 'status', 'ascend').map((r) => r.status)).toEqual(['completed', 'diverged', 'early-stopped']);
  });
});

describe('filterRows', () => {
  it('filters by status and by words in the label', () => {
    expect(filterRows(rows, { statuses: ['diverged'], text: '' }).map((r) => r.id)).toEqual([2]);
    expect(filterRows(rows, { statuses: [], text: 'bs=256' }).map((r) => r.id)).toEqual([3]);
    expect(filterRows(rows, { statuses: [], text: 'bs=16 completed' }).map((r) => r.id)).toEqual([1]);
    expect(filterRows(rows, { statuses: [], text: '#2' }).map((r) => r.id)).toEqual([2]);
  });
});
