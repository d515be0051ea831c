/**
 * From runs and their metrics to chart panels: epoch curves (train | validation, gap, learning rate) and
 * iteration curves, grouped and split as the Compare view asks. Pure: the view passes data, gets options.
 */
import type { EpochMetric, RunSummary, SeriesPoint } from '../contract';
import type { ParamName } from '../contract';
import { aggregateAligned, aggregateBinned, type AggregatePoint } from './aggregate';
import { xOf, type CurvePoint, type XAxisKind } from './axes';
import { emaSmooth } from './ema';
import { atMidEpoch, EPOCH_AVERAGED } from './half-epoch';
import { colorAt } from './palette';
import { groupRuns, splitRuns, type GroupBy, type RunGroup } from './runs';
import type { LineSeriesInput, PanelInput, PanelsOptionInput } from './curves';

export type EpochMetricKey = 'trainLoss' | 'valLoss' | 'trainAccuracy' | 'valAccuracy' | 'learningRate' | 'gap';
export type CompareMetric = 'loss' | 'accuracy' | 'gap' | 'learningRate';

export const COMPARE_METRICS: Record<CompareMetric, { label: string; lowerIsBetter: boolean }> = {
  loss: { label: 'Loss', lowerIsBetter: true },
  accuracy: { label: 'Accuracy', lowerIsBetter: false },
  gap: { label: 'Generalization gap (val − train loss)', lowerIsBetter: true },
  learningRate: { label: 'Learning rate', lowerIsBetter: false },
};

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

/** The epoch with the lowest validation loss (training loss when there is no validation set). */
export function bestEpochOf(metrics: readonly EpochMetric[]): EpochMetric | null {
  const key: EpochMetricKey = metrics.some((m) => finite(m.valLoss)) ? 'valLoss' : 'trainLoss';
  let best: EpochMetric | null = null;
  for (const m of metrics) {
    const v = epochValue(m, key);
    if (v === null) continue;
    if (best === null || v < (epochValue(best, key) as number)) best = m;
  }
  return best;
}

/** The keys aggregateAligned produces points for, in its order. */
function alignedKeys(curves: ReadonlyArray<ReadonlyArray<{ key: number; y: number | null }>>): number[] {
  return [...new Set(curves.flatMap((c) => c.filter((p) => p.y !== null && Number.isFinite(p.y)).map((p) => p.key)))].sort((a, b) => a - b);
}

interface GroupCurve {
  points: Array<[number, number | null]>;
  band?: Array<{ x: number; lo: number; hi: number }>;
  best: { x: number; y: number } | null;
}

function bandOf(agg: readonly AggregatePoint[]) {
  return agg.filter((p) => p.n > 1).map((p) => ({ x: p.x, lo: p.mean - p.std, hi: p.mean + p.std }));
}

/** One line for a group: the run itself, or the mean over its runs with a ± std band. */
export function groupEpochCurve(
  group: RunGroup,
  epochs: Readonly<Record<number, readonly EpochMetric[]>>,
  key: EpochMetricKey,
  xAxis: XAxisKind,
  bands: boolean,
  midEpoch = false,
): GroupCurve {
  const members = group.runs.map((r) => epochs[r.id] ?? []);
  if (members.length === 1) {
    const metrics = members[0];
    const best = bestEpochOf(metrics);
    const points = epochPoints(metrics, key, midEpoch);
    const bestPoint = best ? points[metrics.indexOf(best)] : null;
    return {
      points: points.map((p) => [xOf(p, xAxis), p.value]),
      best: bestPoint && bestPoint.value !== null ? { x: xOf(bestPoint, xAxis), y: bestPoint.value } : null,
    };
  }
  // Keyed by the epoch row, so runs align on their epochs wherever the points are drawn.
  const keyed = (k: EpochMetricKey) => members.map((m) => epochPoints(m, k, midEpoch).map((p, i) => ({ key: m[i].epoch, x: xOf(p, xAxis), y: p.value })));
  const curves = keyed(key);
  const agg = aggregateAligned(curves);
  // The group's best epoch: lowest mean validation loss (or training loss without a validation set).
  const hasVal = members.some((m) => m.some((e) => finite(e.valLoss)));
  const refCurves = keyed(hasVal ? 'valLoss' : 'trainLoss');
  const ref = aggregateAligned(refCurves);
  let best: { x: number; y: number } | null = null;
  if (ref.length) {
    // Found by epoch, not by x: a mid-epoch training point sits half an epoch before its validation point.
    const bestKey = alignedKeys(refCurves)[ref.indexOf(ref.reduce((a, b) => (b.mean < a.mean ? b : a)))];
    const at = agg[alignedKeys(curves).indexOf(bestKey)] ?? null;
    if (at) best = { x: at.x, y: at.mean };
  }
  return { points: agg.map((p) => [p.x, p.mean]), ...(bands ? { band: bandOf(agg) } : {}), best };
}

export interface CompareEpochInput {
  runs: readonly RunSummary[];
  epochs: Readonly<Record<number, readonly EpochMetric[]>>;
  metric: CompareMetric;
  xAxis: XAxisKind;
  groupBy: GroupBy;
  varying: readonly ParamName[];
  splitBy: ParamName | null;
  layout: 'side-by-side' | 'overlay';
  logY: boolean;
  bands: boolean;
  /** Training curves at mid-epoch (the half-epoch lag, half-epoch.ts). */
  trainAtMidEpoch?: boolean;
}

