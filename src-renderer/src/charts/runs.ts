/** Runs as the charts see them: which parameters vary, how runs are labelled, grouped and split. */
import { formatParamScalar, paramValue, runLabel, shortParamLabel, type ParamName, type RunSummary } from '../contract';
import { distinctSorted } from './categories';

// Labels and the varying-parameter rule live in contract/param-labels.ts, shared with the CLI and tables.
export { paramValue, runLabel, varyingParams } from '../contract';

export type GroupBy = 'run' | 'config' | ParamName;

export interface RunGroup {
  key: string;
  label: string;
  runs: RunSummary[];
}

/**
 * Groups for the charts: each run alone; runs that differ only by seed (mean ± std over repeats); or runs
 * sharing one parameter's value (aggregating over everything else). Order follows the parameter values.
 */
export function groupRuns(runs: readonly RunSummary[], groupBy: GroupBy, varying: readonly ParamName[]): RunGroup[] {
  if (groupBy === 'run') {
    return [...runs].sort((a, b) => a.index - b.index).map((r) => ({ key: `run:${r.id}`, label: runLabel(r, varying), runs: [r] }));
  }
  if (groupBy === 'config') {
    const withoutSeed = varying.filter((name) => name !== 'seed');
    const groups = new Map<string, RunGroup>();
    for (const run of [...runs].sort((a, b) => a.index - b.index)) {
      const key = `config:${withoutSeed.map((n) => String(paramValue(run.params, n))).join('|')}`;
      const group = groups.get(key) ?? { key, label: withoutSeed.length ? runLabel(run, withoutSeed) : 'all runs', runs: [] };
      group.runs.push(run);
      groups.set(key, group);
    }
    return [...groups.values()].map((g) => (g.runs.length > 1 ? { ...g, label: `${g.label} (${g.runs.length} seeds)` } : g));
  }
  const values = distinctSorted(runs.map((r) => paramValue(r.params, groupBy)));
  return values.map((value) => ({
    key: `${groupBy}:${String(value)}`,
    label: `${shortParamLabel(groupBy)}=${formatParamScalar(value)}`,
    runs: runs.filter((r) => paramValue(r.params, groupBy) === value).sort((a, b) => a.index - b.index),
  }));
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
