import { describe, expect, it } from 'vitest';
import { bestEpochOf, compareEpochPanels, compareIterationPanels, epochValue, iterationBudget, iterationPoints } from '../../../src-renderer/src/charts/compare';
import { groupRuns, runLabel, splitRuns, varyingParams } from '../../../src-renderer/src/charts/runs';
import { makeEpochs, makeRun } from '../fixtures';

// Two batch sizes × two seeds; bs=100 → 11 iterations per epoch on N = 1050 (the seed article's example).
const runs = [
  makeRun(1, { batchSize: 100, seed: 1 }),
  makeRun(2, { batchSize: 100, seed: 2 }),
  makeRun(3, { batchSize: 350, seed: 1 }),
  makeRun(4, { batchSize: 350, seed: 2 }),
];
const epochs = {
  1: makeEpochs(runs[0], [1.0, 0.6, 0.5, 0.55]),
  2: makeEpochs(runs[1], [1.2, 0.8, 0.7, 0.75]),
  3: makeEpochs(runs[2], [1.5, 1.1, 0.9, 0.8]),
  4: makeEpochs(runs[3], [1.5, 1.3, 1.1]),
};

describe('runs', () => {
  it('finds the varying parameters and labels runs with them only', () => {
    const varying = varyingParams(runs);
    expect(varying).toEqual(['batchSize', 'seed']);
    expect(runLabel(runs[2], varying)).toBe('bs=350 · seed=1');
    expect(runLabel(runs[2], [])).toBe('run 3');
  });
  it('groups by a parameter, by configuration (over seeds) or not at all', () => {
    const varying = varyingParams(runs);
    expect(groupRuns(runs, 'batchSize', varying).map((g) => [g.label, g.runs.map((r) => r.id)])).toEqual([['bs=100', [1, 2]], ['bs=350', [3, 4]]]);
    expect(groupRuns(runs, 'config', varying).map((g) => g.label)).toEqual(['bs=100 (2 seeds)', 'bs=350 (2 seeds)']);
    expect(groupRuns(runs, 'run', varying)).toHaveLength(4);
    expect(splitRuns(runs, 'seed').map((s) => [s.title, s.runs.length])).toEqual([['seed = 1', 2], ['seed = 2', 2]]);
  });
});