function titled(base: string, split: string): string {
  return split ? `${base} — ${split}` : base;
}

/** Panels for epoch metrics. Colors follow the group across every panel. */
export function compareEpochPanels(input: CompareEpochInput): PanelsOptionInput {
  const allGroups = groupRuns(input.runs, input.groupBy, input.varying);
  const colorOf = new Map(allGroups.map((g, i) => [g.key, colorAt(i)]));
  const splits = splitRuns(input.runs, input.splitBy);
  const panels: PanelInput[] = [];
  const pair = input.metric === 'loss' || input.metric === 'accuracy';
  const word = input.metric === 'loss' ? 'loss' : 'accuracy';
  const trainKey: EpochMetricKey = input.metric === 'loss' ? 'trainLoss' : 'trainAccuracy';
  const valKey: EpochMetricKey = input.metric === 'loss' ? 'valLoss' : 'valAccuracy';

  for (const split of splits) {
    const groups = groupRuns(split.runs, input.groupBy, input.varying);
    const line = (g: RunGroup, key: EpochMetricKey, name: string, dashed: boolean): LineSeriesInput => ({
      key: `${g.key}:${key}`,
      name,
      color: colorOf.get(g.key) ?? colorAt(0),
      dashed,
      ...groupEpochCurve(g, input.epochs, key, input.xAxis, input.bands, input.trainAtMidEpoch),
    });
    if (!pair) {
      const key: EpochMetricKey = input.metric === 'gap' ? 'gap' : 'learningRate';
      panels.push({ title: titled(input.metric === 'gap' ? 'Generalization gap (val − train loss)' : 'Learning rate', split.title), series: groups.map((g) => line(g, key, g.label, false)) });
    } else if (input.layout === 'side-by-side') {
      panels.push({ title: titled(`Training ${word}`, split.title), series: groups.map((g) => line(g, trainKey, g.label, false)) });
      panels.push({ title: titled(`Validation ${word}`, split.title), series: groups.map((g) => line(g, valKey, g.label, false)) });
    } else {
      panels.push({
        title: titled(`Training (dashed) and validation ${word}`, split.title),
        series: groups.flatMap((g) => [line(g, trainKey, `${g.label} · train`, true), line(g, valKey, `${g.label} · val`, false)]),
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
  };
}

export interface CompareIterationInput {
  runs: readonly RunSummary[];
  series: Readonly<Record<number, readonly SeriesPoint[]>>;
  label: string;
  xAxis: XAxisKind;
  groupBy: GroupBy;
  varying: readonly ParamName[];
  splitBy: ParamName | null;
  smoothing: number;
  logY: boolean;
  bands: boolean;
}

/**
 * Per-iteration curves: each run drawn raw (faint) under its EMA-smoothed line; a group of runs is binned
 * into its mean (then smoothed) with a ± std band.
 */
export function compareIterationPanels(input: CompareIterationInput): PanelsOptionInput {
  const allGroups = groupRuns(input.runs, input.groupBy, input.varying);
  const colorOf = new Map(allGroups.map((g, i) => [g.key, colorAt(i)]));
  const splits = splitRuns(input.runs, input.splitBy);
  const panels: PanelInput[] = splits.map((split) => {
    const series: LineSeriesInput[] = [];
    for (const g of groupRuns(split.runs, input.groupBy, input.varying)) {
      const color = colorOf.get(g.key) ?? colorAt(0);
      const curves = g.runs.map((r) => iterationPoints(input.series[r.id] ?? [], r.accounting.iterationsPerEpoch).map((p) => ({ x: xOf(p, input.xAxis), y: p.value })));
      if (curves.length === 1) {
        const raw = curves[0];
        const smooth = emaSmooth(raw.map((p) => p.y), input.smoothing);
        if (input.smoothing > 0) series.push({ key: `${g.key}:raw`, name: g.label, color, faint: true, points: raw.map((p) => [p.x, p.y]) });
        series.push({ key: g.key, name: g.label, color, points: raw.map((p, i) => [p.x, smooth[i]]) });
      } else {
        const agg = aggregateBinned(curves, 200);
        const smooth = emaSmooth(agg.map((p) => p.mean), input.smoothing);
        series.push({
          key: g.key,
          name: g.label,
          color,
          points: agg.map((p, i) => [p.x, smooth[i]]),
          ...(input.bands ? { band: bandOf(agg) } : {}),
        });
      }
    }
    return { title: split.title ? `${input.label} — ${split.title}` : input.label, series };
  });
  return { panels, columns: Math.min(3, panels.length), xAxis: input.xAxis, logY: input.logY, sharedY: splits.length > 1 };
}

/**
 * Points to ask the server for per run: enough for a smooth curve, few enough that 100 runs stay
 * interactive (the server downsamples with LTTB to this many).
 */
export function iterationBudget(runCount: number): number {
  return Math.max(100, Math.min(2000, Math.floor(200_000 / Math.max(1, runCount))));
}
