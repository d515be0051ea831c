import { describe, expect, it } from 'vitest';
import { answerSentence, bestEpochTable } from '../../../src-renderer/src/charts/best-epoch';
import { makeRunSet } from '../../../src-renderer/src/charts/run-set';
import { experimentSpecSchema } from '../../../src-renderer/src/contract';
import { makeEpochs, makeRun } from '../fixtures';

describe('bestEpochTable', () => {
  // Stored best epochs (what the engine judged): run 1's is 3, run 3's is 4 — even where a lower value
  // exists (run 3, epoch 3 is within the experiment's min delta), the table says what was stored.
  const runs = [
    makeRun(1, { batchSize: 100, learningRate: 0.1 }, { bestEpoch: 3, bestValLoss: 0.45, bestValAccuracy: 0.55, bestTrainLoss: 0.35 }),
    makeRun(2, { batchSize: 100, learningRate: 0.01 }, { bestEpoch: 4, bestValLoss: 0.65, bestValAccuracy: 0.35, bestTrainLoss: 0.55 }),
    makeRun(3, { batchSize: 350, learningRate: 0.1 }, { bestEpoch: 4, bestValLoss: 0.47, bestValAccuracy: 0.53, bestTrainLoss: 0.37, status: 'early-stopped' }),
    makeRun(4, { batchSize: 350, learningRate: 0.01 }, { status: 'diverged' }),
  ];
  const epochs = {
    1: makeEpochs(runs[0], [1.0, 0.6, 0.45, 0.5]),
    2: makeEpochs(runs[1], [1.2, 0.8, 0.7, 0.65]),
    3: makeEpochs(runs[2], [1.5, 0.5, 0.46, 0.47]),
    4: makeEpochs(runs[3], [null]),
  };
  const set = makeRunSet(runs);

  it('answers which batch size reached the lowest val loss, at its stored best epoch, iteration and samples seen', () => {
    const table = bestEpochTable(set, epochs, 'batchSize');
    expect(table.monitor).toBe('val_loss');
    expect(table.rows.map((r) => r.group)).toEqual(['bs=100 (2 configurations)', 'bs=350 (2 configurations)']);
    const [bs100, bs350] = table.rows;
    expect(bs100).toMatchObject({ winner: true, runs: 2, runId: 1, value: 0.45, epoch: 3, step: 33, samplesSeen: 3150, elapsedMs: 3000, runLabel: 'lr=0.1 · bs=100', trainLoss: 0.35 });
    expect(bs100.meanBest).toBeCloseTo((0.45 + 0.65) / 2, 12);
    expect(bs100.meanEpoch).toBe(3.5);
    // The diverged run has no best epoch: the group's best is the other run, the spread is unknown.
    expect(bs350).toMatchObject({ winner: false, runId: 3, value: 0.47, epoch: 4, step: 12, samplesSeen: 4200, meanBest: null, earlyStopped: 1 });
    expect(answerSentence(table)).toBe(
      'Lowest validation loss: bs=100 (2 configurations) — 0.45 at epoch 3, after 33 iterations and 3,150 samples seen (3.0 s of training). Best run of the group: lr=0.1 · bs=100.',
    );
  });

  it('never ranks a diverged run, even when its stored best value is the lowest', () => {
    const pair = [makeRun(1, { batchSize: 100 }, { bestEpoch: 2, bestValLoss: 0.8 }), makeRun(2, { batchSize: 350 }, { status: 'diverged', bestEpoch: 1, bestValLoss: 0.3 })];
    const table = bestEpochTable(makeRunSet(pair), { 1: makeEpochs(pair[0], [1.0, 0.8]), 2: makeEpochs(pair[1], [0.3, 1e22]) }, 'batchSize');
    expect(table.rows.map((r) => [r.group, r.winner, r.runId, r.value])).toEqual([['bs=100', true, 1, 0.8], ['bs=350', false, null, null]]);
  });

  it('reads the summaries alone before epoch rows are loaded', () => {
    const [row] = bestEpochTable(makeRunSet([runs[0]]), {}, 'run').rows;
    expect(row).toMatchObject({ value: 0.45, epoch: 3, step: null, winner: true, group: 'run 1' });
    expect(answerSentence(bestEpochTable(makeRunSet([runs[0]]), {}, 'run'))).toBe('Lowest validation loss: run 1 — 0.45 at epoch 3.');
  });

  it("ranks by the experiment's monitored metric: highest validation accuracy when that is what the engine judged", () => {
    const spec = experimentSpecSchema.parse({ name: 'x', dataset: { id: 'spiral' }, model: { template: 'mlp' }, training: { earlyStopping: { monitor: 'val_accuracy' } } });
    const table = bestEpochTable(makeRunSet(runs, [{ id: 1, name: 'x', spec }]), epochs, 'run');
    expect(table.monitor).toBe('val_accuracy');
    expect(table.rows.find((r) => r.winner)?.runId).toBe(1);
    expect(answerSentence(table)).toMatch(/^Highest validation accuracy: lr=0.1 · bs=100 — 55.00 % at epoch 3/);
  });

  it('ranks by training loss when no run has a validation set', () => {
    const run = makeRun(1, {}, { bestEpoch: 2, bestTrainLoss: 0.4 });
    const table = bestEpochTable(makeRunSet([run]), {}, 'run');
    expect(table.monitor).toBe('train_loss');
    expect(table.rows[0]).toMatchObject({ epoch: 2, value: 0.4, winner: true });
  });

  it('has no winner while no run has a best epoch', () => {
    const table = bestEpochTable(makeRunSet([makeRun(1, {}, { status: 'running' })]), {}, 'run');
    expect(table.rows[0].winner).toBe(false);
    expect(answerSentence(table)).toBeNull();
  });
});
