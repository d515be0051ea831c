/**
 * From runs and their metrics to chart panels: epoch curves (train | validation, gap, learning rate) and
 * iteration curves, grouped and split as the Compare view asks. Pure: the caller passes data, gets panels.
 *
 * Best epochs are the engine's, read from each run's summary; a seed mean's best epoch is judged on the
 * mean curve with the same rule (contract/best-epoch.ts) and labelled as the mean's. Early-stopped runs get
 * a marker at the epoch they stopped.
 */
import { isImprovement, monitoredValue, type EpochMetric, type ParamName, type RunSummary, type SeriesPoint } from '../contract';
import { aggregateAligned, aggregateBinned, type AggregatePoint } from './aggregate';
import { xOf, type CurvePoint, type XAxisKind } from './axes';
import { emaSmooth } from './ema';
import { atMidEpoch, EPOCH_AVERAGED } from './half-epoch';
import { legendGroups, splitRuns, type GroupBy, type GroupLines, type Line, type LegendGroup } from './groups';
import { makeRunSet, monitorLabel, ruleOf, runSetLabel, type RunSet } from './run-set';
import type { BandPoint, LineSeriesInput, Marker, PanelInput, PanelsOptionInput, Zoom } from './curves';

export type EpochMetricKey = 'trainLoss' | 'valLoss' | 'trainAccuracy' | 'valAccuracy' | 'learningRate' | 'gap';
export type CompareMetric = 'loss' | 'accuracy' | 'gap' | 'learningRate';

export const COMPARE_METRICS: Record<CompareMetric, { label: string; lowerIsBetter: boolean }> = {
  loss: { label: 'Loss', lowerIsBetter: true },
  accuracy: { label: 'Accuracy', lowerIsBetter: false },
  gap: { label: 'Generalization gap (val − train loss)', lowerIsBetter: true },
  learningRate: { label: 'Learning rate', lowerIsBetter: false },
};

type Epochs = Readonly<Record<number, readonly EpochMetric[]>>;

const finite = (v: number | null | undefined): v is number => v !== null && v !== undefined && Number.isFinite(v);

export function epochValue(m: EpochMetric, key: EpochMetricKey): number | null {
  if (key === 'gap') return finite(m.valLoss) && finite(m.trainLoss) ? m.valLoss - m.trainLoss : null;
  const v = m[key];
  return finite(v) ? v : null;
}

/** `midEpoch`: epoch-averaged metrics (training loss and accuracy) drawn at the middle of their epoch (half-epoch.ts). */
export function epochPoints(metrics: readonly EpochMetric[], key: EpochMetricKey, midEpoch = false): CurvePoint[] {
  return metrics.map((m, i) => {
    const point = { epoch: m.epoch, step: m.step, samplesSeen: m.samplesSeen, elapsedMs: m.elapsedMs, value: epochValue(m, key) };
    return midEpoch && EPOCH_AVERAGED.has(key) ? atMidEpoch(point, m, metrics[i - 1]) : point;
  });
}

/** Per-iteration points; the epoch axis becomes fractional (step / iterations per epoch). */
export function iterationPoints(points: readonly SeriesPoint[], iterationsPerEpoch: number): CurvePoint[] {
  const ipe = Math.max(1, iterationsPerEpoch);
  return points.map((p) => ({ epoch: p.step / ipe, step: p.step, samplesSeen: p.samplesSeen, elapsedMs: p.elapsedMs, value: finite(p.value) ? p.value : null }));
}

type Curve = Pick<LineSeriesInput, 'points' | 'raw' | 'band' | 'markers' | 'coverage'>;

/** How many of a mean's runs had a value at each point, when somewhere not all of them did. */
function coverageOf(agg: readonly AggregatePoint[], of: number): Pick<Curve, 'coverage'> {
  return agg.some((p) => p.n < of) ? { coverage: { n: agg.map((p) => p.n), of } } : {};
}

/**
 * Smoothing with TensorBoard's debiased EMA, applied alike to a mean and to its std, so the band
 * (smoothed mean ± smoothed std) still encloses the smoothed line; the raw values stay, drawn faintly.
 */
