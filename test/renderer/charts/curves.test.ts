import { describe, expect, it } from 'vitest';
import { bandStretches, buildPanelsOption, curvesTooltip, panelsChartHeight, yExtent, zoomTo, type LineSeriesInput, type PanelInput } from '../../../src-renderer/src/charts/curves';
import { xOf, type CurvePoint } from '../../../src-renderer/src/charts/axes';
import { renderSvg } from '../../../src-renderer/src/charts/svg';
import { axisScale, inside, parseSvg, yTicks } from '../svg-geometry';

interface AnySeries { id: string; type: string; name: string; data: unknown[]; xAxisIndex: number; markPoint?: { data: Array<{ coord: number[]; name: string }> }; lineStyle?: { type?: string; opacity?: number } }
interface AnyAxis { type: string; min?: number; max?: number; interval?: number; minInterval?: number; name?: string; gridIndex: number; axisLabel: { formatter?: (v: number) => string } }
interface AnyOption { series: AnySeries[]; xAxis: AnyAxis[]; yAxis: AnyAxis[]; grid: unknown[]; legend: { data: string[] }; tooltip: { formatter: (p: unknown) => string }; animation: boolean }

const line = (name: string, points: Array<[number, number | null]>, extra: Partial<LineSeriesInput> = {}): LineSeriesInput => ({ key: name, name, color: '#2f6fde', points, ...extra });
const panel = (title: string, ...series: LineSeriesInput[]): PanelInput => ({ title, series });
const build = (panels: PanelInput[], extra: Partial<Parameters<typeof buildPanelsOption>[0]> = {}) =>
  buildPanelsOption({ panels, columns: panels.length, xAxis: 'epoch', logY: false, sharedY: false, ...extra }) as unknown as AnyOption;

/** A generalization gap: negative at epoch 1 (dropout makes training loss the higher one), positive later. */
const mean = [-0.3, -0.05, 0.1, 0.25];
const std = [0.2, 0.1, 0.05, 0.08];
const gap = line('gap (mean of 3 seeds)', mean.map((m, i) => [i + 1, m]), { band: mean.map((m, i) => ({ lo: m - std[i], hi: m + std[i] })) });

describe('xOf', () => {
  const p: CurvePoint = { epoch: 2, step: 22, samplesSeen: 2100, elapsedMs: 1500, value: 0.5 };
  it('maps one point onto each of the four axes', () => {
    expect([xOf(p, 'epoch'), xOf(p, 'iteration'), xOf(p, 'samples'), xOf(p, 'time')]).toEqual([2, 22, 2100, 1.5]);
  });
});

describe('bands', () => {
  it('are one explicit polygon per stretch (lower and upper edges), never stacked areas', () => {
    const option = build([panel('Gap', gap)]);
    const band = option.series.find((s) => s.id.startsWith('band:'))!;
    expect(band.type).toBe('custom');
    expect(option.series.some((s) => 'stack' in s)).toBe(false);
    expect([...band.data]).toEqual(mean.map((m, i) => [i + 1, m - std[i], m + std[i]]));
  });

  it('enclose their line for negative values, as drawn (SVG)', () => {
    const svg = parseSvg(renderSvg(buildPanelsOption({ panels: [panel('Gap', gap)], columns: 1, xAxis: 'epoch', logY: false, sharedY: false }), 800, 320));
    expect(svg.polygons).toHaveLength(1);
    const drawn = svg.lines.find((l) => l.width === 1.8)!;
    expect(drawn.points).toHaveLength(4);
    for (const p of drawn.points) expect(inside(p, svg.polygons[0].points)).toBe(true);
    // The band's edges are mean ± std, read back through the axis labels.
    const toValue = axisScale(yTicks(svg.texts, drawn.points[0][0]), false);
    const ys = svg.polygons[0].points.map(([, y]) => toValue(y));
    expect(Math.max(...ys)).toBeCloseTo(mean[3] + std[3], 1);
    expect(Math.min(...ys)).toBeCloseTo(mean[0] - std[0], 1);
  });

  it('on a log axis are clipped at the smallest positive value, not the axis floor, and still enclose the line', () => {
    const loss = line('loss', [[1, 0.5], [2, 0.05], [3, 0.02]], { band: [{ lo: -0.2, hi: 1.2 }, { lo: 0.01, hi: 0.09 }, { lo: 0.015, hi: 0.025 }] });
    expect(bandStretches(loss, 0.01)[0].map(([, lo]) => lo)).toEqual([0.01, 0.01, 0.015]);
    const option = build([panel('Loss', loss)], { logY: true });
    const band = option.series.find((s) => s.id.startsWith('band:'))!;
    expect((band.data as number[][]).map((d) => d[1])).toEqual([0.01, 0.01, 0.015]);
    expect(option.yAxis[0]).toMatchObject({ type: 'log', min: 0.01, max: 10 });
    const svg = parseSvg(renderSvg(option as never, 800, 320));
    const drawn = svg.lines.find((l) => l.width === 1.8)!;
    for (const p of drawn.points) expect(inside(p, svg.polygons[0].points)).toBe(true);
    const toValue = axisScale(yTicks(svg.texts, drawn.points[0][0]), true);
    expect(Math.min(...svg.polygons[0].points.map(([, y]) => toValue(y)))).toBeCloseTo(0.01, 3);
  });

  it('break where fewer than two runs have a value', () => {
    const s = line('x', [[1, 1], [2, 1], [3, 1], [4, 1]], { band: [{ lo: 0.9, hi: 1.1 }, null, { lo: 0.8, hi: 1.2 }, { lo: 0.8, hi: 1.2 }] });
    expect(bandStretches(s, null).map((st) => st.map(([x]) => x))).toEqual([[1], [3, 4]]);
  });
});

