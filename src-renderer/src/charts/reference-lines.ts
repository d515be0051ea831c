/**
 * Reference lines (a suggested learning rate, a batch size, B_crit) as two-point line series. ECharts'
 * markLine silently drops some values on log axes (a vertical mark at x = 0.0042 on a 1e-7…10 log axis is
 * not drawn, while one at 0.0129 is), so the lines are drawn as data instead.
 */
export interface ReferenceLine {
  id: string;
  from: readonly [number, number];
  to: readonly [number, number];
  color: string;
  dashed?: boolean;
  label: string;
  /** Which end carries the label (default `to`), and where around that point. */
  labelAt?: 'from' | 'to';
  labelPosition?: 'top' | 'right' | 'left';
  xAxisIndex?: number;
  yAxisIndex?: number;
}

export function referenceSeries(line: ReferenceLine): object {
  return {
    type: 'line',
    id: `ref:${line.id}`,
    name: line.label,
    data: [line.from, line.to].map((point, i) => ({
      value: [...point],
      ...(line.label && (i === 0) === (line.labelAt === 'from')
        ? { label: { show: true, formatter: line.label, position: line.labelPosition ?? 'top', color: line.color, fontSize: 11 } }
        : {}),
    })),
    xAxisIndex: line.xAxisIndex ?? 0,
    yAxisIndex: line.yAxisIndex ?? 0,
    color: line.color,
    // A line series shows point labels only where it draws symbols: invisible ones carry the label.
    symbol: 'circle',
    symbolSize: 0.1,
    showSymbol: true,
    lineStyle: { color: line.color, type: line.dashed ? 'dashed' : 'solid', width: 1.2 },
    silent: true,
    tooltip: { show: false },
    z: 1,
  };
}
