/**
 * An experiment's status and progress, derived from its runs. Computed by the store for every summary and
 * by the runner for live updates; front doors only show them (the renderer never recomputes them).
 *
 * A run either *ended for good* (completed, early-stopped, diverged, failed, pruned: nothing left to train) or is
 * *unfinished* (queued, running, cancelled, interrupted: a resume would train it). Progress is measured
 * against the planned total — every trial's planned iterations — so trials that never started keep the
 * bar short after a Stop or a crash.
 */
import { isResumable, type ExperimentStatus, type RunStatus, type RunSummary } from './records';

export const ENDED_STATUSES: ReadonlySet<RunStatus> = new Set<RunStatus>(['completed', 'early-stopped', 'diverged', 'failed', 'pruned']);
export const UNFINISHED_STATUSES: ReadonlySet<RunStatus> = new Set<RunStatus>(['queued', 'running', 'cancelled', 'interrupted']);

export interface ExperimentProgress {
  trials: number;
  /** Trials with nothing left to train. */
  endedTrials: number;
  /** Queued, running, cancelled or interrupted trials. */
  unfinishedTrials: number;
  /** Every trial's planned iterations (epochs × iterations per epoch), started or not. */
  plannedIterations: number;
  /** Iterations trained so far. */
  doneIterations: number;
  /** Planned iterations that runs which ended early (early stopping, divergence, failure) will never train. */
  skippedIterations: number;
  /** (done + skipped) / planned: 1 only when every trial has ended for good. */
  fraction: number;
  /** Seconds until the queued and running trials are trained, from the running ones' speed; null when unknown. */
  etaSeconds: number | null;
}

/** Per-status sums over an experiment's runs: what the store aggregates in one query. */
export type RunTotals = Partial<Record<RunStatus, { runs: number; planned: number; done: number }>>;

export function experimentProgress(totals: RunTotals, etaSeconds: number | null = null): ExperimentProgress {
  let trials = 0;
  let endedTrials = 0;
  let planned = 0;
  let done = 0;
  let skipped = 0;
  for (const [status, t] of Object.entries(totals) as Array<[RunStatus, { runs: number; planned: number; done: number }]>) {
    trials += t.runs;
    planned += t.planned;
    done += Math.min(t.done, t.planned);
    if (ENDED_STATUSES.has(status)) {
      endedTrials += t.runs;
      skipped += Math.max(0, t.planned - t.done);
    }
  }
  return {
    trials,
    endedTrials,
    unfinishedTrials: trials - endedTrials,
    plannedIterations: planned,
    doneIterations: done,
    skippedIterations: skipped,
    fraction: planned > 0 ? Math.min(1, (done + skipped) / planned) : trials > 0 && endedTrials === trials ? 1 : 0,
    etaSeconds,
  };
}

/**
 * The status a person should read. `claimed`: a live process has said it is training this experiment (the
 * stored flag, cleared at start-up by the process that owns the data folder, so a crash never leaves it set).
 * - running: a run trains, or runs wait in a live process's queue;
 * - interrupted: the process died with work left (interrupted runs, or queued ones nobody will start) — resume;
 * - stopped: a person cancelled runs and left them unfinished — resume continues them;
 * - finished: every trial ended for good.
 */
export function experimentStatus(counts: Partial<Record<RunStatus, number>>, claimed: boolean, resumableFailures = 0): ExperimentStatus {
  const n = (status: RunStatus) => counts[status] ?? 0;
  if (n('running') > 0 || (claimed && n('queued') > 0)) return 'running';
  // A run that failed only because the disk was full is work left, like an interruption (docs/reliability.md D3).
  if (n('interrupted') > 0 || n('queued') > 0 || resumableFailures > 0) return 'interrupted';
  if (n('cancelled') > 0) return 'stopped';
  return 'finished';
}

/**
 * Whether Resume has work to do: the experiment-level face of isResumable. A stopped or interrupted status
 * is derived from runs that isResumable accepts (or queued ones nobody trains), so the front doors offer
 * Resume from the status alone, even where they hold only a summary without its runs.
 */
export function canResumeExperiment(status: ExperimentStatus): boolean {
  return status === 'stopped' || status === 'interrupted';
}

/** What a summary needs from its runs, computed from run summaries (the store does the same in SQL). */
export function summarizeRuns(runs: readonly Pick<RunSummary, 'status' | 'error' | 'accounting' | 'stepsDone'>[]): {
  counts: Partial<Record<RunStatus, number>>;
  totals: RunTotals;
  resumableFailures: number;
} {
  const counts: Partial<Record<RunStatus, number>> = {};
  const totals: RunTotals = {};
  let resumableFailures = 0;
  for (const run of runs) {
    counts[run.status] = (counts[run.status] ?? 0) + 1;
    const resumableFailure = run.status === 'failed' && isResumable(run);
    if (resumableFailure) resumableFailures += 1;
    // For progress, a failure the disk caused is unfinished work.
    const t = (totals[resumableFailure ? 'interrupted' : run.status] ??= { runs: 0, planned: 0, done: 0 });
    t.runs += 1;
    t.planned += run.accounting.totalIterations;
    t.done += run.stepsDone;
  }
  return { counts, totals, resumableFailures };
}
