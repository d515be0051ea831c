/**
 * A trial's objective and the study's optimisation history. The objective of a run is the best value of the
 * monitor over its epochs (lowest loss, highest accuracy by default), so a run that over-fits late is judged
 * by its best epoch, as the best-epoch tables judge it.
 */
import type { Direction, HistoryPoint, Objective, RunStatus } from '../../contract';
import type { EpochValues } from './pruners';

/** Statuses whose objective is a full trial's result (Optuna's COMPLETE). */
export const COMPLETE_STATUSES: ReadonlySet<RunStatus> = new Set(['completed', 'early-stopped']);

export function isBetter(a: number, b: number, direction: Direction): boolean {
  return direction === 'minimize' ? a < b : a > b;
}

export function objectiveValue(values: EpochValues, direction: Direction): number | null {
  let best: number | null = null;
  for (const v of values.values()) {
    if (v === null || !Number.isFinite(v)) continue;
    if (best === null || isBetter(v, best, direction)) best = v;
  }
  return best;
}

export interface StudyRun {
  id: number;
  index: number;
  status: RunStatus;
  values: EpochValues;
}

/** One point per finished trial with a value, in trial order, with the best completed value so far. */
export function optimizationHistory(runs: readonly StudyRun[], objective: Objective): { points: HistoryPoint[]; bestRunId: number | null } {
  const points: HistoryPoint[] = [];
  let best: number | null = null;
  let bestRunId: number | null = null;
  for (const run of [...runs].sort((a, b) => a.index - b.index)) {
    if (run.status === 'queued' || run.status === 'running') continue;
    const value = objectiveValue(run.values, objective.direction);
    const complete = COMPLETE_STATUSES.has(run.status) && value !== null;
    if (complete && (best === null || isBetter(value, best, objective.direction))) {
      best = value;
      bestRunId = run.id;
    }
    if (value === null && !complete) continue;
    points.push({ runId: run.id, index: run.index, status: run.status, value, bestSoFar: best, complete, epochs: run.values.size });
  }
  return { points, bestRunId };
}
