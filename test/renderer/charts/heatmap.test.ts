import { describe, expect, it } from 'vitest';
import { buildHeatmapOption, heatmapCells } from '../../../src-renderer/src/charts/heatmap';

const runs = [
  { params: { learningRate: 0.1, batchSize: 64, seed: 1 }, value: 0.5 },
  { params: { learningRate: 0.1, batchSize: 64, seed: 2 }, value: 0.7 },
  { params: { learningRate: 0.01, batchSize: 64, seed: 1 }, value: 0.3 },
  { params: { learningRate: 0.01, batchSize: 16, seed: 1 }, value: null },
  { params: { learningRate: 0.1, batchSize: 16, seed: 1 }, value: 0.9 },
];

describe('heatmapCells', () => {
  it('puts values in ascending order and averages each cell over its runs', () => {
    const data = heatmapCells(runs, 'learningRate', 'batchSize', 'mean', true);
    expect(data.xValues).toEqual([0.01, 0.1]);
    expect(data.yValues).toEqual([16, 64]);
    const cell = (x: number, y: number) => data.cells.find((c) => c.x === x && c.y === y);
    expect(cell(1, 1)?.value).toBeCloseTo(0.6, 12);
    expect(cell(1, 1)).toMatchObject({ runs: 2, withValue: 2 });
    expect(cell(0, 0)).toMatchObject({ value: null, runs: 1, withValue: 0 });
  });
  it('can show the best run of a cell instead', () => {
    const best = heatmapCells(runs, 'learningRate', 'batchSize', 'best', true);
    expect(best.cells.find((c) => c.x === 1 && c.y === 1)?.value).toBe(0.5);
    const higher = heatmapCells(runs, 'learningRate', 'batchSize', 'best', false);
    expect(higher.cells.find((c) => c.x === 1 && c.y === 1)?.value).toBe(0.7);
  });
});

describe('buildHeatmapOption', () => {
  it('labels categories, scales color over the values and escapes the tooltip', () => {
    const data = heatmapCells(runs, 'learningRate', 'batchSize', 'mean', true);
    const option = buildHeatmapOption({ ...data, xLabel: 'lr', yLabel: 'batch <b>', metricLabel: 'best val loss', lowerIsBetter: true }) as unknown as {
      xAxis: { data: string[] }; visualMap: { min: number; max: number }; series: Array<{ data: unknown[] }>; tooltip: { formatter: (p: unknown) => string };
    };
    expect(option.xAxis.data).toEqual(['0.01', '0.1']);
    expect(option.visualMap.min).toBe(0.3);
    expect(option.visualMap.max).toBe(0.9);
    expect(option.series[0].data).toContainEqual([0, 0, '-']);
    const html = option.tooltip.formatter({ value: [1, 1, 0.6], color: '#2f6fde' });
    expect(html).toContain('batch &lt;b&gt;');
    expect(html).toContain('2 of 2 runs');
  });
});
