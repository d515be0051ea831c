/**
 * A metric over two different hyperparameters (e.g. learning rate × batch size): one cell per value pair.
 * A cell without a value stays blank; it is never painted with a colour of the scale.
 */
import type { EChartsOption } from 'echarts';
import type { ParamName } from '../contract';
import { distinctSorted, formatParamScalar, type ParamScalar } from './categories';
import { meanStd } from './aggregate';
import { asParams, tooltipLine, tooltipTitle } from './tooltip';
import { formatNumber } from '../lib/format';
import { paramLabel } from '../form/params';

export interface HeatmapRun {
  params: Partial<Record<string, ParamScalar>>;
  /** The run's configuration (its experiment and every varying hyperparameter but the seed). */
  config: string;
  value: number | null;
}

export interface HeatmapCell {
  /** Indexes into xValues / yValues. */
  x: number;
  y: number;
  value: number;
  /** Runs in the cell, how many had a value, and how many configurations they form. */
  runs: number;
  withValue: number;
  configs: number;
}

export interface HeatmapData {
  xValues: ParamScalar[];
  yValues: ParamScalar[];
  /** Only cells with a value: the others are left blank. */
  cells: HeatmapCell[];
}

/** 'mean': mean over seeds (of the cell's best configuration when other hyperparameters vary); 'best': the best run. */
export type HeatmapReduce = 'mean' | 'best';

export function heatmapCells(runs: readonly HeatmapRun[], xParam: string, yParam: string, reduce: HeatmapReduce, lowerIsBetter: boolean): HeatmapData {
  const xValues = distinctSorted(runs.map((r) => r.params[xParam]));
  const yValues = distinctSorted(runs.map((r) => r.params[yParam]));
  const pick = (values: number[]) => (lowerIsBetter ? Math.min(...values) : Math.max(...values));
  const cells: HeatmapCell[] = [];
  xValues.forEach((xv, x) => {
    yValues.forEach((yv, y) => {
      const members = runs.filter((r) => r.params[xParam] === xv && r.params[yParam] === yv);
      const withValue = members.filter((r): r is HeatmapRun & { value: number } => r.value !== null && Number.isFinite(r.value));
      const configs = new Set(members.map((r) => r.config)).size;
      if (withValue.length === 0) return;
      let value: number;
      if (reduce === 'best') value = pick(withValue.map((r) => r.value));
      else {
        const byConfig = new Map<string, number[]>();
        for (const r of withValue) byConfig.set(r.config, [...(byConfig.get(r.config) ?? []), r.value]);
        value = pick([...byConfig.values()].map((v) => meanStd(v)!.mean));
      }
      cells.push({ x, y, value, runs: members.length, withValue: withValue.length, configs });
    });
  });
  return { xValues, yValues, cells };
}

/**
 * The two hyperparameters to draw: the requested ones when they are two different varying ones, else
 * learning rate × batch size, else the first two that vary (seeds only repeat a configuration). Null with
 * the reason when fewer than two vary.
 */
export function heatmapAxes(varying: readonly ParamName[], requested: { x?: ParamName | null; y?: ParamName | null } = {}): { x: ParamName; y: ParamName } | { reason: string } {
  const candidates: ParamName[] = varying.filter((p) => p !== 'seed');
  if (candidates.length < 2) {
    const what = candidates.length === 1 ? `only ${paramLabel(candidates[0]).toLowerCase()} varies` : 'no hyperparameter varies';
    const seeds = varying.includes('seed') ? ' (seeds repeat a configuration, they are no axis)' : '';
    return { reason: `A heatmap needs two different hyperparameters that vary among the selected runs; ${what}${seeds}.` };
  }
  const ok = (p: ParamName | null | undefined): p is ParamName => !!p && candidates.includes(p);
  const preferred: ParamName[] = ['learningRate', 'batchSize', ...candidates];
  const x = ok(requested.x) ? requested.x : preferred.find((p) => candidates.includes(p) && p !== requested.y)!;
  const y = ok(requested.y) && requested.y !== x ? requested.y : [...preferred.slice(1), ...candidates].find((p) => candidates.includes(p) && p !== x)!;
  return { x, y };
}

export interface HeatmapOptionInput extends HeatmapData {
  xLabel: string;
  yLabel: string;
  metricLabel: string;
  lowerIsBetter: boolean;
}

// Light → dark; the best end of the metric is the dark one. The light end stays visibly tinted, so the
// worst cell never looks like an empty (blank) one on a white card.
const SCALE = ['#cddcf8', '#a3bff3', '#6f97ea', '#2f6fde', '#173f8c'];

export function buildHeatmapOption(input: HeatmapOptionInput): EChartsOption {
  const values = input.cells.map((c) => c.value);
  const min = values.length ? Math.min(...values) : 0;
  const max = values.length ? Math.max(...values) : 1;
  const xNames = input.xValues.map(formatParamScalar);
  const yNames = input.yValues.map(formatParamScalar);
  return {
    animation: false,
    grid: { left: 90, right: 110, top: 20, bottom: 60 },
    xAxis: { type: 'category', data: xNames, name: input.xLabel, nameLocation: 'middle', nameGap: 32, axisLabel: { hideOverlap: true } },
    yAxis: { type: 'category', data: yNames, name: input.yLabel, nameLocation: 'middle', nameGap: 56, nameRotate: 90, axisLabel: { hideOverlap: true } },
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
        const [x, y, value] = data as [number, number, number];
        const cell = input.cells.find((c) => c.x === x && c.y === y);
        const title = `${input.xLabel} ${xNames[x] ?? ''} · ${input.yLabel} ${yNames[y] ?? ''}`;
        const runs = cell ? `${cell.withValue} of ${cell.runs} run${cell.runs === 1 ? '' : 's'}${cell.configs > 1 ? `, ${cell.configs} configurations` : ''}` : '';
        return tooltipTitle(title) + tooltipLine(p.color, input.metricLabel, formatNumber(value)) + `<br/>${runs}`;
      },
    },
    series: [
      {
        type: 'heatmap',
        name: input.metricLabel,
        data: input.cells.map((c) => [c.x, c.y, c.value]),
        label: { show: true, formatter: (p: { value?: unknown }) => (Array.isArray(p.value) && typeof p.value[2] === 'number' ? formatNumber(p.value[2], 3) : '') },
        // A thin edge that reads on light and dark cards alike: a filled cell is a cell, whatever its colour.
        itemStyle: { borderColor: 'rgba(128, 128, 128, 0.35)', borderWidth: 1 },
        emphasis: { itemStyle: { borderColor: '#222', borderWidth: 1 } },
      },
    ],
  } as EChartsOption;
}
