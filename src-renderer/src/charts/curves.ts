/**
 * Line charts in aligned panels: training | validation side by side, small multiples (one panel per value
 * of a hyperparameter), or one panel. Every panel has its own grid and axes; the x axes are linked, so the
 * cursor and zoom move together, and series with the same name share one legend entry across panels.
 */
import type { EChartsOption } from 'echarts';
import { X_AXIS_LABELS, formatX, type XAxisKind } from './axes';
import { asParams, tooltipLine, tooltipTitle, yValue } from './tooltip';
import { formatNumber } from '../lib/format';
import { STOP_SYMBOL } from './history';

export interface LineSeriesInput {
  /** Unique within its panel. */
  key: string;
  /** Legend name; the same name in several panels is one legend entry. */
  name: string;
  color: string;
  points: ReadonlyArray<readonly [number, number | null]>;
  /** Mean ± std band around the line (groups of several runs). */
  band?: ReadonlyArray<{ x: number; lo: number; hi: number }>;
  /** Best-epoch marker. */
  best?: { x: number; y: number } | null;
  /** Where a pruned run stopped: its curve ends with a ✕. */
  stop?: { x: number; y: number } | null;
  dashed?: boolean;
  /** Raw values drawn faintly behind a smoothed line; left out of tooltips. */
  faint?: boolean;
}

export interface PanelInput {
  title: string;
  series: LineSeriesInput[];
}

export interface PanelsOptionInput {
  panels: PanelInput[];
  columns: number;
  xAxis: XAxisKind;
  logY: boolean;
  /** Same y range in every panel, so training and validation compare at a glance. */
  sharedY: boolean;
}

export const PANEL_ROW_HEIGHT = 250;
const LEGEND_HEIGHT = 56;
const MAX_TOOLTIP_LINES = 12;

export function panelsChartHeight(panelCount: number, columns: number): number {
  return LEGEND_HEIGHT + Math.max(1, Math.ceil(panelCount / Math.max(1, columns))) * PANEL_ROW_HEIGHT + 16;
}

interface Range {
  min: number;
  max: number;
}

/** Range of every finite y (bands included); positive values only on a log axis. */
export function yRange(panels: readonly PanelInput[], logY: boolean): Range | null {
  let min = Infinity;
  let max = -Infinity;
  const see = (y: number | null | undefined) => {
    if (y === null || y === undefined || !Number.isFinite(y) || (logY && y <= 0)) return;
    min = Math.min(min, y);
    max = Math.max(max, y);
  };
  for (const panel of panels) {
    for (const s of panel.series) {
      for (const [, y] of s.points) see(y);
      for (const b of s.band ?? []) {
        see(b.lo);
        see(b.hi);
      }
    }
  }
  if (!Number.isFinite(min)) return null;
  if (logY) return { min: 10 ** Math.floor(Math.log10(min)), max: 10 ** Math.ceil(Math.log10(max)) };
  // Round outwards to a tenth of the span's decade so the end labels are readable (0 … 1.2, not −0.05 … 1.11),
  // and never below 0 when every value is positive (losses, accuracies).
  const span = max - min || Math.abs(max) || 1;
  const unit = 10 ** (Math.floor(Math.log10(span)) - 1);
  const tidy = (v: number) => Number.parseFloat(v.toPrecision(12));
  let lo = tidy(Math.floor(tidy((min - span * 0.04) / unit)) * unit);
  const hi = tidy(Math.ceil(tidy((max + span * 0.04) / unit)) * unit);
  if (min >= 0 && lo < 0) lo = 0;
  return { min: lo, max: hi };
}

function bandSeries(s: LineSeriesInput, panel: number, logY: boolean, floor: number): object[] {
  if (!s.band || s.band.length === 0) return [];
  // A log axis cannot show mean − std ≤ 0; the band is cut at the panel's smallest positive value.
  const lower = s.band.map((b) => [b.x, logY ? Math.max(b.lo, floor) : b.lo]);
  const width = s.band.map((b, i) => [b.x, Math.max(0, b.hi - (lower[i][1] as number))]);
  const stack = `band:${panel}:${s.key}`;
  const common = {
    type: 'line',
    name: s.name,
    color: s.color,
    itemStyle: { color: s.color },
    xAxisIndex: panel,
    yAxisIndex: panel,
    stack,
    symbol: 'none',
    silent: true,
    lineStyle: { opacity: 0 },
    tooltip: { show: false },
    z: 1,
  };
  return [
    { ...common, id: `band-lo:${panel}:${s.key}`, data: lower },
    { ...common, id: `band-hi:${panel}:${s.key}`, data: width, areaStyle: { color: s.color, opacity: 0.16 } },
  ];
}

