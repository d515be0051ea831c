/**
 * The LR range test: loss against learning rate (log x), the raw loss faint under the smoothed one, and the
 * two suggestions as vertical lines — steepest descent (solid) and the minimum's LR / 10 (dashed). The y
 * axis stops a little above the smoothed curve's start, so the blow-up that ends the test does not flatten
 * the part worth reading.
 */
import type { EChartsOption } from 'echarts';
import type { LrRangeResult } from '../contract';
import { formatNumber } from '../lib/format';
import { referenceSeries } from './reference-lines';
import { asParams, tooltipLine, tooltipTitle, yValue } from './tooltip';

export interface LrRangeCurve {
  key: string;
  name: string;
  color: string;
  result: LrRangeResult;
}

/** Rounded up to a half, whole or double step of its decade (3.95 → 4, 0.72 → 0.8), so the top tick reads well. */
export function niceCeil(x: number): number {
  if (!(x > 0)) return x;
  const unit = 10 ** Math.floor(Math.log10(x)) / 2;
  return Number((Math.ceil(x / unit - 1e-9) * unit).toPrecision(6));
}

export function lrRangeYMax(curves: readonly LrRangeCurve[]): number | null {
  const smoothed = curves.flatMap((c) => c.result.points.map((p) => p.smoothed)).filter((v): v is number => v !== null && Number.isFinite(v));
  if (!smoothed.length) return null;
  const first = curves.map((c) => c.result.points.find((p) => p.smoothed !== null)?.smoothed).filter((v): v is number => typeof v === 'number');
  // The start of the curve with some headroom, unless the smoothed curve itself went higher before stopping.
  return niceCeil(Math.min(Math.max(...smoothed), Math.max(...first) * 1.5));
}

export function buildLrRangeOption(input: { curves: readonly LrRangeCurve[] }): EChartsOption {
  const yMax = lrRangeYMax(input.curves);
  const single = input.curves.length === 1;
  const series: object[] = [];
  for (const c of input.curves) {
    const pts = c.result.points;
    series.push({
      type: 'line', id: `raw:${c.key}`, name: c.name, color: c.color, data: pts.map((p) => [p.learningRate, p.loss]),
      showSymbol: false, lineStyle: { width: 1, opacity: 0.25 }, silent: true, tooltip: { show: false }, z: 2,
    });
    series.push({
      type: 'line', id: `smooth:${c.key}`, name: c.name, color: c.color, data: pts.map((p) => [p.learningRate, p.smoothed]),
      showSymbol: false, lineStyle: { width: 2 }, connectNulls: false, z: 3,
    });
    const top = yMax ?? 1;
    const mark = (id: string, x: number | null, dashed: boolean, label: string) =>
      x !== null && x > 0 ? [referenceSeries({ id: `${id}:${c.key}`, from: [x, 0], to: [x, top], color: c.color, dashed, label: single ? label : '', labelPosition: dashed ? 'right' : 'top' })] : [];
    series.push(
      ...mark('steepest', c.result.steepest, false, `steepest ${formatNumber(c.result.steepest, 2)}`),
      ...mark('min10', c.result.minimumOver10, true, `min / 10 ${formatNumber(c.result.minimumOver10, 2)}`),
    );
  }
  return {
    animation: false,
    legend: { type: 'scroll', top: 0, left: 8, right: 8, data: input.curves.map((c) => c.name) },
    grid: { left: 60, right: 30, top: 48, bottom: 44 },
    xAxis: { type: 'log', name: 'Learning rate', nameLocation: 'middle', nameGap: 26, axisLabel: { formatter: (v: number) => formatNumber(v, 2) } },
    yAxis: { type: 'value', min: 0, ...(yMax !== null ? { max: yMax } : {}), axisLabel: { formatter: (v: number) => formatNumber(v, 3) } },
    tooltip: {
      trigger: 'axis',
      confine: true,
      formatter: (params: unknown) => {
        const list = asParams(params).filter((p) => typeof p.seriesId === 'string' && p.seriesId.startsWith('smooth:'));
        if (!list.length) return '';
        const x = Array.isArray(list[0].value) ? list[0].value[0] : list[0].axisValue;
        return tooltipTitle(`LR ${formatNumber(typeof x === 'number' ? x : null, 3)}`) +
          list.map((p) => tooltipLine(p.color, `${p.seriesName ?? ''} (smoothed)`, formatNumber(yValue(p.value)))).join('<br/>');
      },
    },
    series,
  } as EChartsOption;
}
