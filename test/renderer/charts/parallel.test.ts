import { describe, expect, it } from 'vitest';
import { axisFor, buildParallelOption } from '../../../src-renderer/src/charts/parallel';

describe('axisFor', () => {
  it('chooses log for positive numbers spanning two decades, categories for words', () => {
    expect(axisFor([1e-4, 1e-3, 1e-2])).toEqual({ kind: 'value', log: true });
    expect(axisFor([16, 64, 256])).toEqual({ kind: 'value', log: false });
    expect(axisFor(['adam', 'sgd'])).toEqual({ kind: 'category', values: ['adam', 'sgd'] });
  });
});

describe('buildParallelOption', () => {
  const option = buildParallelOption({
    dims: [{ key: 'learningRate', label: 'lr' }, { key: 'optimizer', label: 'optimizer' }],
    runs: [
      { label: '<script>x</script>', params: { learningRate: 0.1, optimizer: 'adam' }, metric: 0.4 },
      { label: 'b', params: { learningRate: 0.001, optimizer: 'sgd' }, metric: 0.8 },
      { label: 'diverged', params: { learningRate: 10, optimizer: 'sgd' }, metric: null },
    ],
    metricLabel: 'best val loss',
    lowerIsBetter: true,
  }) as unknown as {
    parallelAxis: Array<{ dim: number; type: string; name: string; data?: string[]; inverse?: boolean }>;
    series: Array<{ data: Array<{ name: string; value: unknown[] }> }>;
    visualMap: { dimension: number; min: number; max: number };
    tooltip: { formatter: (p: unknown) => string };
  };

  it('has one axis per parameter and the metric last, best on top', () => {
    expect(option.parallelAxis.map((a) => a.name)).toEqual(['lr', 'optimizer', 'best val loss']);
    expect(option.parallelAxis[0].type).toBe('log');
    expect(option.parallelAxis[1]).toMatchObject({ type: 'category', data: ['adam', 'sgd'] });
    expect(option.parallelAxis[2].inverse).toBe(true);
    expect(option.visualMap).toMatchObject({ dimension: 2, min: 0.4, max: 0.8 });
  });

  it('leaves runs without a metric out and escapes run labels in the tooltip', () => {
    expect(option.series[0].data.map((d) => d.value)).toEqual([[0.1, 'adam', 0.4], [0.001, 'sgd', 0.8]]);
    const html = option.tooltip.formatter({ name: '<script>x</script>', value: [0.1, 'adam', 0.4] });
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
  });
});
