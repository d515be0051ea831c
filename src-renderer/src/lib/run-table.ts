/** The experiment view's run table as data: one row per run, sorting with missing values last, filtering. */
import type { ParamName, RunStatus, RunSummary } from '../contract';
import { paramValue, runLabel } from '../charts/runs';
import type { ParamScalar } from '../charts/categories';

export interface RunRow {
  id: number;
  index: number;
  label: string;
  params: Partial<Record<ParamName, ParamScalar>>;
  status: RunStatus;
  bestEpoch: number | null;
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
}

export function runRow(run: RunSummary, varying: readonly ParamName[]): RunRow {
  const params: Partial<Record<ParamName, ParamScalar>> = {};
  for (const name of varying) {
    const v = paramValue(run.params, name);
    if (v !== undefined) params[name] = v;
  }
  const gap = run.bestValLoss !== null && run.bestTrainLoss !== null ? run.bestValLoss - run.bestTrainLoss : null;
  return {
    id: run.id,
    index: run.index,
    label: runLabel(run, varying),
    params,
    status: run.status,
    bestEpoch: run.bestEpoch,
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
  /** Words that must all appear in the run's label or status, e.g. "bs=16 completed". */
  text: string;
}

export function filterRows(rows: readonly RunRow[], filter: RunFilter): RunRow[] {
  const words = filter.text.toLowerCase().split(/\s+/).filter(Boolean);
  return rows.filter((row) => {
    if (filter.statuses.length && !filter.statuses.includes(row.status)) return false;
    const hay = `${row.label} ${row.status} #${row.index + 1}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}
