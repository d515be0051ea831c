import { describe, expect, it } from 'vitest';
import { buildHeatmapOption, heatmapAxes, heatmapCells } from '../../../src-renderer/src/charts/heatmap';
import { renderSvg } from '../../../src-renderer/src/charts/svg';
import { parseSvg } from '../svg-geometry';

// Configurations are lr × bs (× optimizer for two of them); seeds repeat them. lr 0.01 × bs 16 has no
// value (diverged), lr 0.001 × bs 16 has no run at all.
const runs = [
  { params: { learningRate: 0.1, batchSize: 64 }, config: 'a', value: 0.5 },
  { params: { learningRate: 0.1, batchSize: 64 }, config: 'a', value: 0.7 },
  { params: { learningRate: 0.1, batchSize: 64 }, config: 'b', value: 0.4 },
  { params: { learningRate: 0.01, batchSize: 64 }, config: 'c', value: 0.3 },
  { params: { learningRate: 0.01, batchSize: 16 }, config: 'd', value: null },
  { params: { learningRate: 0.1, batchSize: 16 }, config: 'e', value: 0.9 },
  { params: { learningRate: 0.001, batchSize: 64 }, config: 'f', value: -0.2 },
];
const cell = (data: ReturnType<typeof heatmapCells>, x: number, y: number) => data.cells.find((c) => c.x === x && c.y === y);

describe('heatmapCells', () => {
  it('averages over seeds only: a cell with two configurations shows the better one’s seed mean', () => {
    const data = heatmapCells(runs, 'learningRate', 'batchSize', 'mean', true);
    expect(data.xValues).toEqual([0.001, 0.01, 0.1]);
    expect(data.yValues).toEqual([16, 64]);
    // lr 0.1 × bs 64: config a (0.5, 0.7 → 0.6) and config b (0.4): 0.4, never the mixed mean 0.533.
    expect(cell(data, 2, 1)).toMatchObject({ value: 0.4, runs: 3, withValue: 3, configs: 2 });
    expect(cell(data, 0, 1)?.value).toBe(-0.2);
  });
  it('leaves cells without a value out, so they stay blank', () => {
    const data = heatmapCells(runs, 'learningRate', 'batchSize', 'mean', true);
    expect(cell(data, 1, 0)).toBeUndefined();
    expect(cell(data, 0, 0)).toBeUndefined();
    expect(data.cells).toHaveLength(4);
  });
  it('can show the best run of a cell instead', () => {
    expect(cell(heatmapCells(runs, 'learningRate', 'batchSize', 'best', true), 2, 1)?.value).toBe(0.4);
    expect(cell(heatmapCells(runs, 'learningRate', 'batchSize', 'best', false), 2, 1)?.value).toBe(0.7);
  });
});

describe('heatmapAxes', () => {
  it('picks two different varying hyperparameters, learning rate × batch size first', () => {
    expect(heatmapAxes(['learningRate', 'batchSize', 'seed'])).toEqual({ x: 'learningRate', y: 'batchSize' });
    expect(heatmapAxes(['batchSize', 'optimizer'])).toEqual({ x: 'batchSize', y: 'optimizer' });
    expect(heatmapAxes(['learningRate', 'batchSize', 'optimizer'], { x: 'optimizer', y: 'optimizer' })).toEqual({ x: 'optimizer', y: 'batchSize' });
    expect(heatmapAxes(['learningRate', 'batchSize'], { x: 'epochs' })).toEqual({ x: 'learningRate', y: 'batchSize' });
  });
  it('says why no heatmap can be drawn when fewer than two vary (the seed is no axis)', () => {
    expect(heatmapAxes(['learningRate', 'seed'])).toEqual({ reason: 'A heatmap needs two different hyperparameters that vary among the selected runs; only learning rate varies (seeds repeat a configuration, they are no axis).' });
    expect(heatmapAxes([])).toEqual({ reason: 'A heatmap needs two different hyperparameters that vary among the selected runs; no hyperparameter varies.' });
  });
});

describe('buildHeatmapOption', () => {
  const data = heatmapCells(runs, 'learningRate', 'batchSize', 'mean', true);
  const option = buildHeatmapOption({ ...data, xLabel: 'lr', yLabel: 'batch <b>', metricLabel: 'best val loss', lowerIsBetter: true }) as unknown as {
    xAxis: { data: string[] }; visualMap: { min: number; max: number }; series: Array<{ data: unknown[] }>; tooltip: { formatter: (p: unknown) => string };
  };
  it('labels categories, scales colour over the values with a value, and escapes the tooltip', () => {
    expect(option.xAxis.data).toEqual(['0.001', '0.01', '0.1']);
    expect(option.visualMap).toMatchObject({ min: -0.2, max: 0.9 });
    expect(option.series[0].data).toHaveLength(4);
    expect(option.series[0].data).not.toContainEqual(expect.arrayContaining(['-']));
    const html = option.tooltip.formatter({ value: [2, 1, 0.4], color: '#2f6fde' });
    expect(html).toContain('batch &lt;b&gt;');
    expect(html).toContain('3 of 3 runs, 2 configurations');
  });
  it('paints only the cells with a value (SVG)', () => {
    const svg = renderSvg(option as never, 700, 360);
    // Four filled cells for the four values; the two empty cells get no shape (and so no colour) at all.
    const cells = [...svg.matchAll(/<path d="M[\d.]+ [\d.]+l[\d.]+ 0l0 [\d.]+l-[\d.]+ 0Z" fill="([^"]+)"[^>]*ecmeta_ssr_type="chart"/g)];
    expect(cells).toHaveLength(4);
    expect(parseSvg(svg).texts.map((t) => t.text)).not.toContain('—');
  });
});
