/** Parallel coordinates: one axis per hyperparameter that varies, the metric last, one line per run. */
import type { EChartsOption } from 'echarts';
import { distinctSorted, formatParamScalar, type ParamScalar } from './categories';
import { escapeHtml } from './escape';
import { asParams, tooltipTitle } from './tooltip';
import { formatNumber } from '../lib/format';

export interface ParallelRun {
  label: string;
  params: Partial<Record<string, ParamScalar>>;
  metric: number | null;
}

export interface ParallelDim {
  key: string;
  label: string;
}

export interface ParallelOptionInput {
  dims: ParallelDim[];
  runs: ParallelRun[];
  metricLabel: string;
  lowerIsBetter: boolean;
}

type AxisSpec =
  | { kind: 'value'; log: boolean }
  | { kind: 'category'; values: string[] };

/** Numbers get a value axis (log when they are positive and span two decades or more, like learning rates). */
export function axisFor(values: readonly (ParamScalar | undefined)[]): AxisSpec {
  const distinct = distinctSorted(values);
  if (distinct.length > 0 && distinct.every((v) => typeof v === 'number')) {
    const nums = distinct as number[];
    const log = nums[0] > 0 && nums[nums.length - 1] / nums[0] >= 100;
    return { kind: 'value', log };
  }
  return { kind: 'category', values: distinct.map((v) => formatParamScalar(v)) };
}

export function buildParallelOption(input: ParallelOptionInput): EChartsOption {
  const runs = input.runs.filter((r) => r.metric !== null && Number.isFinite(r.metric));
  const axes = input.dims.map((d) => axisFor(runs.map((r) => r.params[d.key])));
  const metrics = runs.map((r) => r.metric as number);
  const min = metrics.length ? Math.min(...metrics) : 0;
  const max = metrics.length ? Math.max(...metrics) : 1;
  const parallelAxis = [
    ...input.dims.map((d, i) => {
      const axis = axes[i];
      return axis.kind === 'category'
        ? { dim: i, name: d.label, type: 'category' as const, data: axis.values }
        : { dim: i, name: d.label, type: axis.log ? ('log' as const) : ('value' as const), scale: true };
    }),
    { dim: input.dims.length, name: input.metricLabel, type: 'value' as const, scale: true, inverse: input.lowerIsBetter },
  ];
  const data = runs.map((r) => ({
    name: r.label,
    value: [
      ...input.dims.map((d, i) => {
        const v = r.params[d.key];
        return axes[i].kind === 'category' ? formatParamScalar(v) : (v ?? null);
      }),
      r.metric,
    ],
  }));
  return {
    animation: false,
    parallel: { left: 60, right: 150, top: 40, bottom: 30 },
    parallelAxis,
    visualMap: {
      type: 'continuous',
      dimension: input.dims.length,
      min,
      max: max > min ? max : min + 1e-9,
      right: 10,
      top: 'middle',
      calculable: true,
      text: [input.lowerIsBetter ? 'worse' : 'better', input.lowerIsBetter ? 'better' : 'worse'],
      inRange: { color: input.lowerIsBetter ? ['#2b8a3e', '#fab005', '#e03131'] : ['#e03131', '#fab005', '#2b8a3e'] },
      formatter: (v: unknown) => formatNumber(typeof v === 'number' ? v : null, 3),
    },
    tooltip: {
      trigger: 'item',
      confine: true,
      formatter: (params: unknown) => {
        const p = asParams(params)[0];
        if (!p || !Array.isArray(p.value)) return '';
        const values = p.value as unknown[];
        const lines = input.dims.map((d, i) => `${escapeHtml(d.label)}: ${escapeHtml(String(values[i] ?? '—'))}`);
        lines.push(`${escapeHtml(input.metricLabel)}: <b>${escapeHtml(formatNumber(values[input.dims.length] as number))}</b>`);
        return tooltipTitle(p.name ?? '') + lines.join('<br/>');
      },
    },
    series: [{ type: 'parallel', lineStyle: { width: 1.5, opacity: 0.6 }, emphasis: { lineStyle: { width: 3, opacity: 1 } }, data }],
  } as EChartsOption;
}