describe('buildPanelsOption', () => {
  it('lays out one grid and axis pair per panel, linked, with one legend entry per name', () => {
    const option = build([panel('Training loss', line('bs=16', [[1, 1], [2, 0.5]])), panel('Validation loss', line('bs=16', [[1, 1.2], [2, 0.9]]))], { sharedY: true, xAxis: 'samples' });
    expect(option.grid).toHaveLength(2);
    expect(option.xAxis.map((a) => a.gridIndex)).toEqual([0, 1]);
    expect(option.xAxis[0].name).toBe('Samples seen');
    expect(option.legend.data).toEqual(['bs=16']);
    expect(option.yAxis[0]).toMatchObject({ min: option.yAxis[1].min, max: option.yAxis[1].max, interval: option.yAxis[1].interval });
    expect(option.yAxis[0].min!).toBeLessThanOrEqual(0.5);
    expect(option.yAxis[0].max!).toBeGreaterThanOrEqual(1.2);
  });

  it('ticks epochs on whole numbers only (no epoch 0.5)', () => {
    const option = build([panel('Loss', line('a', [[1, 1], [2, 0.5]]))]);
    expect(option.xAxis[0].minInterval).toBe(1);
    expect(option.xAxis[0].axisLabel.formatter!(1.5)).toBe('');
    expect(option.xAxis[0].axisLabel.formatter!(2)).toBe('2');
  });

  it('drops non-positive values on a log axis', () => {
    const option = build([panel('Loss', line('a', [[1, 0.02], [2, 0], [3, 3]]))], { logY: true });
    expect([...option.series[0].data]).toEqual([[1, 0.02], [2, null], [3, 3]]);
  });

  it('hands series points to ECharts as they are (marked so they are not deep-copied on every update)', () => {
    const option = build([panel('Loss', line('a', [[1, 1], [2, 0.8]]))]);
    expect((option.series[0].data as unknown as Record<string, unknown>).__ec_primitive__).toBe(true);
  });

  it('draws smoothed lines over their raw values, and markers where asked', () => {
    const option = build([panel('Loss', line('a', [[1, 1], [2, 0.8]], { raw: [1, 0.6], markers: [{ kind: 'best', x: 2, y: 0.8, label: '◆ best epoch 2' }, { kind: 'stop', x: 2, y: 0.8, label: '■ stopped early at epoch 2' }] }))]);
    const raw = option.series.find((s) => s.id.startsWith('raw:'))!;
    expect([...raw.data]).toEqual([[1, 1], [2, 0.6]]);
    expect(raw.lineStyle?.opacity).toBeLessThan(0.5);
    const drawn = option.series.find((s) => s.id.startsWith('line:'))!;
    expect(drawn.markPoint?.data.map((d) => [d.coord, d.name])).toEqual([[[2, 0.8], '◆ best epoch 2'], [[2, 0.8], '■ stopped early at epoch 2']]);
  });

  it('zooms to a dragged window: whole epochs on x, y for the panel or for all when shared', () => {
    expect(zoomTo(null, { panel: 1, x: [1.4, 3.2], y: [0.2, 0.6] }, { xAxis: 'epoch', sharedY: false })).toEqual({ x: [1, 4], y: { 1: [0.2, 0.6] } });
    const shared = zoomTo(null, { panel: 1, x: [10, 200], y: [0.2, 0.6] }, { xAxis: 'iteration', sharedY: true });
    expect(shared).toEqual({ x: [10, 200], y: { 0: [0.2, 0.6] } });
    const option = build([panel('a', line('a', [[1, 1], [5, 0.1]])), panel('b', line('a', [[1, 1], [5, 0.1]]))], { sharedY: true, zoom: shared });
    expect(option.xAxis.map((a) => [a.min, a.max])).toEqual([[10, 200], [10, 200]]);
    expect(option.yAxis.map((a) => [a.min, a.max])).toEqual([[0.2, 0.6], [0.2, 0.6]]);
    expect(zoomTo(shared, { panel: 0, x: [20, 30], y: [Number.NaN, Number.NaN] }, { xAxis: 'iteration', sharedY: true }).y).toEqual({ 0: [0.2, 0.6] });
  });

  it('does not animate: live data replaces the option several times a second', () => {
    expect(build([panel('x', line('a', [[1, 1]]))]).animation).toBe(false);
  });

  it('draws 100 runs: one line each, one legend entry each', () => {
    const many = Array.from({ length: 100 }, (_, i) => line(`run ${i + 1}`, Array.from({ length: 2000 }, (_, j) => [j + 1, 1 / (j + 1 + i)] as [number, number])));
    const option = build([panel('Batch loss', ...many)], { xAxis: 'iteration' });
    expect(option.series.filter((s) => s.id.startsWith('line:'))).toHaveLength(100);
    expect(option.legend.data).toHaveLength(100);
  });

  it('chart height grows by rows; the extent is null without finite data', () => {
    expect(panelsChartHeight(4, 2)).toBe(panelsChartHeight(2, 1));
    expect(panelsChartHeight(1, 2)).toBeLessThan(panelsChartHeight(3, 2));
    expect(yExtent([panel('x', line('a', [[1, null]]))])).toBeNull();
  });
});

