/** Parallel coordinates: one axis per hyperparameter that varies, the metric last, one line per run. */
import type { EChartsOption } from 'echarts';
import { distinctSorted, formatParamScalar, type ParamScalar } from './categories';
import { escapeHtml } from './escape';
import { asParams, tooltipTitle } from './tooltip';
import { formatCountTick, formatLinearTick, formatLogTick, linearTicks, logTicks } from './ticks';
import { formatNumber } from '../lib/format';

export interface ParallelRun {
  label: string;
  params: Partial<Record<string, ParamScalar>>;
  metric: number | null;
}

export interface ParallelDim {
  key: string;
  label: string;
  /** Whole numbers only (batch size, epochs, seed…): ticks on integers. */
  integer?: boolean;
  /** Drawn from a log range in a spec: a log axis whatever the values. */
  logRange?: boolean;
}

export interface ParallelOptionInput {
  dims: ParallelDim[];
  runs: ParallelRun[];
  metricLabel: string;
  lowerIsBetter: boolean;
  /** Log scale for the metric axis (when every value is positive). */
  logMetric?: boolean;
}

type AxisSpec =
  | { kind: 'value'; log: boolean; integer: boolean }
  | { kind: 'category'; values: string[] };

/** Values spaced by a constant ratio (16, 64, 256 or 1e-4, 1e-3, 1e-2): what a log range or a doubling grid gives. */
function geometric(nums: readonly number[]): boolean {
  if (nums.length < 3 || nums[0] <= 0) return false;
  const ratios = nums.slice(1).map((v, i) => v / nums[i]);
  return ratios.every((r) => Math.abs(Math.log(r) - Math.log(ratios[0])) < 0.05 * Math.abs(Math.log(ratios[0])) + 1e-9) && ratios[0] > 1.5;
}

/**
 * Numbers get a value axis: log when they come from a log range, are spaced geometrically, or are positive
 * and span two decades or more (learning rates); integer ticks for whole-number hyperparameters.
 */
export function axisFor(values: readonly (ParamScalar | undefined)[], hints: Pick<ParallelDim, 'integer' | 'logRange'> = {}): AxisSpec {
  const distinct = distinctSorted(values);
  if (distinct.length > 0 && distinct.every((v) => typeof v === 'number')) {
    const nums = distinct as number[];
    const positive = nums[0] > 0;
    const log = positive && (hints.logRange === true || nums[nums.length - 1] / nums[0] >= 100 || geometric(nums));
    return { kind: 'value', log, integer: hints.integer === true || nums.every((n) => Number.isInteger(n)) };
  }
  return { kind: 'category', values: distinct.map((v) => formatParamScalar(v)) };
}

function integerLabel(v: number): string {
  return Number.isInteger(v) ? formatCountTick(v) : '';
}

function metricAxis(dim: number, name: string, inverse: boolean, values: readonly number[], log: boolean): object {
  if (values.length === 0) return { dim, name, type: 'value', scale: true, inverse };
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  if (log && lo > 0) {
    const ticks = logTicks(lo, hi);
    return { dim, name, type: 'log', inverse, min: ticks.min, max: ticks.max, axisLabel: { formatter: (v: number) => formatLogTick(v, ticks), hideOverlap: true } };
  }
  const ticks = linearTicks(lo, hi);
  return { dim, name, type: 'value', inverse, min: ticks.min, max: ticks.max, interval: ticks.interval, axisLabel: { formatter: (v: number) => formatLinearTick(v, ticks), hideOverlap: true } };
}

export function buildParallelOption(input: ParallelOptionInput): EChartsOption {
  const runs = input.runs.filter((r) => r.metric !== null && Number.isFinite(r.metric));
  const axes = input.dims.map((d) => axisFor(runs.map((r) => r.params[d.key]), d));
  const metrics = runs.map((r) => r.metric as number);
  const min = metrics.length ? Math.min(...metrics) : 0;
  const max = metrics.length ? Math.max(...metrics) : 1;
  const parallelAxis = [
    ...input.dims.map((d, i) => {
      const axis = axes[i];
      if (axis.kind === 'category') return { dim: i, name: d.label, type: 'category' as const, data: axis.values };
      const nums = runs.map((r) => r.params[d.key]).filter((v): v is number => typeof v === 'number');
      if (axis.log) {
        const ticks = logTicks(Math.min(...nums), Math.max(...nums));
        return { dim: i, name: d.label, type: 'log' as const, min: ticks.min, max: ticks.max, axisLabel: { formatter: (v: number) => formatLogTick(v, ticks), hideOverlap: true } };
      }
      return axis.integer
        ? { dim: i, name: d.label, type: 'value' as const, scale: true, minInterval: 1, axisLabel: { formatter: integerLabel, hideOverlap: true } }
        : { dim: i, name: d.label, type: 'value' as const, scale: true, axisLabel: { formatter: (v: number) => formatNumber(v, 3), hideOverlap: true } };
    }),
    metricAxis(input.dims.length, input.metricLabel, input.lowerIsBetter, metrics, input.logMetric === true),
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
