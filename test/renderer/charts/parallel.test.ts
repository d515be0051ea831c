import { describe, expect, it } from 'vitest';
import { axisFor, buildParallelOption } from '../../../src-renderer/src/charts/parallel';

describe('axisFor', () => {
  it('chooses log for log ranges, geometric spacing or two decades; categories for words', () => {
    expect(axisFor([1e-4, 1e-3, 1e-2])).toEqual({ kind: 'value', log: true, integer: false });
    expect(axisFor([16, 64, 256])).toEqual({ kind: 'value', log: true, integer: true });
    expect(axisFor([0.002, 0.004], { logRange: true })).toEqual({ kind: 'value', log: true, integer: false });
    expect(axisFor([10, 20, 30])).toEqual({ kind: 'value', log: false, integer: true });
    expect(axisFor([0, 0.5, 1])).toEqual({ kind: 'value', log: false, integer: false });
    expect(axisFor(['adam', 'sgd'])).toEqual({ kind: 'category', values: ['adam', 'sgd'] });
  });
});

describe('buildParallelOption', () => {
  const option = buildParallelOption({
    dims: [{ key: 'learningRate', label: 'lr' }, { key: 'optimizer', label: 'optimizer' }, { key: 'epochs', label: 'epochs', integer: true }],
    runs: [
      { label: '<script>x</script>', params: { learningRate: 0.1, optimizer: 'adam', epochs: 3 }, metric: 0.4 },
      { label: 'b', params: { learningRate: 0.001, optimizer: 'sgd', epochs: 5 }, metric: 0.8 },
      { label: 'diverged', params: { learningRate: 10, optimizer: 'sgd', epochs: 4 }, metric: null },
    ],
    metricLabel: 'best val loss',
    lowerIsBetter: true,
  }) as unknown as {
    parallelAxis: Array<{ dim: number; type: string; name: string; data?: string[]; inverse?: boolean; min?: number; max?: number; minInterval?: number; axisLabel?: { formatter: (v: number) => string } }>;
    series: Array<{ data: Array<{ name: string; value: unknown[] }> }>;
    visualMap: { dimension: number; min: number; max: number };
    tooltip: { formatter: (p: unknown) => string };
  };

  it('has one axis per parameter and the metric last, best on top', () => {
    expect(option.parallelAxis.map((a) => a.name)).toEqual(['lr', 'optimizer', 'epochs', 'best val loss']);
    expect(option.parallelAxis[0]).toMatchObject({ type: 'log', min: 0.001, max: 0.1 });
    expect(option.parallelAxis[0].axisLabel!.formatter(0.01)).toBe('0.01');
    expect(option.parallelAxis[1]).toMatchObject({ type: 'category', data: ['adam', 'sgd'] });
    expect(option.parallelAxis[2]).toMatchObject({ type: 'value', minInterval: 1 });
    expect(option.parallelAxis[2].axisLabel!.formatter(3.5)).toBe('');
    expect(option.parallelAxis[3].inverse).toBe(true);
    expect(option.visualMap).toMatchObject({ dimension: 3, min: 0.4, max: 0.8 });
  });

  it('leaves runs without a metric out and escapes run labels in the tooltip', () => {
    expect(option.series[0].data.map((d) => d.value)).toEqual([[0.1, 'adam', 3, 0.4], [0.001, 'sgd', 5, 0.8]]);
    const html = option.tooltip.formatter({ name: '<script>x</script>', value: [0.1, 'adam', 3, 0.4] });
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
  });

  it('puts the metric on a log axis when asked and every value is positive', () => {
    const log = buildParallelOption({ dims: [], runs: [{ label: 'a', params: {}, metric: 0.02 }, { label: 'b', params: {}, metric: 3 }], metricLabel: 'm', lowerIsBetter: true, logMetric: true }) as unknown as { parallelAxis: Array<{ type: string }> };
    expect(log.parallelAxis[0].type).toBe('log');
  });
});
