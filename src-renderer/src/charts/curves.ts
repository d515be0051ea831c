/**
 * Line charts in aligned panels: training | validation side by side, small multiples (one panel per value
 * of a hyperparameter), or one panel. Every panel has its own grid and axes; the x axes are linked, so the
 * cursor moves together, and series with the same name share one legend entry across panels.
 *
 * A ± std band is drawn as one explicit polygon per stretch (upper edge forward, lower edge back), never as
 * stacked areas, so it encloses its line whatever the sign of the values; on a log axis its lower edge is
 * clipped at the panel's smallest positive value.
 */
import type { EChartsOption } from 'echarts';
import { zrUtil } from 'echarts/core';
import { X_AXIS_LABELS, formatX, type XAxisKind } from './axes';
import { formatCountTick, formatLinearTick, formatLogTick, linearTicks, logTicks } from './ticks';
import { asParams, tooltipLine, tooltipTitle } from './tooltip';
import { escapeHtml } from './escape';
import { formatNumber } from '../lib/format';
import { STOP_SYMBOL } from './history';

export type MarkerKind = 'best' | 'group-best' | 'stop' | 'pruned';

/** A point worth pointing at: a stored best epoch, the best epoch of a seed mean, an early stop, where a study pruned a run. */
export interface Marker {
  kind: MarkerKind;
  x: number;
  y: number;
  label: string;
}

export interface BandPoint {
  lo: number;
  hi: number;
}

export interface LineSeriesInput {
  /** Unique within its panel. */
  key: string;
  /** Legend name; the same name in several panels is one legend entry. */
  name: string;
  /** Tooltip name when it says more than the legend (which line of a group, train or val). */
  label?: string;
  color: string;
  /** What is drawn: the values, or their smoothed curve. */
  points: ReadonlyArray<readonly [number, number | null]>;
  /** The unsmoothed values under a smoothed line, drawn faintly (same length as points). */
  raw?: ReadonlyArray<number | null>;
  /** Mean ± std around each point of a seed mean (null where fewer than two runs have a value). */
  band?: ReadonlyArray<BandPoint | null>;
  /**
   * A seed mean's runs with a value at each point, of how many (same length as points): where some stopped
   * early or are still training, the mean is over the others, and the tooltip says so.
   */
  coverage?: { n: ReadonlyArray<number>; of: number };
  markers?: readonly Marker[];
  dashed?: boolean;
}

export interface PanelInput {
  title: string;
  series: LineSeriesInput[];
}

/** A drag-selected window, in data units: x for every panel, y per panel (or for all when y is shared). */
export interface Zoom {
  x?: readonly [number, number];
  y?: Readonly<Record<number, readonly [number, number]>>;
}

export interface PanelsOptionInput {
  panels: PanelInput[];
  columns: number;
  xAxis: XAxisKind;
  logY: boolean;
  /** Same y range in every panel, so training and validation compare at a glance. */
  sharedY: boolean;
  zoom?: Zoom;
}

export const PANEL_ROW_HEIGHT = 250;
export const LEGEND_HEIGHT = 56;
const GRID_TOP = 24;
const GRID_HEIGHT = PANEL_ROW_HEIGHT - 74;
const MAX_TOOLTIP_LINES = 12;
const BAND_OPACITY = 0.16;
const RAW_OPACITY = 0.22;
/** Above this many lines in a panel the faint raw curves under smoothed ones are left out: noise, and twice the work. */
export const MAX_RAW_LINES = 20;

/**
 * ECharts deep-copies every option it is given; a series' points are read, never changed, so they are
 * marked to be taken as they are (100 runs × 2000 points would otherwise be copied on every update).
 */
function asIs<T extends object>(data: T): T {
  zrUtil.setAsPrimitive(data);
  return data;
}

export function panelsChartHeight(panelCount: number, columns: number): number {
  return LEGEND_HEIGHT + Math.max(1, Math.ceil(panelCount / Math.max(1, columns))) * PANEL_ROW_HEIGHT + 16;
}

/** Where panel i's plotting area is, as fractions of the chart's width and pixels from its top. */
export function panelBox(i: number, columns: number): { left: number; width: number; top: number; height: number } {
  const cell = 1 / columns;
  return { left: (i % columns) * cell + 0.055, width: cell - 0.075, top: LEGEND_HEIGHT + Math.floor(i / columns) * PANEL_ROW_HEIGHT + GRID_TOP, height: GRID_HEIGHT };
}

interface Extent {
  min: number;
  max: number;
  /** Smallest positive value (a log axis starts there). */
  minPositive: number;
}

