/** Runs as the charts see them: which parameters vary, how runs are labelled, grouped and split. */
import { PARAM_ORDER, type ParamName, type RunSummary, type TrialParams } from '../contract';
import { distinctSorted, formatParamScalar, type ParamScalar } from './categories';
import { shortParamLabel } from '../form/params';

export type GroupBy = 'run' | 'config' | ParamName;

export function paramValue(params: TrialParams, name: ParamName): ParamScalar | undefined {
  return (params as unknown as Partial<Record<ParamName, ParamScalar>>)[name];
}

/** Parameters with more than one value among the runs: the only ones worth naming in labels. */
export function varyingParams(runs: readonly Pick<RunSummary, 'params'>[]): ParamName[] {
  return PARAM_ORDER.filter((name) => distinctSorted(runs.map((r) => paramValue(r.params, name))).length > 1);
}

/** "bs=16 · lr=0.01 · seed=2", or "run 3" when nothing varies. */
export function runLabel(run: Pick<RunSummary, 'params' | 'index'>, varying: readonly ParamName[]): string {
  const parts = varying.map((name) => `${shortParamLabel(name)}=${formatParamScalar(paramValue(run.params, name))}`);
  return parts.length ? parts.join(' · ') : `run ${run.index + 1}`;
}

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
