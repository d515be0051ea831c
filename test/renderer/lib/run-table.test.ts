import { describe, expect, it } from 'vitest';
import { filterRows, runRow, sortRows } from '../../../src-renderer/src/lib/run-table';
import { parseRunFilter } from '../../../src-renderer/src/lib/run-filter';
import { makeRun } from '../fixtures';

const runs = [
  makeRun(1, { batchSize: 16 }, { bestValLoss: 0.5, bestTrainLoss: 0.3 }),
  makeRun(2, { batchSize: 64 }, { bestValLoss: null, status: 'diverged' }),
  makeRun(3, { batchSize: 256 }, { bestValLoss: 0.4, bestTrainLoss: 0.35, status: 'early-stopped', tags: ['baseline'], notes: 'Looks <b>good</b>' }),
];
const rows = runs.map((r) => runRow(r, ['batchSize']));

describe('runRow', () => {
  it('carries the accounting and the gap at the best epoch', () => {
    expect(rows[0]).toMatchObject({ label: 'bs=16', trial: 1, iterationsPerEpoch: 66, lastBatchSize: 10, params: { batchSize: 16, learningRate: 0.01 } });
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
  const by = (text: string, statuses: Array<(typeof rows)[number]['status']> = []) => {
    const parsed = parseRunFilter(text);
    if (!parsed.ok) throw new Error(parsed.message);
    return filterRows(rows, { statuses, test: parsed.test }).map((r) => r.id);
  };
  it('filters by status, parameters, tags and words in the label, notes and ids', () => {
    expect(filterRows(rows, { statuses: ['diverged'], test: null }).map((r) => r.id)).toEqual([2]);
    expect(by('bs=256')).toEqual([3]);
    expect(by('bs=16 completed')).toEqual([1]);
    // Two words: both must appear (bs=256 holds a 2).
    expect(by('run 2')).toEqual([2, 3]);
    expect(by('"run 2"')).toEqual([2]);
    expect(by('tag:baseline')).toEqual([3]);
    expect(by('-tag:baseline', ['completed', 'early-stopped'])).toEqual([1]);
    expect(by('good')).toEqual([3]);
    // Text that looks like a comparison is searched when quoted.
    expect(by('"<b>good"')).toEqual([3]);
  });
});
