import * as echarts from 'echarts';
import type { EChartsOption } from 'echarts';
import { describe, expect, it } from 'vitest';
import type { LrRangeResult, NoiseScaleEpoch, SharpnessVsBatchRow } from '../../../src-renderer/src/contract';
import { buildNoiseScaleOption, noiseScalePoints } from '../../../src-renderer/src/charts/noise-scale';
import { buildSharpnessOption, medianByBatch, sharpnessPoints } from '../../../src-renderer/src/charts/sharpness';
import { buildLrRangeOption, lrRangeYMax, niceCeil } from '../../../src-renderer/src/charts/lr-range';
import { logExtent } from '../../../src-renderer/src/charts/log-range';

interface AnySeries { id: string; type: string; name: string; data: unknown[]; xAxisIndex?: number }
interface AnyOption { series: AnySeries[]; yAxis: { type: string; min?: number; max?: number } | Array<{ type: string }>; xAxis: { type: string } | Array<{ type: string; logBase?: number }>; legend?: { data: string[] }; tooltip: { formatter: (p: unknown) => string } }

/** The option rendered by ECharts itself (server-side, SVG): what a user would see, text included. */
function renderSvg(option: unknown): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 900, height: 340 });
  chart.setOption(option as EChartsOption);
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}
const refs = (option: AnyOption) =>
  option.series.filter((s) => s.id.startsWith('ref:')).map((s) => [s.id, (s.data as Array<{ value: number[] }>).map((d) => d.value)]);

const noise = (epoch: number, bSimple: number | null): NoiseScaleEpoch => ({ epoch, step: epoch * 10, gradSq: 1, trace: bSimple, bSimple, measurements: epoch, overhead: null });

describe('noise-scale chart', () => {
  it('plots B_simple per epoch on a log axis whose decades hold the values, the batch sizes and B_crit', () => {
    const option = buildNoiseScaleOption({
      lines: [{ key: '1', name: 'bs=16', color: '#2f6fde', rows: [noise(1, 120), noise(2, null), noise(3, 450)] }],
      batchSizes: [16, 2048], bCrit: 380,
    }) as unknown as AnyOption;
    expect(option.yAxis).toMatchObject({ type: 'log', min: 10, max: 10000 });
    expect(option.series[0].data).toEqual([[1, 120], [2, null], [3, 450]]);
    expect(refs(option)).toEqual([
      ['ref:batch:16', [[1, 16], [3, 16]]], ['ref:batch:2048', [[1, 2048], [3, 2048]]], ['ref:bcrit', [[1, 380], [3, 380]]],
    ]);
    const svg = renderSvg(option);
    for (const label of ['B = 16', 'B = 2048', 'B_crit ≈ 380']) expect(svg).toContain(label);
  });

  it('drops non-positive values (a log axis cannot hold them), and draws nothing odd with no data', () => {
    expect(noiseScalePoints([noise(1, -5), noise(2, 0), noise(3, 7)])).toEqual([[1, null], [2, null], [3, 7]]);
    const empty = buildNoiseScaleOption({ lines: [], batchSizes: [], bCrit: null }) as unknown as AnyOption;
    expect(empty.series).toEqual([]);
    expect(logExtent([null, -1, 0])).toBeNull();
  });

  it('one line per run for 100 runs, reference lines once', () => {
    const lines = Array.from({ length: 100 }, (_, i) => ({ key: String(i), name: `run ${i}`, color: '#000', rows: [noise(1, 10 + i)] }));
    const option = buildNoiseScaleOption({ lines, batchSizes: [32], bCrit: 50 }) as unknown as AnyOption;
    expect(option.series.filter((s) => s.id.startsWith('noise:'))).toHaveLength(100);
    expect(refs(option)).toHaveLength(2);
    expect(option.legend!.data).toHaveLength(100);
  });

  it('escapes run names in its tooltip', () => {
    const option = buildNoiseScaleOption({ lines: [{ key: '1', name: '<img src=x>', color: '#2f6fde', rows: [noise(1, 5)] }], batchSizes: [], bCrit: null }) as unknown as AnyOption;
    const html = option.tooltip.formatter([{ seriesId: 'noise:1', seriesName: '<img src=x>', value: [1, 5], color: '#2f6fde' }]);
    expect(html).toContain('&lt;img src=x&gt;');
    expect(html).not.toContain('<img');
  });
});

