/**
 * Everything the Compare view shows, as one plain value: which runs, grouped and split how, which metric
 * against which axis, log or linear, smoothed how much, which panels. It lives in the URL (so a
 * comparison survives a reload, Back and a shared link) and is what `epochlab report` takes as flags.
 * Pure: no Vue, no DOM.
 */
import { ITERATION_SERIES, PARAM_ORDER, type IterationSeriesName, type ParamName, type RunSummary } from '../contract';
import { X_AXES, type XAxisKind } from '../charts/axes';
import type { GroupBy, GroupLines } from '../charts/groups';
import type { HeatmapReduce } from '../charts/heatmap';
import { SUMMARY_METRICS, type SummaryMetric } from '../charts/summary-metrics';

export const COMPARE_PANELS = ['curves', 'table', 'iterations', 'gap', 'heatmap', 'parallel', 'analysis'] as const;
export type ComparePanel = (typeof COMPARE_PANELS)[number];
export const PANEL_TITLES: Record<ComparePanel, string> = {
  curves: 'Curves',
  table: 'Best epoch per group',
  iterations: 'Per iteration',
  gap: 'Generalization gap',
  heatmap: 'Heatmap',
  parallel: 'Parallel coordinates',
  analysis: 'Batch size and seeds',
};

export type CurveMetric = 'loss' | 'accuracy' | 'learningRate';
export type Layout = 'side-by-side' | 'overlay';

export interface CompareState {
  runs: number[];
  groupBy: GroupBy;
  lines: GroupLines;
  splitBy: ParamName | null;
  metric: CurveMetric;
  layout: Layout;
  xAxis: XAxisKind;
  gapXAxis: XAxisKind;
  iterationXAxis: XAxisKind;
  iterationSeries: Extract<IterationSeriesName, 'loss' | 'accuracy'>;
  logY: boolean;
  bands: boolean;
  /** Training curves drawn at the middle of their epoch (charts/half-epoch.ts). */
  midEpoch: boolean;
  /** EMA weight (0–0.99) for the epoch charts, and for the per-iteration chart. */
  smoothing: number;
  iterationSmoothing: number;
  panels: ComparePanel[];
  /** Null: chosen from the runs (two different hyperparameters that vary). */
  heatX: ParamName | null;
  heatY: ParamName | null;
  heatMetric: SummaryMetric;
  heatReduce: HeatmapReduce;
  parallelMetric: SummaryMetric;
}

/** Defaults: every varying hyperparameter's configurations, mean over seeds; nothing smoothed at epoch level. */
export const DEFAULT_STATE: Readonly<CompareState> = Object.freeze({
  runs: [],
  groupBy: 'config',
  lines: 'each',
  splitBy: null,
  metric: 'loss',
  layout: 'side-by-side',
  xAxis: 'epoch',
  gapXAxis: 'epoch',
  iterationXAxis: 'iteration',
  iterationSeries: 'loss',
  logY: false,
  bands: true,
  midEpoch: true,
  smoothing: 0,
  iterationSmoothing: 0.6,
  panels: [...COMPARE_PANELS],
  heatX: null,
  heatY: null,
  heatMetric: 'bestValLoss',
  heatReduce: 'mean',
  parallelMetric: 'bestValLoss',
} satisfies CompareState);

export function defaultState(): CompareState {
  return { ...DEFAULT_STATE, runs: [], panels: [...DEFAULT_STATE.panels] };
}

export const MAX_SMOOTHING = 0.99;

/** Runs compared when an experiment's Compare opens without a list: every run that has trained a little. */
export const DEFAULT_SELECTION_LIMIT = 200;

export function defaultSelection(runs: readonly RunSummary[]): number[] {
  return runs.filter((r) => r.epochsDone > 0 || r.stepsDone > 0).slice(0, DEFAULT_SELECTION_LIMIT).map((r) => r.id);
}

/** One URL query key (and `epochlab report` flag) per field, short enough to read in an address bar. */
export const QUERY_KEYS = {
  runs: 'runs', groupBy: 'group', lines: 'lines', splitBy: 'split', metric: 'metric', layout: 'layout', xAxis: 'x', gapXAxis: 'gx',
  iterationXAxis: 'ix', iterationSeries: 'series', logY: 'log', bands: 'bands', midEpoch: 'mid', smoothing: 'smooth', iterationSmoothing: 'ismooth',
  panels: 'panels', heatX: 'hx', heatY: 'hy', heatMetric: 'hm', heatReduce: 'hr', parallelMetric: 'pm',
} as const satisfies Record<keyof CompareState, string>;

type Field = keyof CompareState;
/** A value, an error, or both: what could be read of a value that was partly wrong (a list of run ids). */
type Parsed<T> = { value: T; error?: string } | { error: string };
type Parser<K extends Field> = (text: string) => Parsed<CompareState[K]>;

const ok = <T>(value: T): Parsed<T> => ({ value });
const fail = (error: string): Parsed<never> => ({ error });
const isParam = (text: string): text is ParamName => (PARAM_ORDER as readonly string[]).includes(text);
const choice = <T extends string>(what: string, values: readonly T[]) => (text: string): Parsed<T> =>
  (values as readonly string[]).includes(text) ? ok(text as T) : fail(`${what} must be one of: ${values.join(', ')}`);