function finish(xs: readonly number[], values: readonly (number | null)[], stds: readonly (number | null)[] | null, bandAt: (i: number) => boolean, smoothing: number): Curve {
  const smooth = smoothing > 0;
  const ys = smooth ? emaSmooth(values, smoothing) : values.map((v) => (finite(v) ? v : null));
  const half = stds ? (smooth ? emaSmooth(stds.map((s, i) => (finite(values[i]) ? (s ?? 0) : null)), smoothing) : stds) : null;
  const band: Array<BandPoint | null> | undefined = half
    ? ys.map((y, i) => (y !== null && bandAt(i) && finite(half[i]) ? { lo: y - half[i]!, hi: y + half[i]! } : null))
    : undefined;
  return {
    points: xs.map((x, i) => [x, ys[i]] as const),
    ...(smooth ? { raw: values.map((v) => (finite(v) ? v : null)) } : {}),
    ...(band && band.some((b) => b !== null) ? { band } : {}),
  };
}

function markerAt(curve: Curve, index: number, marker: Omit<Marker, 'x' | 'y'>): Marker | null {
  const point = curve.points[index];
  if (!point || point[1] === null) return null;
  return { ...marker, x: point[0], y: point[1] };
}

function stopLabel(set: RunSet, run: RunSummary, epoch: number, alone: boolean): string {
  return `${alone ? 'stopped early' : `${runSetLabel(set, run)} stopped early`} at epoch ${epoch}`;
}

/**
 * One line of epoch values: a run (with its stored best epoch) or a seed mean (with the mean's best epoch).
 * Points and markers are found by their epoch row, never by x: with `midEpoch` a training point sits half an
 * epoch before the row's epoch.
 */
export function epochLineCurve(
  line: Line, set: RunSet, epochs: Epochs, key: EpochMetricKey, xAxis: XAxisKind, bands: boolean, smoothing: number,
  bestOf: (line: Line) => number | null = (l) => groupBestEpoch(l, set, epochs), midEpoch = false,
): Curve {
  const members = line.runs.map((r) => epochs[r.id] ?? []);
  if (members.length === 1) {
    const run = line.runs[0];
    const rows = members[0];
    const points = epochPoints(rows, key, midEpoch);
    const curve = finish(points.map((p) => xOf(p, xAxis)), points.map((p) => p.value), null, () => false, smoothing);
    const rule = ruleOf(set, run);
    const best = run.bestEpoch === null ? -1 : rows.findIndex((r) => r.epoch === run.bestEpoch);
    const stop = run.status === 'early-stopped' || run.status === 'pruned' ? points.length - 1 : -1;
    const markers = [
      best >= 0 ? markerAt(curve, best, { kind: 'best', label: `◆ best epoch ${run.bestEpoch} (by ${monitorLabel(rule.monitor)})` }) : null,
      stop >= 0 && run.status === 'early-stopped' ? markerAt(curve, stop, { kind: 'stop', label: `■ ${stopLabel(set, run, rows[stop].epoch, true)}` }) : null,
      stop >= 0 && run.status === 'pruned' ? markerAt(curve, stop, { kind: 'pruned', label: `✕ pruned at epoch ${rows[stop].epoch}` }) : null,
    ].filter((m): m is Marker => m !== null);
    return { ...curve, ...(markers.length ? { markers } : {}) };
  }
  const keyed = (k: EpochMetricKey) => members.map((m) => epochPoints(m, k, midEpoch).map((p, i) => ({ key: m[i].epoch, x: xOf(p, xAxis), y: p.value })));
  const agg = aggregateAligned(keyed(key));
  const curve = { ...finish(agg.map((p) => p.x), agg.map((p) => p.mean), bands ? agg.map((p) => p.std) : null, (i) => agg[i].n > 1, smoothing), ...coverageOf(agg, members.length) };
  const markers: Marker[] = [];
  const best = bestOf(line);
  if (best !== null) {
    const m = markerAt(curve, agg.findIndex((p) => p.key === best), {
      kind: 'group-best',
      label: `◇ best epoch ${best} of the mean over ${line.runs.length} seeds (by ${monitorLabel(ruleOf(set, line.runs[0]).monitor)})`,
    });
    if (m) markers.push(m);
  }
  line.runs.forEach((run, i) => {
    if (run.status !== 'early-stopped' || members[i].length === 0) return;
    const epoch = members[i][members[i].length - 1].epoch;
    const m = markerAt(curve, agg.findIndex((p) => p.key === epoch), { kind: 'stop', label: `■ ${stopLabel(set, run, epoch, false)}` });
    if (m) markers.push(m);
  });
  return { ...curve, ...(markers.length ? { markers } : {}) };
}

/**
 * The best epoch of a seed mean: the engine's rule (monitored metric, min delta) applied to the mean curve
 * of the monitored metric, over the epochs every member reached.
 */