describe('sharpness vs batch size chart', () => {
  const row = (runId: number, batchSize: number, checkpoint: 'best' | 'last', topEigenvalue: number | null, gap: number | null, eps = 1): SharpnessVsBatchRow => ({
    runId, batchSize, checkpoint, epoch: 3, topEigenvalue, epsSharpness: eps, gap,
  });
  const rows = [
    row(1, 16, 'best', 2, 0.01), row(1, 16, 'last', 2.5, 0.01), row(2, 16, 'best', 4, 0.03),
    row(3, 256, 'best', 9, 0.08), row(4, 256, 'best', null, -0.02), row(5, 1024, 'best', 15, 0.1),
  ];

  it('one point per run at the chosen checkpoint, skipping runs without a value; the gap may be negative', () => {
    expect(sharpnessPoints(rows, 'best', 'topEigenvalue').map((p) => [p.runId, ...p.point])).toEqual([[1, 16, 2], [2, 16, 4], [3, 256, 9], [5, 1024, 15]]);
    expect(sharpnessPoints(rows, 'best', 'gap').map((p) => p.point[1])).toEqual([0.01, 0.03, 0.08, -0.02, 0.1]);
    expect(sharpnessPoints(rows, 'last', 'topEigenvalue').map((p) => p.runId)).toEqual([1]);
  });

  it('the median line goes through each batch size in order', () => {
    expect(medianByBatch([[256, 9], [16, 2], [16, 4], [1024, 15], [256, 11]])).toEqual([[16, 3], [256, 10], [1024, 15]]);
  });

  it('two panels on log₂ batch-size axes: the sharpness and the generalization gap', () => {
    const option = buildSharpnessOption({ rows, checkpoint: 'best', metric: 'topEigenvalue', labelOf: (id) => `run ${id}` }) as unknown as AnyOption;
    expect((option.xAxis as Array<{ type: string; logBase?: number }>).map((a) => [a.type, a.logBase])).toEqual([['log', 2], ['log', 2]]);
    const scatter = option.series.filter((s) => s.type === 'scatter');
    expect(scatter.map((s) => s.xAxisIndex)).toEqual([0, 1]);
    expect((scatter[0].data as Array<{ value: number[] }>).map((d) => d.value)).toEqual([[16, 2], [16, 4], [256, 9], [1024, 15]]);
    expect(option.series.find((s) => s.id === 'median:1')!.data).toEqual([[16, 0.02], [256, 0.03], [1024, 0.1]]);
    const html = option.tooltip.formatter({ data: { value: [256, 9], runId: 3 }, seriesName: 'x', color: '#c2255c' });
    expect(html).toContain('run 3 (B = 256)');
  });
});

describe('LR range chart', () => {
  const result = (points: Array<[number, number | null, number | null]>, steepest: number | null, min10: number | null): LrRangeResult => ({
    from: 1e-7, to: 10, iterations: points.length, steepest, minimum: min10 === null ? null : min10 * 10, minimumOver10: min10, stopReason: 'x',
    points: points.map(([learningRate, loss, smoothed], i) => ({ step: i + 1, learningRate, loss, smoothed })),
  });

  it('draws loss vs LR on a log x axis with the two suggestions as vertical lines', () => {
    const r = result([[1e-5, 2.3, 2.3], [1e-3, 1.1, 1.8], [1e-1, 0.6, 1.0], [1, 50, 4.5]], 1e-3, 0.01);
    const option = buildLrRangeOption({ curves: [{ key: '1', name: 'bs=64', color: '#2f6fde', result: r }] }) as unknown as AnyOption;
    expect((option.xAxis as { type: string }).type).toBe('log');
    const smooth = option.series.find((s) => s.id === 'smooth:1')!;
    expect(smooth.data).toEqual([[1e-5, 2.3], [1e-3, 1.8], [1e-1, 1.0], [1, 4.5]]);
    // The raw blow-up (50) does not set the scale: a little above the curve's start does (2.3 × 1.5, rounded up).
    expect((option.yAxis as { max?: number }).max).toBe(3.5);
    expect(refs(option)).toEqual([['ref:steepest:1', [[1e-3, 0], [1e-3, 3.5]]], ['ref:min10:1', [[0.01, 0], [0.01, 3.5]]]]);
  });

  it('ECharts draws both suggestion lines on the log axis, wherever they fall (its markLine dropped one at 0.0042)', () => {
    const r = result(Array.from({ length: 50 }, (_, i) => [1e-7 * 1e8 ** (i / 49), 2 - i / 50, 2 - i / 50] as [number, number, number]), 0.0042, 0.0129);
    const svg = renderSvg(buildLrRangeOption({ curves: [{ key: '1', name: 'bs=32', color: '#2f6fde', result: r }] }));
    expect(svg).toContain('steepest 0.0042');
    expect(svg).toContain('min / 10 0.013');
  });

  it('rounds the y top to a readable tick', () => {
    expect(niceCeil(3.95)).toBe(4);
    expect(niceCeil(0.72)).toBe(0.75);
    expect(niceCeil(2.3)).toBe(2.5);
    expect(niceCeil(10)).toBe(10);
  });

  it('takes the smoothed maximum (rounded up) when it stays below the headroom, and marks nothing without suggestions', () => {
    const r = result([[1e-5, 2, 2], [1e-4, 2.1, 2.05], [1e-3, null, null]], null, null);
    expect(lrRangeYMax([{ key: '1', name: 'a', color: '#000', result: r }])).toBe(2.5);
    const option = buildLrRangeOption({ curves: [{ key: '1', name: 'a', color: '#000', result: r }] }) as unknown as AnyOption;
    expect(refs(option)).toEqual([]);
    expect(lrRangeYMax([])).toBeNull();
  });
});