/** Range of every finite y (raw values and bands included). */
export function yExtent(panels: readonly PanelInput[]): Extent | null {
  let min = Infinity;
  let max = -Infinity;
  let minPositive = Infinity;
  const see = (y: number | null | undefined) => {
    if (y === null || y === undefined || !Number.isFinite(y)) return;
    min = Math.min(min, y);
    max = Math.max(max, y);
    if (y > 0) minPositive = Math.min(minPositive, y);
  };
  for (const panel of panels) {
    for (const s of panel.series) {
      for (const [, y] of s.points) see(y);
      for (const y of s.raw ?? []) see(y);
      for (const b of s.band ?? []) {
        if (!b) continue;
        see(b.lo);
        see(b.hi);
      }
    }
  }
  return Number.isFinite(min) ? { min, max, minPositive } : null;
}

function xMin(panels: readonly PanelInput[]): number | null {
  let min = Infinity;
  for (const panel of panels) for (const s of panel.series) for (const [x, y] of s.points) if (y !== null && x < min) min = x;
  return Number.isFinite(min) ? min : null;
}

type YAxis = { type: 'value' | 'log'; min: number; max: number; interval?: number; formatter: (v: number) => string };

function yAxisFor(extent: Extent | null, logY: boolean, zoom: readonly [number, number] | undefined): YAxis | null {
  const lo = zoom ? Math.min(zoom[0], zoom[1]) : extent?.min;
  const hi = zoom ? Math.max(zoom[0], zoom[1]) : extent?.max;
  if (lo === undefined || hi === undefined) return null;
  if (logY) {
    const positiveLo = lo > 0 ? lo : extent && Number.isFinite(extent.minPositive) ? extent.minPositive : null;
    if (positiveLo === null || hi <= 0) return null;
    const ticks = logTicks(positiveLo, hi);
    return { type: 'log', min: ticks.min, max: ticks.max, formatter: (v) => formatLogTick(v, ticks) };
  }
  // A zoomed window is shown as selected (no air added around it).
  const ticks = zoom ? { ...linearTicks(lo, hi), min: lo, max: hi } : linearTicks(lo, hi);
  return { type: 'value', min: ticks.min, max: ticks.max, ...(zoom ? {} : { interval: ticks.interval }), formatter: (v) => formatLinearTick(v, ticks) };
}

function xFormatter(axis: XAxisKind): (v: number) => string {
  switch (axis) {
    case 'epoch':
      return (v) => (Number.isInteger(v) ? String(v) : '');
    case 'iteration':
    case 'samples':
      return formatCountTick;
    case 'time':
      return (v) => formatNumber(v, 3);
  }
}

/** Band stretches: consecutive points that all have a band, as [x, lo, hi] (lo clipped at `floor`). */
export function bandStretches(s: LineSeriesInput, floor: number | null): Array<Array<[number, number, number]>> {
  const out: Array<Array<[number, number, number]>> = [];
  let current: Array<[number, number, number]> = [];
  s.points.forEach(([x], i) => {
    const b = s.band?.[i] ?? null;
    if (!b || !Number.isFinite(b.lo) || !Number.isFinite(b.hi) || (floor !== null && b.hi <= 0)) {
      if (current.length) out.push(current);
      current = [];
      return;
    }
    current.push([x, floor !== null ? Math.max(b.lo, floor) : b.lo, b.hi]);
  });
  if (current.length) out.push(current);
  return out;
}

interface RenderApi {
  coord(point: number[]): number[];
}

function bandSeries(s: LineSeriesInput, panel: number, floor: number | null): object[] {
  const stretches = bandStretches(s, floor);
  if (stretches.length === 0) return [];
  return [
    {
      type: 'custom',
      id: `band:${panel}:${s.key}`,
      name: s.name,
      xAxisIndex: panel,
      yAxisIndex: panel,
      color: s.color,
      itemStyle: { color: s.color },
      silent: true,
      clip: true,
      z: 1,
      tooltip: { show: false },
      emphasis: { disabled: true },
      data: asIs(stretches.flat()),
      encode: { x: 0, y: [1, 2] },
      // One polygon per stretch, drawn once (for the first data item) from every point of the stretch.
      renderItem: (params: { dataIndex: number }, api: RenderApi) => {
        if (params.dataIndex !== 0) return null;
        return {
          type: 'group',
          children: stretches.map((stretch) => ({
            type: 'polygon',
            shape: { points: [...stretch.map(([x, , hi]) => api.coord([x, hi])), ...[...stretch].reverse().map(([x, lo]) => api.coord([x, lo]))] },
            style: { fill: s.color, opacity: BAND_OPACITY },
          })),
        };
      },
    },
  ];
}

const MARKER_SYMBOL: Record<MarkerKind, { symbol: string; size: number }> = {
  best: { symbol: 'diamond', size: 12 },
  'group-best': { symbol: 'emptyDiamond', size: 13 },
  stop: { symbol: 'rect', size: 9 },
  pruned: { symbol: STOP_SYMBOL, size: 11 },
};

