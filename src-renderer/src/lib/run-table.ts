/** The experiment view's run table as data: one row per run, sorting with missing values last, filtering. */
import { paramValue, runLabel, runName, trialNumber, type ParamName, type ParamScalar, type RunStatus, type RunSummary } from '../contract';
import type { RunPredicate } from './run-filter';

export interface RunRow {
  id: number;
  /** 1-based, as people count trials. */
  trial: number;
  label: string;
  params: Partial<Record<ParamName, ParamScalar>>;
  status: RunStatus;
  bestEpoch: number | null;
  stopEpoch: number | null;
  bestValLoss: number | null;
  bestValAccuracy: number | null;
  finalValLoss: number | null;
  finalValAccuracy: number | null;
  trainLossAtBest: number | null;
  /** val − train loss at the best epoch: how much the model over-fits there. */
  gap: number | null;
  iterationsPerEpoch: number;
  lastBatchSize: number;
  epochsDone: number;
  epochsPlanned: number;
  seconds: number | null;
  error: string | null;
  endReason: string | null;
  tags: string[];
  notes: string;
  /** Lower-case text that free words in the filter search: label, status, ids, tags, notes, reasons. */
  searchText: string;
}

export function runRow(run: RunSummary, varying: readonly ParamName[]): RunRow {
  const params: Partial<Record<ParamName, ParamScalar>> = {};
  // Every parameter the run has, so a filter can name one that does not vary.
  for (const name of Object.keys(run.params) as ParamName[]) {
    const v = paramValue(run.params, name);
    if (v !== undefined) params[name] = v;
  }
  const gap = run.bestValLoss !== null && run.bestTrainLoss !== null ? run.bestValLoss - run.bestTrainLoss : null;
  const label = runLabel(run, varying);
  const searchText = [
    label, run.status, runName(run), `trial ${trialNumber(run)}`, ...run.tags.map((t) => `#${t}`), run.notes, run.endReason ?? '', run.error ?? '',
  ].join('\n').toLowerCase();
  return {
    id: run.id,
    trial: trialNumber(run),
    label,
    params,
    status: run.status,
    bestEpoch: run.bestEpoch,
    stopEpoch: run.stopEpoch,
    bestValLoss: run.bestValLoss,
    bestValAccuracy: run.bestValAccuracy,
    finalValLoss: run.finalValLoss,
    finalValAccuracy: run.finalValAccuracy,
    trainLossAtBest: run.bestTrainLoss,
    gap,
    iterationsPerEpoch: run.accounting.iterationsPerEpoch,
    lastBatchSize: run.accounting.lastBatchSize,
    epochsDone: run.epochsDone,
    epochsPlanned: run.accounting.epochs,
    seconds: run.seconds,
    error: run.error,
    endReason: run.endReason,
    tags: run.tags,
    notes: run.notes,
    searchText,
  };
}

/** Ascending comparison where null/NaN sort last whatever the direction (so "best first" stays readable). */
export function compareValues(a: ParamScalar | null | undefined, b: ParamScalar | null | undefined): number {
  const missingA = a === null || a === undefined || (typeof a === 'number' && Number.isNaN(a));
  const missingB = b === null || b === undefined || (typeof b === 'number' && Number.isNaN(b));
  if (missingA || missingB) return missingA === missingB ? 0 : missingA ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

export function sortRows<K extends keyof RunRow>(rows: readonly RunRow[], key: K | `param:${ParamName}`, order: 'ascend' | 'descend'): RunRow[] {
  const get = (row: RunRow): ParamScalar | null | undefined => {
    if (typeof key === 'string' && key.startsWith('param:')) return row.params[key.slice(6) as ParamName];
    const v = row[key as keyof RunRow];
    return typeof v === 'number' || typeof v === 'string' ? v : null;
  };
  const sign = order === 'ascend' ? 1 : -1;
  return [...rows].sort((x, y) => {
    const a = get(x);
    const b = get(y);
    const missing = (v: unknown) => v === null || v === undefined;
    // Missing values stay at the bottom in both directions.
    if (missing(a) || missing(b)) return compareValues(a, b);
    return sign * compareValues(a, b);
  });
}

export interface RunFilter {
  statuses: readonly RunStatus[];
  /** The parsed filter text (see run-filter.ts); null keeps every row. */
  test: RunPredicate | null;
}

export function filterRows(rows: readonly RunRow[], filter: RunFilter): RunRow[] {
  return rows.filter((row) => (!filter.statuses.length || filter.statuses.includes(row.status)) && (!filter.test || filter.test(row)));
}
