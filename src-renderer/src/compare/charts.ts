/**
 * The Compare view's charts, from its state and data: the view draws them (one component per panel) and
 * `epochlab report` renders the very same options to SVG. Pure: no Vue, no DOM.
 */
import type { EChartsOption } from 'echarts';
import type { EpochMetric, SeriesPoint } from '../contract';
import { COMPARE_METRICS, compareEpochPanels, compareIterationPanels } from '../charts/compare';
import { buildPanelsOption, panelsChartHeight, type PanelsOptionInput, type Zoom } from '../charts/curves';
import { X_AXIS_LABELS, type XAxisKind } from '../charts/axes';
import { configKey } from '../charts/groups';
import { buildHeatmapOption, heatmapAxes, heatmapCells } from '../charts/heatmap';
import { buildParallelOption } from '../charts/parallel';
import { paramValue } from '../charts/runs';
import { monitorLabel, rankingRule, runSetLabel, type RunSet } from '../charts/run-set';
import { SUMMARY_METRICS } from '../charts/summary-metrics';
import { INTEGER_PARAMS } from '../contract';
import { paramLabel } from '../form/params';
import type { CompareState } from './state';

export interface CompareData {
  set: RunSet;
  epochs: Readonly<Record<number, readonly EpochMetric[]>>;
  /** Per-iteration values of `state.iterationSeries` by run id; null while they load. */
  iterations: Readonly<Record<number, readonly SeriesPoint[]>> | null;
}

export interface ChartSpec {
  id: 'curves' | 'gap' | 'iterations' | 'heatmap' | 'parallel';
  title: string;
  /** Null when nothing can be drawn; `empty` says why. */
  option: EChartsOption | null;
  height: number;
  /** Under the chart: what the lines and markers are. */
  note: string;
  empty?: string;
  /** Curve charts can be zoomed by dragging (and say how their axes behave). */
  zoomable: boolean;
  xAxis?: XAxisKind;
  sharedY?: boolean;
}

const MARKERS_NOTE = '◆ a run’s best epoch as the engine stored it · ◇ best epoch of a seed mean (same rule, on the mean curve) · ■ early stop.';

/** What the lines are, in words (the legend names say it too). */
export function linesNote(state: CompareState, set: RunSet): string {
  const seeds = set.varying.includes('seed');
  const bands = seeds && state.bands ? ' with a ± std band' : '';
  switch (state.groupBy) {
    case 'run':
      return 'One line per run.';
    case 'config':
      return seeds ? `One line per configuration: the mean over its seeds${bands} (runs that differ only by seed).` : 'One line per configuration.';
    default: {
      const what = paramLabel(state.groupBy).toLowerCase();
      const others = set.varying.filter((p) => p !== state.groupBy && p !== 'seed').length > 0;
      const mean = seeds ? `, each the mean over its seeds${bands}` : '';
      if (!others) return `One colour per ${what}${mean}.`;
      return state.lines === 'best'
        ? `One colour per ${what}: the group’s best configuration only (by stored best ${monitorLabel(rankingRule(set).monitor)})${mean}.`
        : `One colour per ${what}; every configuration of the other hyperparameters is its own line, in shades of its group’s colour${mean}.`;
    }
  }
}

function curveSpec(id: ChartSpec['id'], title: string, input: PanelsOptionInput, note: string, whenEmpty: string): ChartSpec {
  const empty = input.panels.every((p) => p.series.every((s) => s.points.every(([, y]) => y === null)));
  return {
    id,
    title,
    option: buildPanelsOption(input),
    height: panelsChartHeight(input.panels.length, input.columns),
    note,
    zoomable: true,
    xAxis: input.xAxis,
    sharedY: input.sharedY,
    ...(empty ? { empty: whenEmpty } : {}),
  };
}

const NO_EPOCHS = 'No values yet: none of the selected runs has finished an epoch.';

export function curvesChart(state: CompareState, data: CompareData, zoom?: Zoom): ChartSpec {
  const input = compareEpochPanels({
    runs: data.set.runs, set: data.set, epochs: data.epochs, metric: state.metric, xAxis: state.xAxis, groupBy: state.groupBy, groupLines: state.lines,
    splitBy: state.splitBy, layout: state.layout, logY: state.logY, bands: state.bands, smoothing: state.smoothing, zoom,
    trainAtMidEpoch: state.midEpoch,
  });
  const title = `${COMPARE_METRICS[state.metric].label} by ${X_AXIS_LABELS[state.xAxis].toLowerCase()}`;
  return curveSpec('curves', title, input, `${linesNote(state, data.set)} ${MARKERS_NOTE} Samples seen puts batch sizes on equal compute.`, NO_EPOCHS);
}