describe('curvesTooltip', () => {
  it('names train and val apart, with ± std and the raw value, escaped, without helper series', () => {
    const train = line('<img src=x onerror=alert(1)>', [[1, 0.5], [2, 0.4]], { label: '<img src=x onerror=alert(1)> · train', band: [{ lo: 0.45, hi: 0.55 }, null], raw: [0.52, 0.38] });
    const val = line('<img src=x onerror=alert(1)>', [[1, 0.6], [2, 0.5]], { label: '<img src=x onerror=alert(1)> · val', markers: [{ kind: 'best', x: 1, y: 0.6, label: '◆ best epoch 1' }] });
    const option = build([panel('Training loss', train), panel('Validation loss', val)]);
    const html = option.tooltip.formatter([
      { seriesId: 'band:0:x', seriesName: 'x', value: [1, 0.1], color: '#000', dataIndex: 0 },
      { seriesId: `line:0:${train.key}`, seriesName: train.name, value: [1, 0.5], color: '#2f6fde', dataIndex: 0 },
      { seriesId: `raw:0:${train.key}`, seriesName: train.name, value: [1, 0.52], color: '#2f6fde', dataIndex: 0 },
      { seriesId: `line:1:${val.key}`, seriesName: val.name, value: [1, 0.6], color: '#2f6fde', dataIndex: 0 },
    ]);
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; · train: <b>0.5 ± 0.05 (raw 0.52)</b>');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; · val: <b>0.6</b>');
    expect(html).toContain('◆ best epoch 1');
    expect(html).toContain('epoch 1');
    expect(curvesTooltip([{ seriesId: 'band:0:a', value: [1, 1] }], 'epoch')).toBe('');
  });
});
