import { describe, expect, it } from 'vitest';
import { compareEpochPanels, compareIterationPanels, epochValue, groupBestEpoch, iterationBudget, iterationPoints } from '../../../src-renderer/src/charts/compare';
import { legendGroups } from '../../../src-renderer/src/charts/groups';
import { bestEpochTable } from '../../../src-renderer/src/charts/best-epoch';
import { buildPanelsOption } from '../../../src-renderer/src/charts/curves';
import { makeRunSet } from '../../../src-renderer/src/charts/run-set';
import { emaSmooth } from '../../../src-renderer/src/charts/ema';
import { experimentSpecSchema } from '../../../src-renderer/src/contract';
import { makeEpochs, makeRun } from '../fixtures';

// Two batch sizes × two seeds; bs=100 → 11 iterations per epoch on N = 1050 (the seed article's example).
// Stored best epochs come from "the engine": run 1's is 2 although epoch 3 is lower (min delta), so the
// chart must show 2.
const runs = [
  makeRun(1, { batchSize: 100, seed: 1 }, { bestEpoch: 2, bestValLoss: 0.6 }),
  makeRun(2, { batchSize: 100, seed: 2 }, { bestEpoch: 3, bestValLoss: 0.7 }),
  makeRun(3, { batchSize: 350, seed: 1 }, { bestEpoch: 4, bestValLoss: 0.8 }),
  makeRun(4, { batchSize: 350, seed: 2 }, { bestEpoch: 3, bestValLoss: 1.1, status: 'early-stopped', epochsDone: 3 }),
];
const epochs = {
  1: makeEpochs(runs[0], [1.0, 0.6, 0.58, 0.65]),
  2: makeEpochs(runs[1], [1.2, 0.8, 0.7, 0.75]),
  3: makeEpochs(runs[2], [1.5, 1.1, 0.9, 0.8]),
  4: makeEpochs(runs[3], [1.5, 1.3, 1.1]),
};
const sd = (a: number, b: number) => Math.abs(a - b) / Math.SQRT2;
const base = { runs, epochs, xAxis: 'epoch' as const, splitBy: null, layout: 'side-by-side' as const, logY: false, bands: true };