export function groupBestEpoch(line: Line, set: RunSet, epochs: Epochs): number | null {
  const rule = ruleOf(set, line.runs[0]);
  const members = line.runs.map((r) => epochs[r.id] ?? []);
  const mean = aggregateAligned(members.map((m) => m.map((e) => ({ key: e.epoch, x: e.epoch, y: monitoredValue(e, rule.monitor) }))));
  let best: AggregatePoint | null = null;
  for (const p of mean) {
    if (p.n < members.length) continue;
    if (isImprovement(p.mean, best?.mean ?? null, rule)) best = p;
  }
  return best?.key ?? null;
}

export interface CompareEpochInput {
  runs: readonly RunSummary[];
  /** The run set when the caller has one (experiment names, best-epoch rules); built from `runs` otherwise. */
  set?: RunSet;
  epochs: Epochs;
  metric: CompareMetric;
  xAxis: XAxisKind;
  groupBy: GroupBy;
  groupLines?: GroupLines;
  splitBy: ParamName | null;
  layout: 'side-by-side' | 'overlay';
  logY: boolean;
  bands: boolean;
  smoothing?: number;
  zoom?: Zoom;
  /** Training curves at mid-epoch (the half-epoch lag, half-epoch.ts). */
  trainAtMidEpoch?: boolean;
}

function titled(base: string, split: string): string {
  return split ? `${base} — ${split}` : base;
}

/**
 * The groups of one panel's runs, coloured as in the whole selection so that a group keeps its colour
 * across panels (names are the panel's own: a split can hold fewer seeds of a configuration).
 */
function groupsIn(set: RunSet, runs: readonly RunSummary[], groupBy: GroupBy, show: GroupLines, epochs: Epochs, all: readonly LegendGroup[]): LegendGroup[] {
  if (runs.length === set.runs.length) return [...all];
  const colors = new Map<string, string>();
  for (const g of all) {
    colors.set(g.key, g.color);
    for (const l of g.lines) colors.set(l.key, l.color);
  }
  return legendGroups({ ...set, runs }, groupBy, show, epochs).map((g) => {
    const color = colors.get(g.key) ?? g.color;
    // A group with one line in this panel takes the group's own colour.
    return { ...g, color, lines: g.lines.map((l) => ({ ...l, color: g.lines.length === 1 ? color : (colors.get(l.key) ?? l.color) })) };
  });
}

/** Panels for epoch metrics. Colours follow the group across every panel. */
export function compareEpochPanels(input: CompareEpochInput): PanelsOptionInput {
  const set = input.set ?? makeRunSet(input.runs);
  const show = input.groupLines ?? 'each';
  const all = legendGroups(set, input.groupBy, show, input.epochs);
  const splits = splitRuns(set.runs, input.splitBy);
  const smoothing = input.smoothing ?? 0;
  const panels: PanelInput[] = [];
  const pair = input.metric === 'loss' || input.metric === 'accuracy';
  const word = input.metric === 'loss' ? 'loss' : 'accuracy';
  const trainKey: EpochMetricKey = input.metric === 'loss' ? 'trainLoss' : 'trainAccuracy';
  const valKey: EpochMetricKey = input.metric === 'loss' ? 'valLoss' : 'valAccuracy';

  // Training and validation panels mark the same best epoch of a seed mean: judge it once per line.
  const bests = new Map<string, number | null>();
  const bestOf = (line: Line) => {
    if (!bests.has(line.key)) bests.set(line.key, groupBestEpoch(line, set, input.epochs));
    return bests.get(line.key)!;
  };
  const series = (groups: readonly LegendGroup[], key: EpochMetricKey, suffix: string, legendSuffix: string, dashed: boolean): LineSeriesInput[] =>
    groups.flatMap((g) =>
      g.lines.map((line) => ({
        key: `${line.key}:${key}`,
        name: `${g.name}${legendSuffix}`,
        label: `${line.label}${suffix}`,
        color: line.color,
        dashed,
        ...epochLineCurve(line, set, input.epochs, key, input.xAxis, input.bands, smoothing, bestOf, input.trainAtMidEpoch),
      })),
    );

  for (const split of splits) {
    const groups = groupsIn(set, split.runs, input.groupBy, show, input.epochs, all);
    if (!pair) {
      const key: EpochMetricKey = input.metric === 'gap' ? 'gap' : 'learningRate';
      panels.push({ title: titled(COMPARE_METRICS[input.metric].label, split.title), series: series(groups, key, '', '', false) });
    } else if (input.layout === 'side-by-side') {
      panels.push({ title: titled(`Training ${word}`, split.title), series: series(groups, trainKey, ' · train', '', false) });
      panels.push({ title: titled(`Validation ${word}`, split.title), series: series(groups, valKey, ' · val', '', false) });
    } else {
      panels.push({
        title: titled(`Training (dashed) and validation ${word}`, split.title),
        series: [...series(groups, trainKey, ' · train', ' · train', true), ...series(groups, valKey, ' · val', ' · val', false)],
      });
    }
  }
  const columns = pair && input.layout === 'side-by-side' ? 2 : Math.min(3, panels.length);
  return {
    panels,
    columns,
    xAxis: input.xAxis,
    logY: input.logY,
    // Training and validation must share a scale to be read against each other; so must small multiples.
    sharedY: pair || splits.length > 1,
    ...(input.zoom ? { zoom: input.zoom } : {}),
  };
}