describe('epoch curves', () => {
  it('computes the generalization gap as val − train loss', () => {
    expect(epochValue(epochs[1][0], 'gap')).toBeCloseTo(0.1, 12);
    expect(epochValue({ ...epochs[1][0], valLoss: null }, 'gap')).toBeNull();
  });

  it('finds the best epoch by validation loss', () => {
    expect(bestEpochOf(epochs[1])?.epoch).toBe(3);
    const noVal = epochs[1].map((m) => ({ ...m, valLoss: null }));
    expect(bestEpochOf(noVal)?.epoch).toBe(1 + noVal.findIndex((m) => m.trainLoss === Math.min(...noVal.map((n) => n.trainLoss as number))));
  });

  it('puts training and validation side by side with the same groups and colors', () => {
    const option = compareEpochPanels({
      runs, epochs, metric: 'loss', xAxis: 'epoch', groupBy: 'batchSize', varying: varyingParams(runs), splitBy: null,
      layout: 'side-by-side', logY: false, bands: true,
    });
    expect(option.columns).toBe(2);
    expect(option.sharedY).toBe(true);
    expect(option.panels.map((p) => p.title)).toEqual(['Training loss', 'Validation loss']);
    const [train, val] = option.panels;
    expect(train.series.map((s) => s.name)).toEqual(['bs=100', 'bs=350']);
    expect(train.series.map((s) => s.color)).toEqual(val.series.map((s) => s.color));
    // Mean over seeds at epoch 3 for bs=100: (0.5 + 0.7) / 2; band ± std.
    const bs100 = val.series[0];
    expect(bs100.points[2]).toEqual([3, expect.closeTo(0.6, 12)]);
    expect(bs100.band?.[2].lo).toBeCloseTo(0.6 - Math.SQRT2 * 0.1, 12);
    // bs=350 seed 2 stopped after 3 epochs: epoch 4 is the other seed alone, so no band there.
    expect(val.series[1].band?.map((b) => b.x)).toEqual([1, 2, 3]);
    // Best epoch of the group: lowest mean validation loss.
    expect(bs100.best).toEqual({ x: 3, y: expect.closeTo(0.6, 12) });
  });

  it('converts x to iterations and samples seen: smaller batches take more steps per epoch', () => {
    const base = { runs, epochs, metric: 'loss' as const, groupBy: 'run' as const, varying: varyingParams(runs), splitBy: null, layout: 'overlay' as const, logY: false, bands: false };
    const byIter = compareEpochPanels({ ...base, xAxis: 'iteration' });
    expect(byIter.panels).toHaveLength(1);
    const val = byIter.panels[0].series.filter((s) => s.name.endsWith('· val'));
    // bs=100: 11 iterations per epoch; bs=350: 3.
    expect(val[0].points.map(([x]) => x)).toEqual([11, 22, 33, 44]);
    expect(val[2].points.map(([x]) => x)).toEqual([3, 6, 9, 12]);
    const bySamples = compareEpochPanels({ ...base, xAxis: 'samples' });
    const v = bySamples.panels[0].series.find((s) => s.name === 'bs=100 · seed=1 · val')!;
    expect(v.points.map(([x]) => x)).toEqual([1050, 2100, 3150, 4200]);
    const byTime = compareEpochPanels({ ...base, xAxis: 'time' });
    expect(byTime.panels[0].series[1].points.map(([x]) => x)).toEqual([1, 2, 3, 4]);
    expect(byTime.panels[0].series[0].dashed).toBe(true);
  });

  it('draws small multiples, one panel pair per value, on a shared scale', () => {
    const option = compareEpochPanels({
      runs, epochs, metric: 'accuracy', xAxis: 'epoch', groupBy: 'seed', varying: varyingParams(runs), splitBy: 'batchSize',
      layout: 'side-by-side', logY: false, bands: false,
    });
    expect(option.panels.map((p) => p.title)).toEqual([
      'Training accuracy — bs = 100', 'Validation accuracy — bs = 100', 'Training accuracy — bs = 350', 'Validation accuracy — bs = 350',
    ]);
    const gap = compareEpochPanels({ runs, epochs, metric: 'gap', xAxis: 'epoch', groupBy: 'run', varying: varyingParams(runs), splitBy: 'batchSize', layout: 'side-by-side', logY: false, bands: false });
    expect(gap.panels).toHaveLength(2);
    expect(gap.sharedY).toBe(true);
    expect(gap.panels[0].series[0].points[0][1]).toBeCloseTo(0.1, 12);
  });
});

describe('iteration curves', () => {
  const series = {
    1: [{ step: 1, epoch: 1, value: 2, elapsedMs: 10, samplesSeen: 100 }, { step: 11, epoch: 1, value: 1, elapsedMs: 100, samplesSeen: 1050 }, { step: 22, epoch: 2, value: null, elapsedMs: 200, samplesSeen: 2100 }],
  };
  it('makes the epoch axis fractional from the run accounting', () => {
    const pts = iterationPoints(series[1], 11);
    expect(pts.map((p) => p.epoch)).toEqual([1 / 11, 1, 2]);
    expect(pts[2].value).toBeNull();
  });
  it('draws the raw series faintly under the smoothed one', () => {
    const option = compareIterationPanels({
      runs: [runs[0]], series, label: 'Batch loss', xAxis: 'iteration', groupBy: 'run', varying: [], splitBy: null, smoothing: 0.6, logY: false, bands: true,
    });
    const [raw, smooth] = option.panels[0].series;
    expect(raw.faint).toBe(true);
    expect(raw.points).toEqual([[1, 2], [11, 1], [22, null]]);
    expect(smooth.points[0]).toEqual([1, 2]);
    expect(smooth.points[1][1]).toBeGreaterThan(1);
    expect(smooth.points[2][1]).toBeNull();
  });
  it('asks for fewer points per run as the number of runs grows', () => {
    expect(iterationBudget(1)).toBe(2000);
    expect(iterationBudget(100)).toBe(2000);
    expect(iterationBudget(1000)).toBe(200);
    expect(iterationBudget(100_000)).toBe(100);
  });
});
