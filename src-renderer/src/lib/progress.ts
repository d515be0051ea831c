/**
 * One run's progress bar and ETA while it trains, from its summary and its live run-progress events.
 * The experiment's progress is not computed here: the services send it (ExperimentSummary.progress, and
 * with every run-progress event).
 */
import type { RunProgress, RunSummary } from '../contract';

export type LiveProgress = RunProgress;

export interface Progress {
  doneSteps: number;
  totalSteps: number;
  fraction: number;
  /** Seconds left, or null when nothing is known yet about the speed (or the run is not training). */
  etaSeconds: number | null;
}

/** Steps per second of a running run, measured from its own start. */
function rate(live: LiveProgress | undefined): number | null {
  if (!live || live.elapsedMs <= 0 || live.step <= 0) return null;
  return live.step / (live.elapsedMs / 1000);
}

/** Done against planned, always: a run cancelled halfway shows half a bar, not a full one. */
export function runProgress(run: RunSummary, live?: LiveProgress): Progress {
  const total = run.accounting.totalIterations;
  const done = Math.min(total, Math.max(run.stepsDone, run.status === 'running' ? live?.step ?? 0 : 0));
  const r = run.status === 'running' ? rate(live) : null;
  return {
    doneSteps: done,
    totalSteps: total,
    fraction: total > 0 ? done / total : 0,
    etaSeconds: r ? (total - done) / r : null,
  };
}