export interface CompareIterationInput {
  runs: readonly RunSummary[];
  set?: RunSet;
  series: Readonly<Record<number, readonly SeriesPoint[]>>;
  label: string;
  xAxis: XAxisKind;
  groupBy: GroupBy;
  groupLines?: GroupLines;
  splitBy: ParamName | null;
  smoothing: number;
  logY: boolean;
  bands: boolean;
  zoom?: Zoom;
}

/** x and y of one run's per-iteration points, read straight off the series (100 runs × 2000 points: no objects in between). */
function iterationXY(points: readonly SeriesPoint[], iterationsPerEpoch: number, axis: XAxisKind): { xs: number[]; ys: Array<number | null> } {
  const ipe = Math.max(1, iterationsPerEpoch);
  const xs = new Array<number>(points.length);
  const ys = new Array<number | null>(points.length);
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    xs[i] = axis === 'iteration' ? p.step : axis === 'samples' ? p.samplesSeen : axis === 'time' ? p.elapsedMs / 1000 : p.step / ipe;
    ys[i] = finite(p.value) ? p.value : null;
  }
  return { xs, ys };
}

/** One line of per-iteration values: a run, or a seed mean binned on the x axis (LTTB keeps different points per run). */
function iterationLineCurve(line: Line, input: CompareIterationInput, set: RunSet): Curve {
  const curves = line.runs.map((r) => iterationXY(input.series[r.id] ?? [], r.accounting.iterationsPerEpoch, input.xAxis));
  if (curves.length === 1) {
    const { xs, ys } = curves[0];
    const curve = finish(xs, ys, null, () => false, input.smoothing);
    const run = line.runs[0];
    const stop = run.status === 'early-stopped' && xs.length ? markerAt(curve, xs.length - 1, { kind: 'stop', label: `■ ${stopLabel(set, run, run.epochsDone, true)}` }) : null;
    return { ...curve, ...(stop ? { markers: [stop] } : {}) };
  }
  const agg = aggregateBinned(curves.map(({ xs, ys }) => xs.map((x, i) => ({ x, y: ys[i] }))), 200);
  return { ...finish(agg.map((p) => p.x), agg.map((p) => p.mean), input.bands ? agg.map((p) => p.std) : null, (i) => agg[i].n > 1, input.smoothing), ...coverageOf(agg, curves.length) };
}

/** Per-iteration curves: each run drawn raw (faint) under its EMA-smoothed line; a seed mean binned, with a ± std band. */
export function compareIterationPanels(input: CompareIterationInput): PanelsOptionInput {
  const set = input.set ?? makeRunSet(input.runs);
  const show = input.groupLines ?? 'each';
  const all = legendGroups(set, input.groupBy, show);
  const splits = splitRuns(set.runs, input.splitBy);
  const panels: PanelInput[] = splits.map((split) => ({
    title: titled(input.label, split.title),
    series: groupsIn(set, split.runs, input.groupBy, show, {}, all).flatMap((g) =>
      g.lines.map((line) => ({ key: line.key, name: g.name, label: line.label, color: line.color, ...iterationLineCurve(line, input, set) })),
    ),
  }));
  return {
    panels,
    columns: Math.min(3, panels.length),
    xAxis: input.xAxis,
    logY: input.logY,
    sharedY: splits.length > 1,
    ...(input.zoom ? { zoom: input.zoom } : {}),
  };
}

/**
 * Points to ask the server for per run: enough for a smooth curve, few enough that 100 runs stay
 * interactive (the server downsamples with LTTB to this many): 100k points in all, 200 to 2000 per run.
 */
export function iterationBudget(runCount: number): number {
  return Math.max(200, Math.min(2000, Math.floor(100_000 / Math.max(1, runCount))));
}
