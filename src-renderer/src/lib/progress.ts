/** Progress and ETA of runs and of a whole experiment, from run summaries and live run-progress events. */
import { FINISHED_STATUSES, type RunProgress, type RunSummary } from '../contract';

export type LiveProgress = RunProgress;

export interface Progress {
  doneSteps: number;
  totalSteps: number;
  fraction: number;
  /** Seconds left, or null when nothing is known yet about the speed. */
  etaSeconds: number | null;
}

/** Steps per second of a running run, measured from its own start. */
function rate(live: LiveProgress | undefined): number | null {
  if (!live || live.elapsedMs <= 0 || live.step <= 0) return null;
  return live.step / (live.elapsedMs / 1000);
}

export function runProgress(run: RunSummary, live?: LiveProgress): Progress {
  const total = live?.totalSteps || run.accounting.totalIterations;
  if (FINISHED_STATUSES.has(run.status)) {
    // A run that stopped early is done: its bar is full, whatever the plan was.
    return { doneSteps: run.stepsDone, totalSteps: run.stepsDone, fraction: 1, etaSeconds: 0 };
  }
  const done = Math.min(total, Math.max(run.stepsDone, live?.step ?? 0));
  const r = run.status === 'running' ? rate(live) : null;
  return {
    doneSteps: done,
    totalSteps: total,
    fraction: total > 0 ? done / total : 0,
    etaSeconds: r ? (total - done) / r : null,
  };
}

/**
 * The whole experiment: steps done over steps planned (finished runs count what they did), and an ETA
 * from the combined speed of the running runs — they train in parallel, so their rates add up. Trials a
 * TPE study has yet to propose (`plannedTrials` beyond the stored runs) count at the mean planned size of
 * the stored ones.
 */
export function experimentProgress(
  runs: readonly RunSummary[], live: Readonly<Record<number, LiveProgress>>, plannedTrials = runs.length,
): Progress & { finishedRuns: number } {
  let done = 0;
  let total = 0;
  let speed = 0;
  let finishedRuns = 0;
  for (const run of runs) {
    const p = runProgress(run, live[run.id]);
    done += p.doneSteps;
    total += p.totalSteps;
    if (FINISHED_STATUSES.has(run.status)) finishedRuns += 1;
    if (run.status === 'running') speed += rate(live[run.id]) ?? 0;
  }
  const missing = Math.max(0, plannedTrials - runs.length);
  if (missing && runs.length) total += Math.round((missing * runs.reduce((n, r) => n + r.accounting.totalIterations, 0)) / runs.length);
  const remaining = total - done;
  return {
    doneSteps: done,
    totalSteps: total,
    fraction: total > 0 ? done / total : 0,
    etaSeconds: remaining === 0 ? 0 : speed > 0 ? remaining / speed : null,
    finishedRuns,
  };
}
