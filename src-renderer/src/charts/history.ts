/**
 * The optimisation history, as optuna-dashboard draws it: each finished trial's objective (its best value of
 * the monitor over its epochs) against the trial number, and the best value so far as a step line. Pruned
 * trials show apart, at the best value they reached before they were stopped; they never set the best.
 */
import type { EChartsOption } from 'echarts';
import type { HistoryPoint, OptimizationHistory } from '../contract';
import { formatNumber } from '../lib/format';
import { colorAt, PRUNED_COLOR } from './palette';
import { escapeHtml } from './escape';
import { asParams, tooltipLine, tooltipTitle } from './tooltip';

export interface HistoryChartInput {
  history: OptimizationHistory;
  /** Hyperparameters of a run, for the tooltip. */
  labelOf: (runId: number) => string;
  logY: boolean;
}

const BEST_COLOR = '#e8590c';
/** A filled ✕: the same stop mark as on pruned curves. */
export const STOP_SYMBOL = 'path://M2,0 L5,3 L8,0 L10,2 L7,5 L10,8 L8,10 L5,7 L2,10 L0,8 L3,5 L0,2 Z';

const trial = (p: HistoryPoint) => p.index + 1;

export function buildHistoryOption({ history, labelOf, logY }: HistoryChartInput): EChartsOption {
  const usable = (p: HistoryPoint) => p.value !== null && (!logY || p.value > 0);
  const complete = history.points.filter((p) => p.complete && usable(p));
  const pruned = history.points.filter((p) => !p.complete && usable(p));
  const best = history.points.filter((p) => p.bestSoFar !== null && (!logY || p.bestSoFar > 0));
  const datum = (p: HistoryPoint, y: number) => ({ value: [trial(p), y], runId: p.runId, status: p.status, epochs: p.epochs });
  const { monitor, direction } = history.objective;
  return {
    animation: false,
    legend: { top: 0, data: ['Objective value', 'Pruned (best before it stopped)', 'Best so far'] },
    grid: { left: 64, right: 24, top: 36, bottom: 44 },
    xAxis: { type: 'value', name: 'Trial', nameLocation: 'middle', nameGap: 28, minInterval: 1, min: 0 },
    yAxis: {
      type: logY ? 'log' : 'value',
      name: `${monitor} (${direction === 'minimize' ? 'lower' : 'higher'} is better)`,
      scale: true,
      axisLabel: { formatter: (v: number) => formatNumber(v, 3) },
    },
    tooltip: { trigger: 'item', confine: true, formatter: (params: unknown) => historyTooltip(params, labelOf, monitor) },
    series: [
      {
        type: 'scatter', id: 'objective', name: 'Objective value', color: colorAt(0), symbolSize: 8,
        data: complete.map((p) => datum(p, p.value!)),
      },
      {
        type: 'scatter', id: 'pruned', name: 'Pruned (best before it stopped)', color: PRUNED_COLOR, symbol: STOP_SYMBOL, symbolSize: 9,
        data: pruned.map((p) => datum(p, p.value!)),
      },
      {
        type: 'line', id: 'best', name: 'Best so far', color: BEST_COLOR, step: 'end', showSymbol: false, lineStyle: { width: 2 },
        tooltip: { show: false },
        data: best.map((p) => [trial(p), p.bestSoFar!]),
      },
    ],
  } as EChartsOption;
}

function historyTooltip(params: unknown, labelOf: (runId: number) => string, monitor: string): string {
  const [p] = asParams(params);
  const data = p?.data as { value: [number, number]; runId: number; status: string; epochs: number } | undefined;
  if (!data || typeof data.runId !== 'number') return '';
  const state = data.status === 'pruned' ? `pruned after ${data.epochs} epoch${data.epochs === 1 ? '' : 's'}` : data.status;
  const label = labelOf(data.runId);
  return `${tooltipTitle(`Trial ${data.value[0]} · ${state}`)}${tooltipLine(p.color, monitor, formatNumber(data.value[1]))}${label ? `<br/>${escapeHtml(label)}` : ''}`;
}
