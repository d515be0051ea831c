// The study charts against numbers computed here: optimisation history, importance bars, pruned curve ends.
import { describe, expect, it } from 'vitest';
import type { OptimizationHistory, ParamImportance } from '../../../src-renderer/src/contract';
import { buildHistoryOption, STOP_SYMBOL } from '../../../src-renderer/src/charts/history';
import { buildImportanceOption, importanceChartHeight } from '../../../src-renderer/src/charts/importance';
import { compareEpochPanels } from '../../../src-renderer/src/charts/compare';
import { buildPanelsOption } from '../../../src-renderer/src/charts/curves';
import { PRUNED_COLOR } from '../../../src-renderer/src/charts/palette';
import { makeEpochs, makeRun } from '../fixtures';

type Series = { id: string; data: unknown[]; symbol?: string; color?: string; markPoint?: { data: Array<{ coord: number[]; name: string; symbol?: string }> } };
const seriesOf = (option: unknown) => (option as { series: Series[] }).series;

const history: OptimizationHistory = {
  objective: { monitor: 'val_loss', direction: 'minimize' },
  bestRunId: 13,
  points: [
    { runId: 11, index: 0, status: 'completed', value: 0.5, bestSoFar: 0.5, complete: true, epochs: 5 },
    { runId: 12, index: 1, status: 'pruned', value: 0.8, bestSoFar: 0.5, complete: false, epochs: 1 },
    { runId: 13, index: 2, status: 'early-stopped', value: 0.2, bestSoFar: 0.2, complete: true, epochs: 4 },
    { runId: 14, index: 4, status: 'completed', value: -0.1, bestSoFar: -0.1, complete: true, epochs: 5 },
  ],
};

describe('optimisation history chart', () => {
  it('plots completed trials, pruned ones apart, and the best so far as a step line, by trial number', () => {
    const series = seriesOf(buildHistoryOption({ history, labelOf: (id) => `run ${id}`, logY: false }));
    const byId = Object.fromEntries(series.map((s) => [s.id, s]));
    expect((byId.objective.data as Array<{ value: number[] }>).map((d) => d.value)).toEqual([[1, 0.5], [3, 0.2], [5, -0.1]]);
    expect((byId.pruned.data as Array<{ value: number[] }>).map((d) => d.value)).toEqual([[2, 0.8]]);
    expect(byId.pruned.symbol).toBe(STOP_SYMBOL);
    expect(byId.pruned.color).toBe(PRUNED_COLOR);
    expect(byId.best.data).toEqual([[1, 0.5], [2, 0.5], [3, 0.2], [5, -0.1]]);
  });

  it('leaves out what a log axis cannot show', () => {
    const series = seriesOf(buildHistoryOption({ history, labelOf: () => '', logY: true }));
    expect((series[0].data as Array<{ value: number[] }>).map((d) => d.value[1])).toEqual([0.5, 0.2]);
    expect((series[2].data as number[][]).map((d) => d[1])).toEqual([0.5, 0.5, 0.2]);
  });

  it('escapes run labels in the tooltip', () => {
    const option = buildHistoryOption({ history, labelOf: () => '<img src=x onerror=alert(1)>', logY: false }) as { tooltip: { formatter: (p: unknown) => string } };
    const html = option.tooltip.formatter({ color: '#123456', data: { value: [2, 0.8], runId: 12, status: 'pruned', epochs: 1 } });
    expect(html).toContain('pruned after 1 epoch');
    expect(html).not.toContain('<img');
  });
});

describe('importance chart', () => {
  it('draws one bar per hyperparameter with the server\'s values, the largest on top', () => {
    const result: ParamImportance = {
      objective: { monitor: 'val_loss', direction: 'minimize' }, method: 'fanova', trials: 9, minimumTrials: 8, unavailable: null,
      importances: [{ param: 'learningRate', importance: 0.7 }, { param: 'batchSize', importance: 0.25 }, { param: 'optimizer', importance: 0.05 }],
    };
    const option = buildImportanceOption(result, (p) => p.toUpperCase()) as { yAxis: { data: string[] }; series: Array<{ data: number[] }> };
    expect(option.yAxis.data).toEqual(['OPTIMIZER', 'BATCHSIZE', 'LEARNINGRATE']);
    expect(option.series[0].data).toEqual([0.05, 0.25, 0.7]);
    expect(importanceChartHeight(3)).toBeGreaterThan(importanceChartHeight(1));
  });
});

describe('pruned curves', () => {
  it('end with a stop mark at their last epoch; other runs do not', () => {
    const pruned = makeRun(1, { learningRate: 1e-6 }, { status: 'pruned', epochsDone: 2 });
    const done = makeRun(2, { learningRate: 0.1 });
    const epochs = { 1: makeEpochs(pruned, [0.7, 0.69]), 2: makeEpochs(done, [0.5, 0.3, 0.2, 0.25]) };
    const input = compareEpochPanels({
      runs: [pruned, done], epochs, metric: 'loss', xAxis: 'epoch', groupBy: 'run', splitBy: null,
      layout: 'side-by-side', logY: false, bands: false,
    });
    const series = seriesOf(buildPanelsOption(input));
    const val = series.filter((s) => s.id.startsWith('line:1:'));
    const marks = (s: Series) => s.markPoint?.data ?? [];
    const stop = marks(val[0]).find((m) => m.name === '✕ pruned at epoch 2');
    expect(stop?.coord).toEqual([2, 0.69]);
    expect(stop?.symbol).toBe(STOP_SYMBOL);
    expect(marks(val[1]).some((m) => m.symbol === STOP_SYMBOL)).toBe(false);
    // The training panel ends with the same mark at the training loss of epoch 2.
    expect(marks(series.filter((s) => s.id.startsWith('line:0:'))[0]).find((m) => m.symbol === STOP_SYMBOL)?.coord).toEqual([2, 0.69 - 0.1]);
  });
});
