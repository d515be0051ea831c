/**
 * The gradient noise scale B_simple per epoch (log y), one line per run, with the batch sizes tried and the
 * critical batch size as horizontal reference lines: a run whose batch sits far below its B_simple is in the
 * step-limited regime, far above it in the compute-wasting one.
 */
import type { EChartsOption } from 'echarts';
import type { NoiseScaleEpoch } from '../contract';
import { formatNumber } from '../lib/format';
import { logExtent } from './log-range';
import { asParams, tooltipLine, tooltipTitle, yValue } from './tooltip';

export interface NoiseScaleLine {
  key: string;
  name: string;
  color: string;
  rows: readonly NoiseScaleEpoch[];
}

export interface NoiseScaleOptionInput {
  lines: readonly NoiseScaleLine[];
  /** Drawn as dashed grey reference lines. */
  batchSizes: readonly number[];
  bCrit: number | null;
}

export function noiseScalePoints(rows: readonly NoiseScaleEpoch[]): Array<[number, number | null]> {
  return rows.map((r) => [r.epoch, r.bSimple !== null && r.bSimple > 0 ? r.bSimple : null]);
}

export function buildNoiseScaleOption(input: NoiseScaleOptionInput): EChartsOption {
  const extent = logExtent([...input.lines.flatMap((l) => l.rows.map((r) => r.bSimple)), ...input.batchSizes, input.bCrit]);
  const references = [
    ...input.batchSizes.map((b) => ({ yAxis: b, name: `B = ${b}`, lineStyle: { color: '#9ca3af', type: 'dashed' as const }, label: { formatter: `B = ${b}`, color: '#6b7280' } })),
    ...(input.bCrit !== null && input.bCrit > 0
      ? [{ yAxis: input.bCrit, name: 'B_crit', lineStyle: { color: '#c2255c', type: 'solid' as const, width: 1.5 }, label: { formatter: `B_crit ≈ ${formatNumber(input.bCrit, 2)}`, color: '#c2255c' } }]
      : []),
  ];
  return {
    animation: false,
    legend: { type: 'scroll', top: 0, left: 8, right: 8, data: input.lines.map((l) => l.name) },
    grid: { left: 64, right: 96, top: 36, bottom: 44 },
    xAxis: { type: 'value', name: 'Epoch', nameLocation: 'middle', nameGap: 26, minInterval: 1 },
    yAxis: { type: 'log', name: 'B_simple', ...(extent ?? {}), axisLabel: { formatter: (v: number) => formatNumber(v, 3) } },
    tooltip: {
      trigger: 'axis',
      confine: true,
      formatter: (params: unknown) => {
        const list = asParams(params).filter((p) => typeof p.seriesId === 'string' && p.seriesId.startsWith('noise:'));
        if (!list.length) return '';
        const x = Array.isArray(list[0].value) ? list[0].value[0] : list[0].axisValue;
        return tooltipTitle(`epoch ${String(x)}`) + list.map((p) => tooltipLine(p.color, p.seriesName ?? '', formatNumber(yValue(p.value), 3))).join('<br/>');
      },
    },
    series: input.lines.map((l, i) => ({
      type: 'line',
      id: `noise:${l.key}`,
      name: l.name,
      data: noiseScalePoints(l.rows),
      color: l.color,
      itemStyle: { color: l.color },
      showSymbol: l.rows.length <= 40,
      connectNulls: false,
      // Reference lines once, on the first series.
      ...(i === 0 && references.length ? { markLine: { silent: true, symbol: 'none', data: references } } : {}),
    })),
  } as EChartsOption;
}