describe('epoch curves', () => {
  it('computes the generalization gap as val − train loss', () => {
    expect(epochValue(epochs[1][0], 'gap')).toBeCloseTo(0.1, 12);
    expect(epochValue({ ...epochs[1][0], valLoss: null }, 'gap')).toBeNull();
  });

  it('marks each run at its stored best epoch, never a recomputed one', () => {
    const option = compareEpochPanels({ ...base, metric: 'loss', groupBy: 'run' });
    const val = option.panels[1].series;
    expect(val[0].markers?.find((m) => m.kind === 'best')).toMatchObject({ x: 2, y: 0.6 });
    expect(val[1].markers?.find((m) => m.kind === 'best')).toMatchObject({ x: 3, y: 0.7 });
    expect(val[0].markers?.[0].label).toBe('◆ best epoch 2 (by validation loss)');
  });

  it('marks where an early-stopped run stopped', () => {
    const option = compareEpochPanels({ ...base, metric: 'loss', groupBy: 'run' });
    const stopped = option.panels[1].series[3];
    expect(stopped.markers?.find((m) => m.kind === 'stop')).toMatchObject({ x: 3, y: 1.1, label: '■ stopped early at epoch 3' });
    expect(option.panels[1].series[0].markers?.some((m) => m.kind === 'stop')).toBe(false);
  });

  it('averages over seeds only, with a band of ± the sample std, and labels train and val apart', () => {
    const option = compareEpochPanels({ ...base, metric: 'loss', groupBy: 'config' });
    expect(option.columns).toBe(2);
    expect(option.sharedY).toBe(true);
    expect(option.panels.map((p) => p.title)).toEqual(['Training loss', 'Validation loss']);
    const [train, val] = option.panels;
    expect(train.series.map((s) => s.name)).toEqual(['bs=100 (mean of 2 seeds)', 'bs=350 (mean of 2 seeds)']);
    expect(train.series.map((s) => s.color)).toEqual(val.series.map((s) => s.color));
    expect(train.series[0].label).toBe('bs=100 (mean of 2 seeds) · train');
    expect(val.series[0].label).toBe('bs=100 (mean of 2 seeds) · val');
    const bs100 = val.series[0];
    expect(bs100.points[2]).toEqual([3, expect.closeTo(0.64, 12)]);
    expect(bs100.band?.[2]?.lo).toBeCloseTo(0.64 - sd(0.58, 0.7), 12);
    expect(bs100.band?.[2]?.hi).toBeCloseTo(0.64 + sd(0.58, 0.7), 12);
    // bs=350 seed 2 stopped after 3 epochs: epoch 4 is the other seed alone, so no band there.
    expect(val.series[1].band?.map((b) => b !== null)).toEqual([true, true, true, false]);
  });

  it("labels a seed mean's best epoch as the mean's, judged by the engine's rule on the mean curve", () => {
    const val = compareEpochPanels({ ...base, metric: 'loss', groupBy: 'config' }).panels[1].series[0];
    // Mean val loss of bs=100: 1.1, 0.7, 0.64, 0.7 → epoch 3.
    expect(val.markers?.find((m) => m.kind === 'group-best')).toMatchObject({ x: 3, label: '◇ best epoch 3 of the mean over 2 seeds (by validation loss)' });
    // With a min delta of 0.1 (from the experiment's spec), epoch 3 (0.06 better than epoch 2) is no new best.
    const spec = experimentSpecSchema.parse({ name: 'x', dataset: { id: 'spiral' }, model: { template: 'mlp' }, training: { earlyStopping: { minDelta: 0.1 } } });
    const set = makeRunSet(runs, [{ id: 1, name: 'x', spec }]);
    const line = legendGroups(set, 'config')[0].lines[0];
    expect(groupBestEpoch(line, set, epochs)).toBe(2);
  });

  it('marks early stops of a seed mean at the epoch the run stopped', () => {
    const val = compareEpochPanels({ ...base, metric: 'loss', groupBy: 'config' }).panels[1].series[1];
    expect(val.markers?.find((m) => m.kind === 'stop')).toMatchObject({ x: 3, label: '■ bs=350 · seed=2 stopped early at epoch 3' });
  });

  it('smooths a mean and its std alike, so the band still encloses the smoothed line', () => {
    const val = compareEpochPanels({ ...base, metric: 'loss', groupBy: 'config', smoothing: 0.6 }).panels[1].series[0];
    expect(val.raw?.[0]).toBeCloseTo(1.1, 12);
    expect(val.points.map(([, y]) => y)).toEqual(emaSmooth([1.1, 0.7, 0.64, 0.7], 0.6));
    val.points.forEach(([, y], i) => {
      const b = val.band![i]!;
      expect(b.lo).toBeLessThanOrEqual(y!);
      expect(b.hi).toBeGreaterThanOrEqual(y!);
    });
  });

  it('converts x to iterations and samples seen: smaller batches take more steps per epoch', () => {
    const overlay = { ...base, metric: 'loss' as const, groupBy: 'run' as const, layout: 'overlay' as const, bands: false };
    const byIter = compareEpochPanels({ ...overlay, xAxis: 'iteration' });
    expect(byIter.panels).toHaveLength(1);
    const val = byIter.panels[0].series.filter((s) => s.name.endsWith('· val'));
    expect(val[0].points.map(([x]) => x)).toEqual([11, 22, 33, 44]);
    expect(val[2].points.map(([x]) => x)).toEqual([3, 6, 9, 12]);
    const v = compareEpochPanels({ ...overlay, xAxis: 'samples' }).panels[0].series.find((s) => s.name === 'bs=100 · seed=1 · val')!;
    expect(v.points.map(([x]) => x)).toEqual([1050, 2100, 3150, 4200]);
    const byTime = compareEpochPanels({ ...overlay, xAxis: 'time' });
    expect(byTime.panels[0].series[0].points.map(([x]) => x)).toEqual([1, 2, 3, 4]);
    expect(byTime.panels[0].series[0].dashed).toBe(true);
  });

  it('draws small multiples with colours that stay with their group', () => {
    const option = compareEpochPanels({ ...base, metric: 'accuracy', groupBy: 'seed', splitBy: 'batchSize', bands: false });
    expect(option.panels.map((p) => p.title)).toEqual([
      'Training accuracy — bs = 100', 'Validation accuracy — bs = 100', 'Training accuracy — bs = 350', 'Validation accuracy — bs = 350',
    ]);
    expect(option.panels[0].series.map((s) => s.color)).toEqual(option.panels[2].series.map((s) => s.color));
    const gap = compareEpochPanels({ ...base, metric: 'gap', groupBy: 'run', splitBy: 'batchSize' });
    expect(gap.panels).toHaveLength(2);
    expect(gap.sharedY).toBe(true);
    expect(gap.panels[0].series[0].points[0][1]).toBeCloseTo(0.1, 12);
  });

  it('handles one run, and runs without any epoch yet', () => {
    const one = compareEpochPanels({ ...base, runs: [runs[0]], metric: 'loss', groupBy: 'config' });
    expect(one.panels[1].series).toHaveLength(1);
    expect(one.panels[1].series[0].band).toBeUndefined();
    const none = compareEpochPanels({ ...base, runs: [runs[0]], epochs: {}, metric: 'loss', groupBy: 'config' });
    expect(none.panels[1].series[0].points).toEqual([]);
  });
});