export function buildPanelsOption(input: PanelsOptionInput): EChartsOption {
  const { panels, xAxis, logY } = input;
  const columns = Math.max(1, Math.min(input.columns, panels.length || 1));
  const cellWidth = 100 / columns;
  const shared = input.sharedY ? yRange(panels, logY) : null;
  const floor = yRange(panels, true)?.min ?? 1e-12;
  const names: string[] = [];

  const grids = panels.map((_, i) => {
    const row = Math.floor(i / columns);
    const col = i % columns;
    return {
      left: `${col * cellWidth + 4.5}%`,
      width: `${cellWidth - 7}%`,
      top: LEGEND_HEIGHT + row * PANEL_ROW_HEIGHT + 24,
      height: PANEL_ROW_HEIGHT - 74,
      containLabel: false,
    };
  });
  const titles = panels.map((panel, i) => ({
    text: panel.title,
    left: `${(i % columns) * cellWidth + 4.5}%`,
    top: LEGEND_HEIGHT + Math.floor(i / columns) * PANEL_ROW_HEIGHT,
    textStyle: { fontSize: 13, fontWeight: 600 as const },
  }));
  const xAxes = panels.map((_, i) => ({
    type: 'value' as const,
    gridIndex: i,
    name: X_AXIS_LABELS[xAxis],
    nameLocation: 'middle' as const,
    nameGap: 26,
    scale: xAxis === 'time',
    axisLabel: { formatter: (v: number) => formatNumber(v, 3) },
  }));
  // No y-axis name: each panel's title says what is plotted, and a name would collide with it.
  const yAxes = panels.map((_, i) => ({
    type: logY ? ('log' as const) : ('value' as const),
    gridIndex: i,
    scale: !logY,
    ...(shared ? { min: shared.min, max: shared.max } : {}),
    axisLabel: { formatter: (v: number) => formatNumber(v, 3) },
  }));

  const series: object[] = [];
  panels.forEach((panel, i) => {
    for (const s of panel.series) {
      if (!names.includes(s.name)) names.push(s.name);
      // The line goes first: the legend takes its icon from the first series of a name, and the band's
      // lines are invisible.
      series.push({
        type: 'line',
        id: `${s.faint ? 'raw' : 'line'}:${i}:${s.key}`,
        name: s.name,
        xAxisIndex: i,
        yAxisIndex: i,
        data: s.points.map(([x, y]) => [x, logY && y !== null && y <= 0 ? null : y]),
        showSymbol: s.points.length <= 40,
        symbolSize: 4,
        sampling: 'lttb',
        connectNulls: false,
        color: s.color,
        itemStyle: { color: s.color },
        lineStyle: { width: s.faint ? 1 : 1.8, type: s.dashed ? 'dashed' : 'solid', opacity: s.faint ? 0.22 : 1 },
        silent: s.faint === true,
        emphasis: { focus: 'series' },
        z: s.faint ? 2 : 3,
        ...(s.best || s.stop
          ? {
              markPoint: {
                symbol: 'diamond',
                symbolSize: 12,
                data: [
                  ...(s.best ? [{ coord: [s.best.x, s.best.y], value: s.best.y, name: 'best epoch' }] : []),
                  ...(s.stop ? [{ coord: [s.stop.x, s.stop.y], value: s.stop.y, name: 'pruned', symbol: STOP_SYMBOL, symbolSize: 11 }] : []),
                ],
                label: { show: false },
                itemStyle: { color: s.color, borderColor: '#fff', borderWidth: 1.5 },
                tooltip: { show: false },
              },
            }
          : {}),
      });
      series.push(...bandSeries(s, i, logY, floor));
    }
  });

  return {
    // Live data replaces the option several times a second; animating each update would only lag behind.
    animation: false,
    legend: { type: 'scroll', top: 0, left: 8, right: 8, data: names },
    title: titles,
    grid: grids,
    xAxis: xAxes,
    yAxis: yAxes,
    axisPointer: { link: [{ xAxisIndex: 'all' }] },
    dataZoom: [{ type: 'inside', xAxisIndex: panels.map((_, i) => i), filterMode: 'none' }],
    tooltip: {
      trigger: 'axis',
      confine: true,
      formatter: (params: unknown) => curvesTooltip(params, xAxis),
    },
    series,
  } as EChartsOption;
}

/** Axis tooltip: the x value, then one escaped line per visible curve (bands and raw lines left out). */
export function curvesTooltip(params: unknown, xAxis: XAxisKind): string {
  const list = asParams(params).filter((p) => typeof p.seriesId === 'string' && p.seriesId.startsWith('line:'));
  if (list.length === 0) return '';
  const x = Array.isArray(list[0].value) ? list[0].value[0] : list[0].axisValue;
  const header = typeof x === 'number' ? formatX(xAxis, x) : '';
  const lines = list.slice(0, MAX_TOOLTIP_LINES).map((p) => tooltipLine(p.color, p.seriesName ?? '', formatNumber(yValue(p.value))));
  if (list.length > MAX_TOOLTIP_LINES) lines.push(`… ${list.length - MAX_TOOLTIP_LINES} more`);
  return tooltipTitle(header) + lines.join('<br/>');
}