export function gapChart(state: CompareState, data: CompareData, zoom?: Zoom): ChartSpec {
  const input = compareEpochPanels({
    runs: data.set.runs, set: data.set, epochs: data.epochs, metric: 'gap', xAxis: state.gapXAxis, groupBy: state.groupBy, groupLines: state.lines,
    splitBy: state.splitBy, layout: 'overlay', logY: false, bands: state.bands, smoothing: state.smoothing, zoom,
  });
  const log = state.logY ? ' The gap is often negative early on, so this chart keeps a linear y axis.' : '';
  return curveSpec('gap', 'Generalization gap (validation − training loss)', input, `${linesNote(state, data.set)}${log} Above 0: validation loss is higher than training loss.`, NO_EPOCHS);
}

export function iterationsChart(state: CompareState, data: CompareData, zoom?: Zoom): ChartSpec {
  const input = compareIterationPanels({
    runs: data.set.runs, set: data.set, series: data.iterations ?? {}, label: state.iterationSeries === 'loss' ? 'Batch loss' : 'Batch accuracy',
    xAxis: state.iterationXAxis, groupBy: state.groupBy, groupLines: state.lines, splitBy: state.splitBy, smoothing: state.iterationSmoothing,
    logY: state.logY, bands: state.bands, zoom,
  });
  const smooth = state.iterationSmoothing > 0 ? ` Smoothed (EMA ${state.iterationSmoothing.toFixed(2)}, debiased); raw values faint.` : '';
  return curveSpec('iterations', `Per iteration: ${state.iterationSeries === 'loss' ? 'batch loss' : 'batch accuracy'}`, input, `${linesNote(state, data.set)}${smooth}`, 'No per-iteration values yet.');
}

export function heatmapChart(state: CompareState, data: CompareData): ChartSpec {
  const axes = heatmapAxes(data.set.varying, { x: state.heatX, y: state.heatY });
  const title = 'Heatmap over two hyperparameters';
  if ('reason' in axes) return { id: 'heatmap', title, option: null, height: 0, note: '', empty: axes.reason, zoomable: false };
  const m = SUMMARY_METRICS[state.heatMetric];
  const runs = data.set.runs.map((r) => ({
    params: { [axes.x]: paramValue(r.params, axes.x), [axes.y]: paramValue(r.params, axes.y) },
    config: configKey(data.set, r),
    value: m.get(r),
  }));
  const cells = heatmapCells(runs, axes.x, axes.y, state.heatReduce, m.lowerIsBetter);
  const reduce = state.heatReduce === 'mean' ? 'mean over seeds' : 'best run';
  const option = buildHeatmapOption({ ...cells, xLabel: paramLabel(axes.x), yLabel: paramLabel(axes.y), metricLabel: `${m.label} (${reduce})`, lowerIsBetter: m.lowerIsBetter });
  const others = data.set.varying.filter((p) => p !== axes.x && p !== axes.y && p !== 'seed');
  const note = `${paramLabel(axes.x)} × ${paramLabel(axes.y)}, ${m.label}: ${state.heatReduce === 'mean' ? 'the mean over seeds' : 'the best run'} of each cell${others.length && state.heatReduce === 'mean' ? ` (its best configuration of ${others.map((p) => paramLabel(p).toLowerCase()).join(', ')})` : ''}. Blank cells have no run with a value.`;
  return { id: 'heatmap', title: `${title}: ${paramLabel(axes.x)} × ${paramLabel(axes.y)}`, option, height: 360, note, zoomable: false };
}

export function parallelChart(state: CompareState, data: CompareData): ChartSpec {
  const title = 'Parallel coordinates: hyperparameters → metric';
  const { varying, runs, logRanges } = data.set;
  if (varying.length === 0) return { id: 'parallel', title, option: null, height: 0, note: '', empty: 'No hyperparameter varies among these runs.', zoomable: false };
  const m = SUMMARY_METRICS[state.parallelMetric];
  const option = buildParallelOption({
    dims: varying.map((p) => ({ key: p, label: paramLabel(p), integer: INTEGER_PARAMS.has(p), logRange: logRanges.has(p) })),
    runs: runs.map((r) => ({ label: runSetLabel(data.set, r), params: Object.fromEntries(varying.map((p) => [p, paramValue(r.params, p)])), metric: m.get(r) })),
    metricLabel: m.label,
    lowerIsBetter: m.lowerIsBetter,
    logMetric: state.logY,
  });
  return { id: 'parallel', title, option, height: 360, note: 'One line per run; runs without a value are left out.', zoomable: false };
}

const BUILDERS: Record<ChartSpec['id'], (state: CompareState, data: CompareData) => ChartSpec> = {
  curves: curvesChart,
  gap: gapChart,
  iterations: iterationsChart,
  heatmap: heatmapChart,
  parallel: parallelChart,
};

/** Every chart the state shows, in the view's order. */
export function compareCharts(state: CompareState, data: CompareData): ChartSpec[] {
  return state.panels.filter((p): p is ChartSpec['id'] => p in BUILDERS).map((p) => BUILDERS[p](state, data));
}
