import { describe, expect, it } from 'vitest';
import { bestEpochRows } from '../../../src-renderer/src/charts/best-epoch';
import { varyingParams } from '../../../src-renderer/src/charts/runs';
import { makeEpochs, makeRun } from '../fixtures';

describe('bestEpochRows', () => {
  const runs = [
    makeRun(1, { batchSize: 100, learningRate: 0.1 }),
    makeRun(2, { batchSize: 100, learningRate: 0.01 }),
    makeRun(3, { batchSize: 350, learningRate: 0.1 }),
    makeRun(4, { batchSize: 350, learningRate: 0.01 }, { status: 'diverged', bestValLoss: null }),
  ];
  const epochs = {
    1: makeEpochs(runs[0], [1.0, 0.6, 0.45, 0.5]),
    2: makeEpochs(runs[1], [1.2, 0.8, 0.7, 0.65]),
    3: makeEpochs(runs[2], [1.5, 0.5, 0.48, 0.47]),
    4: makeEpochs(runs[3], [null]),
  };

  it('answers: which batch size reached the lowest val loss, at which epoch, iteration and samples seen', () => {
    const rows = bestEpochRows(runs, epochs, 'batchSize', varyingParams(runs));
    expect(rows.map((r) => r.group)).toEqual(['bs=100', 'bs=350']);
    const [bs100, bs350] = rows;
    expect(bs100).toMatchObject({
      winner: true, runs: 2, runId: 1, bestValLoss: 0.45, epoch: 3, step: 33, samplesSeen: 3150, elapsedMs: 3000, by: 'val', runLabel: 'lr=0.1 · bs=100',
    });
    expect(bs100.trainLoss).toBeCloseTo(0.35, 12);
    expect(bs100.meanBest).toBeCloseTo((0.45 + 0.65) / 2, 12);
    // The diverged run has no best value: the group's best is the other run, the spread is unknown.
    expect(bs350).toMatchObject({ winner: false, runId: 3, bestValLoss: 0.47, epoch: 4, step: 12, samplesSeen: 4200, meanBest: null });
  });

  it('never ranks a diverged run, even when its early epochs have the lowest validation loss', () => {
    const pair = [makeRun(1, { batchSize: 100 }), makeRun(2, { batchSize: 350 }, { status: 'diverged' })];
    const rows = bestEpochRows(pair, { 1: makeEpochs(pair[0], [1.0, 0.8]), 2: makeEpochs(pair[1], [0.3, 1e22]) }, 'batchSize', varyingParams(pair));
    expect(rows.map((r) => [r.group, r.winner, r.runId, r.bestValLoss])).toEqual([['bs=100', true, 1, 0.8], ['bs=350', false, null, null]]);
  });

  it('falls back to the run summaries before epoch rows are loaded', () => {
    const summarized = [makeRun(7, { batchSize: 64 }, { bestValLoss: 0.3, bestEpoch: 5, bestTrainLoss: 0.2 })];
    const [row] = bestEpochRows(summarized, {}, 'run', []);
    expect(row).toMatchObject({ bestValLoss: 0.3, epoch: 5, step: null, winner: true, group: 'run 7' });
  });

  it('ranks by training loss when no run has a validation set', () => {
    const run = makeRun(1);
    const noVal = makeEpochs(run, [1, 0.5, 0.7]).map((m) => ({ ...m, valLoss: null, valAccuracy: null }));
    const [row] = bestEpochRows([run], { 1: noVal }, 'run', []);
    expect(row).toMatchObject({ by: 'train', epoch: 2, bestValLoss: null, winner: true });
  });
});