describe('seed means with runs that have not got as far', () => {
  // bs=350: seed 2 stopped early at epoch 3, seed 1 went on to epoch 4.
  it('says at each point over how many of the seeds the mean is, and draws no band where only one has a value', () => {
    const val = compareEpochPanels({ ...base, metric: 'loss', groupBy: 'config' }).panels[1].series;
    const stopped = val.find((s) => s.key.includes('350'))!;
    expect(stopped.coverage).toEqual({ n: [2, 2, 2, 1], of: 2 });
    expect(stopped.points[3][1]).toBeCloseTo(0.8, 12);
    expect(stopped.band?.[3]).toBeNull();
    // Both seeds of bs=100 went the whole way: nothing to say.
    expect(val.find((s) => s.key.includes('100'))!.coverage).toBeUndefined();
    const option = buildPanelsOption(compareEpochPanels({ ...base, metric: 'loss', groupBy: 'config' }));
    const formatter = (option.tooltip as { formatter: (p: unknown) => string }).formatter;
    const id = `line:1:${stopped.key}`;
    expect(formatter([{ seriesId: id, value: [4, 0.8], color: '#000', dataIndex: 3 }])).toContain('0.8 · 1 of 2 runs');
    expect(formatter([{ seriesId: id, value: [3, 1], color: '#000', dataIndex: 2 }])).not.toContain('of 2 runs');
  });

  it('keeps a seed that is still training (or queued, no epoch yet) out of the mean without pretending it is in', () => {
    const training = makeRun(5, { batchSize: 100, seed: 3 }, { status: 'running', epochsDone: 1, bestEpoch: 1, bestValLoss: 0.9 });
    const queued = makeRun(6, { batchSize: 100, seed: 4 }, { status: 'queued', epochsDone: 0, stepsDone: 0, startedAt: null, endedAt: null });
    const all = [...runs, training, queued];
    const option = compareEpochPanels({ ...base, runs: all, epochs: { ...epochs, 5: makeEpochs(training, [0.9]) }, metric: 'loss', groupBy: 'config' });
    const mean = option.panels[1].series.find((s) => s.key.includes('100'))!;
    expect(mean.name).toContain('mean of 4 seeds');
    expect(mean.coverage).toEqual({ n: [3, 2, 2, 2], of: 4 });
    expect(mean.points[0][1]).toBeCloseTo((1.0 + 1.2 + 0.9) / 3, 12);
    // The mean's best epoch is judged only where every seed has a value: none yet.
    expect(mean.markers?.some((m) => m.kind === 'group-best') ?? false).toBe(false);
    // The best-epoch table reads stored values only: the queued run counts as a member, without a value.
    const table = bestEpochTable(makeRunSet(all), { ...epochs, 5: makeEpochs(training, [0.9]) }, 'config');
    const row = table.rows.find((r) => r.group.includes('100'))!;
    expect(row).toMatchObject({ runs: 4, value: 0.6, epoch: 2, runId: 1 });
    expect(row.meanBest).toBeCloseTo((0.6 + 0.7 + 0.9) / 3, 12);
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
    const option = compareIterationPanels({ runs: [runs[0]], series, label: 'Batch loss', xAxis: 'iteration', groupBy: 'run', splitBy: null, smoothing: 0.6, logY: false, bands: true });
    const [line] = option.panels[0].series;
    expect(line.raw).toEqual([2, 1, null]);
    expect(line.points[0]).toEqual([1, 2]);
    expect(line.points[1][1]).toBeGreaterThan(1);
    expect(line.points[2][1]).toBeNull();
  });
  it('asks for 100k points in all, 200 to 2000 per run', () => {
    expect(iterationBudget(1)).toBe(2000);
    expect(iterationBudget(50)).toBe(2000);
    expect(iterationBudget(100)).toBe(1000);
    expect(iterationBudget(1000)).toBe(200);
  });
});