function markPoint(s: LineSeriesInput, logY: boolean): object {
  const markers = (s.markers ?? []).filter((m) => Number.isFinite(m.y) && (!logY || m.y > 0));
  if (markers.length === 0) return {};
  return {
    markPoint: {
      label: { show: false },
      data: markers.map((m) => ({
        coord: [m.x, m.y],
        value: m.y,
        name: m.label,
        symbol: MARKER_SYMBOL[m.kind].symbol,
        symbolSize: MARKER_SYMBOL[m.kind].size,
        itemStyle: { color: m.kind === 'stop' ? '#fff' : s.color, borderColor: m.kind === 'stop' ? s.color : '#fff', borderWidth: 1.5 },
      })),
      tooltip: { show: true, formatter: (p: unknown) => markerTooltip(p) },
    },
  };
}

function markerTooltip(p: unknown): string {
  const param = asParams(p)[0];
  return param ? tooltipLine(param.color, param.name ?? '', formatNumber(typeof param.value === 'number' ? param.value : null)) : '';
}

interface SeriesInfo {
  label: string;
  series: LineSeriesInput;
}

export function buildPanelsOption(input: PanelsOptionInput): EChartsOption {
  const { panels, xAxis, logY, zoom } = input;
  const columns = Math.max(1, Math.min(input.columns, panels.length || 1));
  const sharedExtent = input.sharedY ? yExtent(panels) : null;
  const names: string[] = [];
  const info = new Map<string, SeriesInfo>();

  const grids = panels.map((_, i) => {
    const box = panelBox(i, columns);
    return { left: `${box.left * 100}%`, width: `${box.width * 100}%`, top: box.top, height: box.height, containLabel: false };
  });
  const titles = panels.map((panel, i) => ({
    text: panel.title,
    left: `${panelBox(i, columns).left * 100}%`,
    top: LEGEND_HEIGHT + Math.floor(i / columns) * PANEL_ROW_HEIGHT,
    textStyle: { fontSize: 13, fontWeight: 600 as const },
  }));
  const counts = xAxis !== 'time';
  const xZoom = zoom?.x ? [Math.min(...zoom.x), Math.max(...zoom.x)] : null;
  // Counts start at 0; epochs at 1 unless per-iteration data reaches into the first epoch.
  const xStart = xAxis === 'epoch' ? Math.min(1, Math.floor(xMin(panels) ?? 1)) : 0;
  const xAxes = panels.map((_, i) => ({
    type: 'value' as const,
    gridIndex: i,
    name: X_AXIS_LABELS[xAxis],
    nameLocation: 'middle' as const,
    nameGap: 26,
    // Counts start at 0 and tick on whole numbers (no epoch 0.5); wall time starts where the data does.
    scale: !counts,
    ...(counts ? { minInterval: 1 } : {}),
    ...(counts && !xZoom ? { min: xStart } : {}),
    ...(xZoom ? { min: xZoom[0], max: xZoom[1] } : {}),
    axisLabel: { formatter: xFormatter(xAxis), hideOverlap: true },
  }));
  const sharedZoom = input.sharedY ? Object.values(zoom?.y ?? {})[0] : undefined;
  const yAxes = panels.map((panel, i) => {
    const extent = input.sharedY ? sharedExtent : yExtent([panel]);
    const axis = yAxisFor(extent, logY, input.sharedY ? sharedZoom : zoom?.y?.[i]);
    // No y-axis name: each panel's title says what is plotted, and a name would collide with it.
    return axis
      ? { type: axis.type, gridIndex: i, min: axis.min, max: axis.max, ...(axis.interval ? { interval: axis.interval } : {}), axisLabel: { formatter: axis.formatter, hideOverlap: true } }
      : { type: logY ? ('log' as const) : ('value' as const), gridIndex: i, scale: true, axisLabel: { hideOverlap: true } };
  });

  const series: object[] = [];
  panels.forEach((panel, i) => {
    const extent = input.sharedY ? sharedExtent : yExtent([panel]);
    const floor = logY ? (extent && Number.isFinite(extent.minPositive) ? extent.minPositive : null) : null;
    const drop = (y: number | null) => (y === null || !Number.isFinite(y) || (logY && y <= 0) ? null : y);
    for (const s of panel.series) {
      if (!names.includes(s.name)) names.push(s.name);
      const id = `line:${i}:${s.key}`;
      info.set(id, { label: s.label ?? s.name, series: s });
      // The line goes first: the legend takes its icon from the first series of a name.
      series.push({
        type: 'line',
        id,
        name: s.name,
        xAxisIndex: i,
        yAxisIndex: i,
        data: asIs(s.points.map(([x, y]) => [x, drop(y)])),
        // Dots only where points are few and each is a measurement (not a smoothed or binned curve).
        showSymbol: s.points.length <= 30 && !s.raw && !s.band,
        symbolSize: 4,
        sampling: 'lttb',
        connectNulls: false,
        color: s.color,
        itemStyle: { color: s.color },
        lineStyle: { width: 1.8, type: s.dashed ? 'dashed' : 'solid' },
        emphasis: { focus: 'series' },
        z: 3,
        ...markPoint(s, logY),
      });
      if (s.raw && panel.series.length <= MAX_RAW_LINES) {
        series.push({
          type: 'line',
          id: `raw:${i}:${s.key}`,
          name: s.name,
          xAxisIndex: i,
          yAxisIndex: i,
          data: asIs(s.points.map(([x], j) => [x, drop(s.raw![j] ?? null)])),
          showSymbol: false,
          sampling: 'lttb',
          color: s.color,
          lineStyle: { width: 1, type: s.dashed ? 'dashed' : 'solid', opacity: RAW_OPACITY },
          silent: true,
          tooltip: { show: false },
          emphasis: { disabled: true },
          z: 2,
        });
      }
      series.push(...bandSeries(s, i, floor));
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
    tooltip: {
      trigger: 'axis',
      confine: true,
      formatter: (params: unknown) => curvesTooltip(params, xAxis, info),
    },
    series,
  } as EChartsOption;
}

function valueText(s: LineSeriesInput, index: number): string {
  const y = s.points[index]?.[1] ?? null;
  const band = s.band?.[index] ?? null;
  let text = formatNumber(y);
  if (band && y !== null) text += ` ± ${formatNumber((band.hi - band.lo) / 2, 2)}`;
  const raw = s.raw?.[index];
  if (s.raw && raw !== undefined) text += ` (raw ${formatNumber(raw)})`;
  const n = s.coverage?.n[index];
  if (s.coverage && n !== undefined && n < s.coverage.of) text += ` · ${n} of ${s.coverage.of} runs`;
  return text;
}

/**
 * Axis tooltip: the x value, then one escaped line per visible curve — its full label (which line of the
 * group, training or validation), the value with ± std where a band is drawn, the raw value under a
 * smoothed line, and the markers at this point. Bands and raw lines are left out.
 */
export function curvesTooltip(params: unknown, xAxis: XAxisKind, info: ReadonlyMap<string, SeriesInfo> = new Map()): string {
  const list = asParams(params).filter((p) => typeof p.seriesId === 'string' && p.seriesId.startsWith('line:'));
  if (list.length === 0) return '';
  const x = Array.isArray(list[0].value) ? list[0].value[0] : list[0].axisValue;
  const header = typeof x === 'number' ? formatX(xAxis, x) : '';
  const lines = list.slice(0, MAX_TOOLTIP_LINES).map((p) => {
    const known = info.get(p.seriesId!);
    const y = Array.isArray(p.value) ? p.value[1] : p.value;
    const text = known && typeof p.dataIndex === 'number' ? valueText(known.series, p.dataIndex) : formatNumber(typeof y === 'number' ? y : null);
    const px = Array.isArray(p.value) ? p.value[0] : null;
    const notes = (known?.series.markers ?? []).filter((m) => m.x === px).map((m) => `<br/><span style="margin-left:14px">${escapeHtml(m.label)}</span>`);
    return tooltipLine(p.color, known?.label ?? p.seriesName ?? '', text) + notes.join('');
  });
  if (list.length > MAX_TOOLTIP_LINES) lines.push(`… ${list.length - MAX_TOOLTIP_LINES} more`);
  return tooltipTitle(header) + lines.join('<br/>');
}

/**
 * The zoom after dragging over panel `panel` from x0..x1 (and y0..y1 when the drag was not flat): x for
 * every panel (epochs snap to whole epochs), y for that panel or, when panels share y, for all of them.
 */
export function zoomTo(
  current: Zoom | null,
  selection: { panel: number; x: readonly [number, number]; y: readonly [number, number] },
  options: { xAxis: XAxisKind; sharedY: boolean },
): Zoom {
  let [x0, x1] = selection.x;
  if (options.xAxis === 'epoch') {
    x0 = Math.floor(x0);
    x1 = Math.max(x0 + 1, Math.ceil(x1));
  }
  const y: Record<number, readonly [number, number]> = options.sharedY ? {} : { ...(current?.y ?? {}) };
  if (Number.isFinite(selection.y[0]) && Number.isFinite(selection.y[1]) && selection.y[1] > selection.y[0]) y[options.sharedY ? 0 : selection.panel] = [selection.y[0], selection.y[1]];
  else if (options.sharedY && current?.y) Object.assign(y, current.y);
  return { x: [x0, x1], ...(Object.keys(y).length ? { y } : {}) };
}
