/**
 * Sharpness against batch size next to the generalization gap: two panels sharing a log x axis of batch
 * sizes, one point per run (at the chosen checkpoint) and a line through each batch size's median — the
 * picture Keskar et al. (2017) drew: larger batches, sharper minima, larger gap.
 */
import type { EChartsOption } from 'echarts';
import type { CheckpointPoint, SharpnessVsBatchRow } from '../contract';
import { formatNumber } from '../lib/format';
import { asParams, tooltipLine, tooltipTitle } from './tooltip';

export type SharpnessMetric = 'topEigenvalue' | 'epsSharpness';
export const SHARPNESS_METRICS: Record<SharpnessMetric, string> = {
  topEigenvalue: 'Top Hessian eigenvalue',
  epsSharpness: 'ε-sharpness (%)',
};

export interface SharpnessOptionInput {
  rows: readonly SharpnessVsBatchRow[];
  checkpoint: CheckpointPoint;
  metric: SharpnessMetric;
  /** Run label for tooltips. */
  labelOf: (runId: number) => string;
}

const median = (values: number[]): number => {
  const v = [...values].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
};

/** [batch size, median] for each batch size with a finite value, in batch-size order. */
export function medianByBatch(points: ReadonlyArray<readonly [number, number]>): Array<[number, number]> {
  const sizes = [...new Set(points.map((p) => p[0]))].sort((a, b) => a - b);
  return sizes.map((b) => [b, median(points.filter((p) => p[0] === b).map((p) => p[1]))]);
}

export function sharpnessPoints(rows: readonly SharpnessVsBatchRow[], checkpoint: CheckpointPoint, key: SharpnessMetric | 'gap') {
  return rows
    .filter((r) => r.checkpoint === checkpoint)
    .flatMap((r) => {
      const v = r[key];
      return v !== null && Number.isFinite(v) ? [{ runId: r.runId, point: [r.batchSize, v] as [number, number] }] : [];
    });
}

export function buildSharpnessOption(input: SharpnessOptionInput): EChartsOption {
  const panels: Array<{ title: string; key: SharpnessMetric | 'gap'; color: string }> = [
    { title: `${SHARPNESS_METRICS[input.metric]} at the ${input.checkpoint} checkpoint`, key: input.metric, color: '#c2255c' },
    { title: 'Generalization gap at the best epoch (val − train loss)', key: 'gap', color: '#2f6fde' },
  ];
  const series: object[] = [];
  panels.forEach((panel, i) => {
    const points = sharpnessPoints(input.rows, input.checkpoint, panel.key);
    series.push({
      type: 'scatter', id: `points:${i}`, name: panel.title, xAxisIndex: i, yAxisIndex: i, color: panel.color,
      data: points.map((p) => ({ value: p.point, runId: p.runId })), symbolSize: 9,
    });
    series.push({
      type: 'line', id: `median:${i}`, name: `${panel.title} (median)`, xAxisIndex: i, yAxisIndex: i, color: panel.color,
      data: medianByBatch(points.map((p) => p.point)), showSymbol: false, lineStyle: { width: 1.5, opacity: 0.6 }, silent: true, tooltip: { show: false },
    });
  });
  return {
    animation: false,
    title: panels.map((p, i) => ({ text: p.title, left: `${i * 50 + 3}%`, top: 0, textStyle: { fontSize: 13, fontWeight: 600 as const } })),
    grid: panels.map((_, i) => ({ left: `${i * 50 + 7}%`, width: '38%', top: 36, bottom: 46 })),
    xAxis: panels.map((_, i) => ({ type: 'log', logBase: 2, gridIndex: i, name: 'Batch size', nameLocation: 'middle', nameGap: 26, axisLabel: { formatter: (v: number) => formatNumber(v, 4) } })),
    yAxis: panels.map((_, i) => ({ type: 'value', gridIndex: i, scale: true, axisLabel: { formatter: (v: number) => formatNumber(v, 3) } })),
    tooltip: {
      trigger: 'item',
      confine: true,
      formatter: (params: unknown) => {
        const p = asParams(params)[0];
        const data = p?.data as { value?: [number, number]; runId?: number } | undefined;
        if (!data?.value || data.runId === undefined) return '';
        return tooltipTitle(`${input.labelOf(data.runId)} (B = ${data.value[0]})`) + tooltipLine(p.color, p.seriesName ?? '', formatNumber(data.value[1]));
      },
    },
    series,
  } as EChartsOption;
}
