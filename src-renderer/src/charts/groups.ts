/**
 * From runs to drawn lines. Mean ± std is only ever taken over seeds: a *configuration* is the runs of one
 * experiment that share every hyperparameter but the seed, and each line is one run or one
 * configuration's seed mean. Grouping by a hyperparameter colours lines by its value; the other
 * hyperparameters that vary keep their own lines (in shades of the group's colour), or only the group's
 * best configuration is drawn — the legend says which.
 */
import type { EpochMetric, ParamName, RunSummary } from '../contract';
import { distinctSorted, formatParamScalar } from './categories';
import { meanStd } from './aggregate';
import { colorAt, shade } from './palette';
import { higherIsBetter } from '../contract';
import { paramValue } from './runs';
import { rankingRule, runSetLabel, storedBestValue, type RunSet } from './run-set';
import { shortParamLabel } from '../form/params';

/** 'run': every run alone; 'config': every configuration (mean over its seeds); else one hyperparameter. */
export type GroupBy = 'run' | 'config' | ParamName;
/** Grouping by a hyperparameter: each configuration in the group, or the group's best one. */
export type GroupLines = 'each' | 'best';

export interface Line {
  key: string;
  /** Full name, for tooltips and tables. */
  label: string;
  color: string;
  /** One run, or the seeds of one configuration. */
  runs: RunSummary[];
}

export interface LegendGroup {
  key: string;
  /** Legend entry: every line of the group shares it. */
  name: string;
  color: string;
  lines: Line[];
  /** Every run of the group, drawn or not (the best-epoch table ranks them all). */
  runs: RunSummary[];
}

function byIndex(a: RunSummary, b: RunSummary): number {
  return a.experimentId - b.experimentId || a.index - b.index;
}

/** What identifies a configuration: its experiment and every varying hyperparameter but the seed. */
export function configKey(set: RunSet, run: RunSummary): string {
  return `${run.experimentId}|${set.varying.filter((n) => n !== 'seed').map((n) => String(paramValue(run.params, n))).join('|')}`;
}

/** Runs of one experiment that differ at most by seed, in run order. */
export function configurations(set: RunSet, runs: readonly RunSummary[]): RunSummary[][] {
  const out = new Map<string, RunSummary[]>();
  for (const run of [...runs].sort(byIndex)) {
    const key = configKey(set, run);
    const list = out.get(key) ?? [];
    list.push(run);
    out.set(key, list);
  }
  return [...out.values()];
}

function seedNote(runs: readonly RunSummary[]): string {
  return runs.length > 1 ? ` (mean of ${runs.length} seeds)` : '';
}

function configLabel(set: RunSet, runs: readonly RunSummary[], leaveOut: readonly ParamName[] = []): string {
  // A seed mean is named by what its runs share; a lone run keeps its seed when seeds vary.
  const label = runSetLabel(set, runs[0], runs.length > 1 ? [...leaveOut, 'seed'] : leaveOut);
  return runs.length > 1 && label === `run ${runs[0].id}` ? 'all runs' : label;
}

/** Mean of the runs' stored best values (the rule the groups are ranked by); null when none has one. */
export function configScore(set: RunSet, runs: readonly RunSummary[], epochs: Readonly<Record<number, readonly EpochMetric[]>> = {}): number | null {
  const rule = rankingRule(set);
  return meanStd(runs.map((r) => storedBestValue(r, rule.monitor, epochs[r.id])))?.mean ?? null;
}

/** Best first, configurations without a value last (stable otherwise). */
export function rankConfigurations(set: RunSet, configs: readonly RunSummary[][], epochs: Readonly<Record<number, readonly EpochMetric[]>> = {}): RunSummary[][] {
  const higher = higherIsBetter(rankingRule(set).monitor);
  const scored = configs.map((runs, i) => ({ runs, i, score: configScore(set, runs, epochs) }));
  scored.sort((a, b) => {
    if (a.score === null || b.score === null) return a.score === null ? (b.score === null ? a.i - b.i : 1) : -1;
    return (higher ? b.score - a.score : a.score - b.score) || a.i - b.i;
  });
  return scored.map((s) => s.runs);
}

export function legendGroups(
  set: RunSet,
  groupBy: GroupBy,
  show: GroupLines = 'each',
  epochs: Readonly<Record<number, readonly EpochMetric[]>> = {},
): LegendGroup[] {
  if (groupBy === 'run') {
    return [...set.runs].sort(byIndex).map((run, i) => {
      const label = runSetLabel(set, run);
      return { key: `run:${run.id}`, name: label, color: colorAt(i), runs: [run], lines: [{ key: `run:${run.id}`, label, color: colorAt(i), runs: [run] }] };
    });
  }
  if (groupBy === 'config') {
    return configurations(set, set.runs).map((runs, i) => {
      const key = `config:${configKey(set, runs[0])}`;
      const label = configLabel(set, runs) + seedNote(runs);
      return { key, name: label, color: colorAt(i), runs, lines: [{ key, label, color: colorAt(i), runs }] };
    });
  }
  const param = groupBy;
  const values = distinctSorted(set.runs.map((r) => paramValue(r.params, param)));
  return values.map((value, i) => {
    const color = colorAt(i);
    const runs = set.runs.filter((r) => paramValue(r.params, param) === value);
    const head = `${shortParamLabel(param)}=${formatParamScalar(value)}`;
    const configs = configurations(set, runs);
    const drawn = show === 'best' ? rankConfigurations(set, configs, epochs).slice(0, 1) : configs;
    const lines = drawn.map((members, j) => ({
      key: `${param}:${String(value)}:${configKey(set, members[0])}`,
      label: configLabel(set, members) + seedNote(members),
      color: shade(color, j, drawn.length),
      runs: members,
    }));
    const seeds = configs.some((c) => c.length > 1) ? ', seed means' : '';
    let name = head;
    if (configs.length === 1) name = `${head}${seedNote(configs[0])}`;
    else if (show === 'best') name = `${head} · best: ${configLabel(set, drawn[0], [param]) || 'all runs'}${seedNote(drawn[0])}`;
    else name = `${head} (${configs.length} configurations${seeds})`;
    return { key: `${param}:${String(value)}`, name, color, lines, runs };
  });
}

export interface RunSplit {
  title: string;
  runs: RunSummary[];
}

/** Small multiples: one panel per value of `splitBy` (or one panel with every run). */
export function splitRuns(runs: readonly RunSummary[], splitBy: ParamName | null): RunSplit[] {
  if (!splitBy) return [{ title: '', runs: [...runs] }];
  return distinctSorted(runs.map((r) => paramValue(r.params, splitBy))).map((value) => ({
    title: `${shortParamLabel(splitBy)} = ${formatParamScalar(value)}`,
    runs: runs.filter((r) => paramValue(r.params, splitBy) === value),
  }));
}