const optionalParam = (what: string) => (text: string): Parsed<ParamName | null> =>
  text === '' || text === 'none' ? ok(null) : isParam(text) ? ok(text) : fail(`${what} must be a hyperparameter: ${PARAM_ORDER.join(', ')}`);
const flag = (what: string) => (text: string): Parsed<boolean> =>
  text === '1' || text === 'true' ? ok(true) : text === '0' || text === 'false' ? ok(false) : fail(`${what} must be 1 or 0`);
const weight = (what: string) => (text: string): Parsed<number> => {
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) && n >= 0 && n <= MAX_SMOOTHING ? ok(n) : fail(`${what} must be a number from 0 to ${MAX_SMOOTHING}`);
};
const SUMMARY_KEYS = Object.keys(SUMMARY_METRICS) as SummaryMetric[];
const CURVE_SERIES = ITERATION_SERIES.filter((s): s is 'loss' | 'accuracy' => s === 'loss' || s === 'accuracy');

/** Run ids, deduplicated in order; ids that are not ids are reported and the others kept. */
export function parseRunIds(text: string): Parsed<number[]> {
  const parts = text.split(',').map((s) => s.trim()).filter(Boolean);
  const good = (p: string) => Number.isSafeInteger(Number(p)) && Number(p) >= 1;
  const bad = parts.filter((p) => !good(p));
  const ids = [...new Set(parts.filter(good).map(Number))];
  return bad.length ? { value: ids, error: `runs must be run ids like 3,4,9 (not ${bad.slice(0, 3).join(', ')})` } : ok(ids);
}

const PARSERS: { [K in Field]: Parser<K> } = {
  runs: parseRunIds,
  groupBy: (text) => (text === 'run' || text === 'config' || isParam(text) ? ok(text) : fail(`group must be run, config or a hyperparameter: ${PARAM_ORDER.join(', ')}`)),
  lines: choice('lines', ['each', 'best'] as const),
  splitBy: optionalParam('split'),
  metric: choice('metric', ['loss', 'accuracy', 'learningRate'] as const),
  layout: choice('layout', ['side-by-side', 'overlay'] as const),
  xAxis: choice('x', X_AXES),
  gapXAxis: choice('gx', X_AXES),
  iterationXAxis: choice('ix', X_AXES),
  iterationSeries: choice('series', CURVE_SERIES),
  logY: flag('log'),
  bands: flag('bands'),
  midEpoch: flag('mid'),
  smoothing: weight('smooth'),
  iterationSmoothing: weight('ismooth'),
  panels: (text) => {
    const list = text.split(',').map((s) => s.trim()).filter(Boolean);
    const bad = list.filter((p) => !(COMPARE_PANELS as readonly string[]).includes(p));
    return bad.length ? fail(`panels must be a list of: ${COMPARE_PANELS.join(', ')}`) : ok(COMPARE_PANELS.filter((p) => list.includes(p)));
  },
  heatX: optionalParam('hx'),
  heatY: optionalParam('hy'),
  heatMetric: choice('hm', SUMMARY_KEYS),
  heatReduce: choice('hr', ['mean', 'best'] as const),
  parallelMetric: choice('pm', SUMMARY_KEYS),
};

export interface ParsedState {
  state: CompareState;
  /** Which fields were given (the rest are defaults). */
  given: Set<Field>;
  /** One message per value that could not be read (the field keeps its default). */
  issues: Array<{ key: string; message: string }>;
}

/** Reads a URL query (or report flags): unknown keys are ignored, bad values reported and left at their default. */
export function parseState(query: Readonly<Record<string, unknown>>): ParsedState {
  const state = defaultState();
  const given = new Set<Field>();
  const issues: ParsedState['issues'] = [];
  for (const field of Object.keys(QUERY_KEYS) as Field[]) {
    const key = QUERY_KEYS[field];
    let raw = query[key];
    if (Array.isArray(raw)) raw = raw[raw.length - 1];
    if (raw === undefined || raw === null) continue;
    const parsed = (PARSERS[field] as Parser<Field>)(String(raw));
    if (parsed.error !== undefined) issues.push({ key, message: parsed.error });
    if (!('value' in parsed)) continue;
    (state as unknown as Record<Field, unknown>)[field] = parsed.value;
    given.add(field);
  }
  return { state, given, issues };
}

function serialize(field: Field, value: CompareState[Field]): string {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}

/** The query for a state: the runs, then only what differs from the defaults (short, stable URLs). */
export function stateToQuery(state: CompareState): Record<string, string> {
  const query: Record<string, string> = {};
  for (const field of Object.keys(QUERY_KEYS) as Field[]) {
    const text = serialize(field, state[field]);
    if (field !== 'runs' && text === serialize(field, DEFAULT_STATE[field])) continue;
    query[QUERY_KEYS[field]] = text;
  }
  return query;
}

/** Same state (so that writing the URL back does not loop). */
export function sameState(a: CompareState, b: CompareState): boolean {
  return (Object.keys(QUERY_KEYS) as Field[]).every((f) => serialize(f, a[f]) === serialize(f, b[f]));
}
