/**
 * Joins the engine and the store: sends queued runs to the worker pool, persists what workers report,
 * and publishes live events. The only place where training results meet SQLite.
 */
import { withStoredDefaults, type BackendChoice, type FromWorker, type IterationAccounting, type RunSummary, type TrialConfig, type TrialEnd } from '../contract';
import type { TrialRunner } from '../engine/pool/trial-runner';
import { studyIsShort } from '../engine/search';
import { checkpointDirOf } from '../engine/training/checkpoint-layout';
import type { RunEndInfo, RunStore } from '../store';
import type { EventHub } from './events';
import { failureReason } from './failures';

export interface RunnerOptions {
  dataDir: string;
  backend: BackendChoice;
  /** How often workers send iteration rows (and the UI gets progress). */
  flushIntervalMs: number;
  /** Where failures that reach no caller are reported (the store refusing a run's end or an experiment's status). */
  report: (line: string) => void;
}

/** A run handed to the runner: what the store holds for it, so that nothing is read back. */
export interface QueuedRun {
  id: number;
  config: TrialConfig;
  /** The accounting stored when the experiment was created; the worker's data must match it. */
  accounting: IterationAccounting;
  /** Continue from the run's resume point (epochs are already stored). */
  resume: boolean;
}

interface ActiveRun {
  experimentId: number;
  accounting: IterationAccounting;
  /**
   * The run cannot go on and ends `failed` with this reason: a store write failed (disk full…), or the
   * worker's data does not match the stored accounting.
   */
  storeError: string | null;
  lastProgress: { step: number; elapsedMs: number; samples: number };
  /** Set when the study's pruner stopped the run after this epoch: it ends `pruned` with epochs 1…epoch. */
  pruned: { epoch: number; reason: string } | null;
  done: Promise<void>;
}

export class ExperimentRunner {
  private readonly active = new Map<number, ActiveRun>();
  /** Ends this process saw but could not write (a full disk): the API shows them instead of a stale `running`. */
  private readonly unsavedEnds = new Map<number, { status: RunEndInfo['status']; error: string | null }>();

  constructor(
    private readonly store: RunStore,
    private readonly pool: TrialRunner,
    private readonly events: EventHub,
    private readonly options: RunnerOptions,
  ) {}

  isActive(experimentId: number): boolean {
    return [...this.active.values()].some((r) => r.experimentId === experimentId);
  }

  activeRunIds(experimentId?: number): number[] {
    return [...this.active.entries()].filter(([, r]) => experimentId === undefined || r.experimentId === experimentId).map(([id]) => id);
  }

  /** Queues the runs; returns when they are all submitted (not finished). */
  start(experimentId: number, runs: QueuedRun[]): void {
    if (!runs.length) return;
    this.store.setExperimentStatus(experimentId, 'running');
    this.events.emit({ type: 'experiment-status', experimentId, status: 'running' });
    try {
      for (const run of runs) this.submit(experimentId, run);
    } catch (error) {
      // A store read failed (docs/reliability.md D4): what was submitted trains on, the rest stays queued
      // (resumable); with nothing training, the experiment is not running.
      if (!this.isActive(experimentId)) this.settle(experimentId);
      throw error;
    }
  }

  private submit(experimentId: number, run: QueuedRun): void {
    const state: ActiveRun = {
      experimentId, accounting: run.accounting, storeError: null,
      lastProgress: { step: 0, elapsedMs: 0, samples: 0 }, pruned: null, done: Promise.resolve(),
    };
    this.active.set(run.id, state);
    this.unsavedEnds.delete(run.id);
    const job = {
      runId: run.id,
      config: run.config,
      backend: this.options.backend,
      dataDir: this.options.dataDir,
      checkpointDir: checkpointDirOf(run.id),
      flushIntervalMs: this.options.flushIntervalMs,
      resume: run.resume,
    };
    state.done = this.pool.submit(job, (message) => this.onWorkerMessage(run.id, state, message)).then((end) => this.onEnd(run.id, state, end));
  }

  unsavedEnd(runId: number): { status: RunEndInfo['status']; error: string | null } | undefined {
    return this.unsavedEnds.get(runId);
  }

  cancelRun(runId: number): boolean {
    return this.active.has(runId) && this.pool.cancel(runId);
  }

  /**
   * Stops a run between batches because the study's pruner judged it hopeless after `epoch`. What the worker
   * trains past that epoch before it sees the request is not stored, so the run is exactly `epoch` epochs.
   */
  pruneRun(runId: number, epoch: number, reason: string): boolean {
    const state = this.active.get(runId);
    if (!state || state.pruned) return false;
    state.pruned = { epoch, reason };
    this.pool.cancel(runId);
    return true;
  }

  cancelExperiment(experimentId: number): number {
    return this.activeRunIds(experimentId).filter((id) => this.pool.cancel(id)).length;
  }

  /** Resolves when every run started so far has ended. */
  async idle(): Promise<void> {
    while (this.active.size) await Promise.all([...this.active.values()].map((r) => r.done));
  }

