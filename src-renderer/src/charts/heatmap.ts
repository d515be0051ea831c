/** A metric over two hyperparameters (e.g. learning rate × batch size): one cell per value pair. */
import type { EChartsOption } from 'echarts';
import { distinctSorted, formatParamScalar, type ParamScalar } from './categories';
import { meanStd } from './aggregate';
import { asParams, tooltipLine, tooltipTitle } from './tooltip';
import { formatNumber } from '../lib/format';

export interface HeatmapRun {
  params: Partial<Record<string, ParamScalar>>;
  value: number | null;
}

export interface HeatmapCell {
  /** Indexes into xValues / yValues. */
  x: number;
  y: number;
  /** Mean over the cell's runs with a value (seeds, other parameters), or the best one. */
  value: number | null;
  /** Runs in the cell, and how many had a value. */
  runs: number;
  withValue: number;
}

export interface HeatmapData {
  xValues: ParamScalar[];
  yValues: ParamScalar[];
  cells: HeatmapCell[];
}

export function heatmapCells(
  runs: readonly HeatmapRun[],
  xParam: string,
  yParam: string,
  reduce: 'mean' | 'best',
  lowerIsBetter: boolean,
): HeatmapData {
  const xValues = distinctSorted(runs.map((r) => r.params[xParam]));
  const yValues = distinctSorted(runs.map((r) => r.params[yParam]));
  const cells: HeatmapCell[] = [];
  xValues.forEach((xv, x) => {
    yValues.forEach((yv, y) => {
      const members = runs.filter((r) => r.params[xParam] === xv && r.params[yParam] === yv);
      if (members.length === 0) return;
      const values = members.map((r) => r.value).filter((v): v is number => v !== null && Number.isFinite(v));
      let value: number | null = null;
      if (values.length) value = reduce === 'mean' ? meanStd(values)!.mean : lowerIsBetter ? Math.min(...values) : Math.max(...values);
      cells.push({ x, y, value, runs: members.length, withValue: values.length });
    });
  });
  return { xValues, yValues, cells };
}

export interface HeatmapOptionInput extends HeatmapData {
  xLabel: string;
  yLabel: string;
  metricLabel: string;
  lowerIsBetter: boolean;
}

// Light → dark; the best end of the metric is the dark one.
const SCALE = ['#f1f5fe', '#b9cdf7', '#6f97ea', '#2f6fde', '#173f8c'];

export function buildHeatmapOption(input: HeatmapOptionInput): EChartsOption {
  const finite = input.cells.map((c) => c.value).filter((v): v is number => v !== null);
  const min = finite.length ? Math.min(...finite) : 0;
  const max = finite.length ? Math.max(...finite) : 1;
  const xNames = input.xValues.map(formatParamScalar);
  const yNames = input.yValues.map(formatParamScalar);
  return {
    animation: false,
    grid: { left: 90, right: 110, top: 20, bottom: 60 },
    xAxis: { type: 'category', data: xNames, name: input.xLabel, nameLocation: 'middle', nameGap: 32, splitArea: { show: true } },
    yAxis: { type: 'category', data: yNames, name: input.yLabel, nameLocation: 'middle', nameGap: 56, nameRotate: 90, splitArea: { show: true } },
    visualMap: {
      type: 'continuous',
      min,
      max: max > min ? max : min + 1e-9,
      calculable: true,
      orient: 'vertical',
      right: 10,
      top: 'middle',
      text: [input.lowerIsBetter ? 'worse' : 'better', input.lowerIsBetter ? 'better' : 'worse'],
      inRange: { color: input.lowerIsBetter ? [...SCALE].reverse() : SCALE },
      formatter: (v: unknown) => formatNumber(typeof v === 'number' ? v : null, 3),
    },
    tooltip: {
      trigger: 'item',
      confine: true,
      formatter: (params: unknown) => {
        const p = asParams(params)[0];
        const data = p?.value;
        if (!Array.isArray(data)) return '';
        const [x, y, value] = data as [number, number, number | null];
        const cell = input.cells.find((c) => c.x === x && c.y === y);
        const title = `${input.xLabel} ${xNames[x] ?? ''} · ${input.yLabel} ${yNames[y] ?? ''}`;
        const runs = cell ? `${cell.withValue} of ${cell.runs} run${cell.runs === 1 ? '' : 's'}` : '';
        return tooltipTitle(title) + tooltipLine(p.color, input.metricLabel, formatNumber(value)) + `<br/>${runs}`;
      },
    },
    series: [
      {
        type: 'heatmap',
        name: input.metricLabel,
        data: input.cells.map((c) => [c.x, c.y, c.value ?? '-']),
        label: { show: true, formatter: (p: { value?: unknown }) => (Array.isArray(p.value) && typeof p.value[2] === 'number' ? formatNumber(p.value[2], 3) : '—') },
        emphasis: { itemStyle: { borderColor: '#222', borderWidth: 1 } },
      },
    ],
  } as EChartsOption;
}
