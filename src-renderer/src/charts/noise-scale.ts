/**
 * The gradient noise scale B_simple per epoch (log y), one line per run, with the batch sizes tried and the
 * critical batch size as horizontal reference lines: a run whose batch sits far below its B_simple is in the
 * step-limited regime, far above it in the compute-wasting one.
 */
import type { EChartsOption } from 'echarts';
import type { NoiseScaleEpoch } from '../contract';
import { formatNumber } from '../lib/format';
import { logExtent } from './log-range';
import { referenceSeries } from './reference-lines';
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
  const epochs = input.lines.flatMap((l) => l.rows.map((r) => r.epoch));
  const first = epochs.length ? Math.min(...epochs) : 1;
  const last = epochs.length ? Math.max(...epochs) : 1;
  const right = last === first ? first + 1 : last;
  const across = (id: string, y: number, color: string, label: string, dashed: boolean) =>
    referenceSeries({ id, from: [first, y], to: [right, y], color, dashed, label, labelAt: dashed ? 'from' : 'to', labelPosition: dashed ? 'top' : 'right' });
  const references = [
    ...input.batchSizes.map((b) => across(`batch:${b}`, b, '#9ca3af', `B = ${b}`, true)),
    ...(input.bCrit !== null && input.bCrit > 0 ? [across('bcrit', input.bCrit, '#c2255c', `B_crit ≈ ${formatNumber(input.bCrit, 2)}`, false)] : []),
  ];
  return {
    animation: false,
    legend: { type: 'scroll', top: 0, left: 8, right: 8, data: input.lines.map((l) => l.name) },
    grid: { left: 64, right: 110, top: 48, bottom: 44 },
    xAxis: { type: 'value', name: 'Epoch', nameLocation: 'middle', nameGap: 26, minInterval: 1, min: 'dataMin', max: 'dataMax' },
    // The card's title names what is plotted; an axis name would collide with the legend.
    yAxis: { type: 'log', ...(extent ?? {}), axisLabel: { formatter: (v: number) => formatNumber(v, 3) } },
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
    series: [
      ...input.lines.map((l) => ({
        type: 'line',
        id: `noise:${l.key}`,
        name: l.name,
        data: noiseScalePoints(l.rows),
        color: l.color,
        itemStyle: { color: l.color },
        showSymbol: l.rows.length <= 40,
        connectNulls: false,
        z: 3,
      })),
      ...references,
    ],
  } as EChartsOption;
}
