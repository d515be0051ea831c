/** Hyperparameter importance as horizontal bars, the most important on top (values from the server's fANOVA). */
import type { EChartsOption } from 'echarts';
import type { ParamImportance, ParamName } from '../contract';
import { formatPercent } from '../lib/format';
import { colorAt } from './palette';
import { asParams, tooltipLine } from './tooltip';

export const IMPORTANCE_ROW_HEIGHT = 34;

export function importanceChartHeight(count: number): number {
  return 60 + Math.max(1, count) * IMPORTANCE_ROW_HEIGHT;
}

export function buildImportanceOption(result: ParamImportance, labelOf: (param: ParamName) => string): EChartsOption {
  // Category axes draw bottom-up: the least important first puts the most important on top.
  const rows = [...result.importances].sort((a, b) => a.importance - b.importance);
  return {
    animation: false,
    grid: { left: 120, right: 64, top: 8, bottom: 32 },
    xAxis: { type: 'value', min: 0, max: 1, axisLabel: { formatter: (v: number) => formatPercent(v, 0) } },
    yAxis: { type: 'category', data: rows.map((r) => labelOf(r.param)) },
    tooltip: {
      trigger: 'item',
      formatter: (params: unknown) => {
        const [p] = asParams(params);
        return p ? tooltipLine(p.color, String(p.name ?? ''), formatPercent(typeof p.value === 'number' ? p.value : null)) : '';
      },
    },
    series: [
      {
        type: 'bar',
        id: 'importance',
        color: colorAt(0),
        data: rows.map((r) => r.importance),
        label: { show: true, position: 'right', formatter: (p: { value: number }) => formatPercent(p.value) },
        barMaxWidth: 22,
      },
    ],
  } as EChartsOption;
}