  private onWorkerMessage(runId: number, state: ActiveRun, message: FromWorker): void {
    if (state.storeError) return;
    if (state.pruned) {
      const kept = pastPruning(message, state.pruned.epoch);
      if (!kept) return;
      message = kept;
    }
    try {
      switch (message.type) {
        case 'started': {
          const mismatch = accountingMismatch(state.accounting, message.nTrain);
          if (mismatch) {
            state.storeError = mismatch;
            this.pool.cancel(runId);
            return;
          }
          this.store.markRunStarted(runId, { backend: message.backend, datasetFingerprint: message.datasetFingerprint });
          this.events.emit({ type: 'run-status', experimentId: state.experimentId, runId, status: 'running', error: null });
          break;
        }
        case 'iterations': {
          this.store.appendIterations(runId, message.rows);
          const last = message.rows[message.rows.length - 1];
          const samples = message.rows.reduce((n, r) => n + r.batchSize, 0);
          const dt = last.elapsedMs - state.lastProgress.elapsedMs;
          state.lastProgress = { step: last.step, elapsedMs: last.elapsedMs, samples };
          this.events.emit({
            type: 'run-progress', experimentId: state.experimentId, runId, step: last.step, totalSteps: state.accounting.totalIterations,
            epoch: last.epoch, loss: last.loss, elapsedMs: last.elapsedMs, samplesPerSecond: dt > 0 ? (samples * 1000) / dt : 0,
          });
          break;
        }
        case 'epoch':
          this.store.appendEpoch(runId, message.row, message.bestEpoch);
          this.events.emit({ type: 'run-epoch', experimentId: state.experimentId, runId, metric: message.row });
          break;
        case 'checkpoint':
          this.store.addCheckpoint(runId, message.checkpoint);
          break;
        case 'insight':
          this.store.saveInsight(runId, message.insight);
          break;
        case 'finished':
          break;
      }
    } catch (error) {
      state.storeError = failureReason(`could not save the run's metrics: ${describe(error)}`, error);
      this.pool.cancel(runId);
    }
  }

  /** A TPE study that stopped proposing before its trial count (cancelled, Ctrl-C) has more to train. */
  private isShortStudy(experimentId: number): boolean {
    const found = this.store.getExperiment(experimentId);
    return found !== null && studyIsShort(withStoredDefaults(found.spec), found.summary.trialCount);
  }

  private onEnd(runId: number, state: ActiveRun, end: TrialEnd): void {
    const status = state.storeError ? 'failed' : state.pruned ? 'pruned' : end.status;
    let error = state.storeError ?? state.pruned?.reason ?? (end.status === 'failed' ? failureReason(end.reason) : end.reason);
    try {
      this.store.markRunEnded(runId, {
        status, error,
        // After a failed write the worker's best epoch may name an epoch row that was never stored; a pruned
        // run keeps the best epoch stored with its last kept epoch.
        bestEpoch: state.storeError || state.pruned ? null : end.bestEpoch,
        divergedAtStep: status === 'diverged' && end.status === 'diverged' ? end.divergedAtStep : null,
      });
    } catch (failure) {
      // The store cannot write (disk full): the run stays `running` in the file and becomes `interrupted` at
      // the next start, which is the truth as far as the database can tell; until then this process says how
      // it ended, and says now that it could not be saved (docs/reliability.md D4).
      this.unsavedEnds.set(runId, { status, error });
      const why = `the database could not record that run ${runId} ended ${status} (${describe(failure)})`;
      error = error ? `${error}; ${why}` : why;
      this.options.report(`warning: ${why}`);
    }
    this.active.delete(runId);
    this.events.emit({ type: 'run-status', experimentId: state.experimentId, runId, status, error });
    if (!this.isActive(state.experimentId)) this.settle(state.experimentId);
  }

  /** Nothing of the experiment trains any more: it is finished, or interrupted when runs are left queued or a study is short. */
  private settle(experimentId: number): void {
    let status: 'interrupted' | 'finished' = 'interrupted';
    try {
      status = this.store.queuedRuns(experimentId).length || this.isShortStudy(experimentId) ? 'interrupted' : 'finished';
      this.store.setExperimentStatus(experimentId, status);
    } catch (failure) {
      // The store cannot read or write (disk full…): the next start repairs the status from the runs.
      this.options.report(`warning: the database could not record that experiment ${experimentId} is ${status} (${describe(failure)})`);
    }
    this.events.emit({ type: 'experiment-status', experimentId, status });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The worker counts the training rows it loaded; the stored accounting was computed from the dataset's
 * description when the experiment was created. They differ only when the dataset's files changed since:
 * training on would store iteration counts that describe another run.
 */
export function accountingMismatch(stored: IterationAccounting, nTrain: number): string | null {
  if (nTrain === stored.nTrain) return null;
  return `the dataset changed since this experiment was created: it now gives ${nTrain} training rows, the experiment planned ${stored.nTrain} (and its iteration accounting with them); create a new experiment to train on the data as it is now`;
}

/** A message from a pruned run, cut to what it trained up to the pruned epoch (null: nothing left). */
function pastPruning(message: FromWorker, epoch: number): FromWorker | null {
  switch (message.type) {
    case 'iterations': {
      const rows = message.rows.filter((r) => r.epoch <= epoch);
      return rows.length ? { ...message, rows } : null;
    }
    case 'epoch':
      return message.row.epoch <= epoch ? message : null;
    default:
      // Checkpoint records stay: they describe the files as the worker left them.
      return message;
  }
}
