import { describe, expect, it } from 'vitest';
import { compareEpochPanels, epochLineCurve, epochPoints } from '../../../src-renderer/src/charts/compare';
import { makeRunSet } from '../../../src-renderer/src/charts/run-set';
import { makeEpochs, makeRun } from '../fixtures';

const run = makeRun(1, { batchSize: 100, epochs: 3 });
const epochs = makeEpochs(run, [0.9, 0.5, 0.6], 2000);

describe('the half-epoch lag', () => {
  it('moves training points back by half their epoch on every axis; validation stays at the epoch end', () => {
    const ipe = run.accounting.iterationsPerEpoch; // 11 for N = 1050, B = 100
    const train = epochPoints(epochs, 'trainLoss', true);
    expect(train.map((p) => p.epoch)).toEqual([0.5, 1.5, 2.5]);
    expect(train.map((p) => p.step)).toEqual([ipe / 2, ipe * 1.5, ipe * 2.5]);
    expect(train.map((p) => p.samplesSeen)).toEqual([525, 1575, 2625]);
    expect(train.map((p) => p.elapsedMs)).toEqual([1000, 3000, 5000]);
    expect(train.map((p) => p.value)).toEqual(epochs.map((e) => e.trainLoss));
    const val = epochPoints(epochs, 'valLoss', true);
    expect(val.map((p) => p.epoch)).toEqual([1, 2, 3]);
    expect(epochPoints(epochs, 'gap', true).map((p) => p.epoch)).toEqual([1, 2, 3]);
    expect(epochPoints(epochs, 'trainLoss').map((p) => p.epoch)).toEqual([1, 2, 3]);
  });

  it('the best-epoch markers on a training curve move with it: found by epoch row, never by x', () => {
    const stored = makeRun(1, { batchSize: 100, epochs: 3 }, { bestEpoch: 2 });
    const set = makeRunSet([stored]);
    const single = epochLineCurve({ key: 'a', label: 'a', color: '#000', runs: [stored] }, set, { 1: epochs }, 'trainLoss', 'epoch', false, 0, undefined, true);
    expect(single.markers).toEqual([expect.objectContaining({ kind: 'best', x: 1.5, y: epochs[1].trainLoss })]);
    // Two seeds: the mean's best epoch (2, lowest mean val loss) is marked at its mid-epoch x.
    const twin = makeRun(2, { batchSize: 100, epochs: 3, seed: 2 });
    const pair = makeRunSet([stored, twin]);
    const both = epochLineCurve(
      { key: 'g', label: 'g', color: '#000', runs: [stored, twin] }, pair, { 1: epochs, 2: makeEpochs(twin, [0.8, 0.45, 0.7], 2000) }, 'trainLoss', 'epoch', false, 0,
      undefined, true,
    );
    expect(both.points.map((p) => p[0])).toEqual([0.5, 1.5, 2.5]);
    expect(both.markers).toEqual([expect.objectContaining({ kind: 'group-best', x: 1.5 })]);
  });

  it('compareEpochPanels applies it to training panels only when asked', () => {
    const input = { runs: [run], epochs: { 1: epochs }, metric: 'loss' as const, xAxis: 'epoch' as const, groupBy: 'run' as const, varying: [], splitBy: null, layout: 'side-by-side' as const, logY: false, bands: false };
    const on = compareEpochPanels({ ...input, trainAtMidEpoch: true });
    expect(on.panels[0].series[0].points.map((p) => p[0])).toEqual([0.5, 1.5, 2.5]);
    expect(on.panels[1].series[0].points.map((p) => p[0])).toEqual([1, 2, 3]);
    const off = compareEpochPanels(input);
    expect(off.panels[0].series[0].points.map((p) => p[0])).toEqual([1, 2, 3]);
  });
});
