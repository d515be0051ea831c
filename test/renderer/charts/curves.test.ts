import { describe, expect, it } from 'vitest';
import { buildPanelsOption, curvesTooltip, panelsChartHeight, yRange, type PanelInput } from '../../../src-renderer/src/charts/curves';
import { xOf, type CurvePoint } from '../../../src-renderer/src/charts/axes';

interface AnySeries { id: string; type: string; name: string; data: unknown[]; xAxisIndex: number; stack?: string; markPoint?: { data: Array<{ coord: number[] }> }; lineStyle?: { type?: string } }
interface AnyOption { series: AnySeries[]; xAxis: Array<{ name: string; gridIndex: number }>; yAxis: Array<{ type: string; min?: number; max?: number }>; grid: unknown[]; legend: { data: string[] }; tooltip: { formatter: (p: unknown) => string }; animation: boolean }

const panel = (title: string, name: string, points: Array<[number, number | null]>, extra: Partial<PanelInput['series'][0]> = {}): PanelInput => ({
  title,
  series: [{ key: name, name, color: '#2f6fde', points, ...extra }],
});

describe('xOf', () => {
  const p: CurvePoint = { epoch: 2, step: 22, samplesSeen: 2100, elapsedMs: 1500, value: 0.5 };
  it('maps one point onto each of the four axes', () => {
    expect(xOf(p, 'epoch')).toBe(2);
    expect(xOf(p, 'iteration')).toBe(22);
    expect(xOf(p, 'samples')).toBe(2100);
    expect(xOf(p, 'time')).toBe(1.5);
  });
});

describe('buildPanelsOption', () => {
  it('lays out one grid and axis pair per panel, linked, with one legend entry per name', () => {
    const option = buildPanelsOption({
      panels: [panel('Training loss', 'bs=16', [[1, 1], [2, 0.5]]), panel('Validation loss', 'bs=16', [[1, 1.2], [2, 0.9]])],
      columns: 2, xAxis: 'samples', logY: false, sharedY: true,
    }) as unknown as AnyOption;
    expect(option.grid).toHaveLength(2);
    expect(option.xAxis.map((a) => a.gridIndex)).toEqual([0, 1]);
    expect(option.xAxis[0].name).toBe('Samples seen');
    expect(option.legend.data).toEqual(['bs=16']);
    expect(option.series.map((s) => s.xAxisIndex)).toEqual([0, 1]);
    // Shared y: both panels get the same explicit range covering 0.5 … 1.2.
    expect(option.yAxis[0].min).toBe(option.yAxis[1].min);
    expect(option.yAxis[0].max).toBe(option.yAxis[1].max);
    expect(option.yAxis[0].min!).toBeLessThan(0.5);
    expect(option.yAxis[0].max!).toBeGreaterThan(1.2);
  });

  it('uses a log axis with decade bounds and drops non-positive values there', () => {
    const option = buildPanelsOption({
      panels: [panel('Loss', 'a', [[1, 0.02], [2, 0], [3, 3]])], columns: 1, xAxis: 'epoch', logY: true, sharedY: true,
    }) as unknown as AnyOption;
    expect(option.yAxis[0]).toMatchObject({ type: 'log', min: 0.01, max: 10 });
    expect(option.series[0].data).toEqual([[1, 0.02], [2, null], [3, 3]]);
  });

  it('draws a ± std band as two stacked helper series and a best-epoch marker', () => {
    const option = buildPanelsOption({
      panels: [panel('Val', 'bs=16 (3 seeds)', [[1, 1], [2, 0.5]], { band: [{ x: 1, lo: 0.9, hi: 1.1 }, { x: 2, lo: 0.4, hi: 0.6 }], best: { x: 2, y: 0.5 } })],
      columns: 1, xAxis: 'epoch', logY: false, sharedY: false,
    }) as unknown as AnyOption;
    // The line comes first so the legend icon takes its color, then the band.
    const [line, lo, hi] = option.series;
    expect(line.id).toMatch(/^line:/);
    expect((lo as unknown as { color: string }).color).toBe('#2f6fde');
    expect(lo.stack).toBe(hi.stack);
    expect(lo.data).toEqual([[1, 0.9], [2, 0.4]]);
    expect((hi.data as number[][]).map(([x, w]) => [x, Number(w.toFixed(12))])).toEqual([[1, 0.2], [2, 0.2]]);
    expect(line.markPoint?.data[0].coord).toEqual([2, 0.5]);
    expect(option.legend.data).toEqual(['bs=16 (3 seeds)']);
  });

  it('rounds a shared linear range outwards to readable ends, never below 0 for positive data', () => {
    expect(yRange([panel('x', 'a', [[1, 0.0036], [2, 1.06]])], false)).toEqual({ min: 0, max: 1.2 });
    expect(yRange([panel('x', 'a', [[1, -0.2], [2, 0.3]])], false)).toEqual({ min: -0.22, max: 0.32 });
    expect(yRange([panel('x', 'a', [[1, 5], [2, 5]])], false)).toEqual({ min: 4.8, max: 5.2 });
  });

  it('does not animate: live data replaces the option several times a second', () => {
    const option = buildPanelsOption({ panels: [panel('x', 'a', [[1, 1]])], columns: 1, xAxis: 'iteration', logY: false, sharedY: false }) as unknown as AnyOption;
    expect(option.animation).toBe(false);
  });

  it('chart height grows by rows', () => {
    expect(panelsChartHeight(4, 2)).toBe(panelsChartHeight(2, 1));
    expect(panelsChartHeight(1, 2)).toBeLessThan(panelsChartHeight(3, 2));
  });

  it('yRange is null without finite data', () => {
    expect(yRange([panel('x', 'a', [[1, null]])], false)).toBeNull();
  });
});

describe('curvesTooltip', () => {
  it('escapes series names and leaves helper series out', () => {
    const html = curvesTooltip(
      [
        { seriesId: 'band-lo:0:a', seriesName: 'x', value: [3, 0.1], color: '#000' },
        { seriesId: 'line:0:a', seriesName: '<img src=x onerror=alert(1)>', value: [3, 0.25], color: '#2f6fde' },
        { seriesId: 'raw:0:a', seriesName: 'raw', value: [3, 0.3], color: '#2f6fde' },
      ],
      'iteration',
    );
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('iteration 3');
    expect(html).toContain('0.25');
    expect(html).not.toContain('raw');
  });
});
