/**
 * Joins the engine and the store: sends queued runs to the worker pool, persists what workers report,
 * and publishes live events. The only place where training results meet SQLite.
 */
import { withStoredDefaults, type BackendChoice, type ExperimentProgress, type FromWorker, type IterationAccounting, type TrialConfig, type TrialEnd } from '../contract';
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
  /** Steps already stored when this session started it (a resumed run continues from there). */
  startStep: number;
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
  private readonly unsavedEnds = new Map<number, Pick<RunEndInfo, 'status' | 'error' | 'endReason'>>();
  /** The experiment's progress as last read from the store, re-read at most once per flush interval. */
  private readonly progressCache = new Map<number, { at: number; progress: ExperimentProgress }>();

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
    this.progressCache.delete(experimentId);
    this.emitExperimentState(experimentId);
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
      // A resumed run continues from the steps already stored; reading them is one row by primary key.
      experimentId, accounting: run.accounting, startStep: run.resume ? (this.store.getRun(run.id)?.summary.stepsDone ?? 0) : 0, storeError: null,
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

  unsavedEnd(runId: number): Pick<RunEndInfo, 'status' | 'error' | 'endReason'> | undefined {
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
          this.events.emit({ type: 'run-status', experimentId: state.experimentId, runId, status: 'running', error: null, endReason: null });
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
            experimentProgress: this.liveProgress(state.experimentId),
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

  /**
   * The experiment's progress for a live event: counts from the store (cached for a flush interval, since
   * every running trial reports that often), the ETA from the speed of the trials training now — they train
   * in parallel, so their rates add up — over what the queued and running trials have left.
   */
  private liveProgress(experimentId: number): ExperimentProgress {
    const now = Date.now();
    let cached = this.progressCache.get(experimentId);
    if (!cached || now - cached.at >= this.options.flushIntervalMs) {
      const state = this.readState(experimentId);
      cached = { at: now, progress: state?.progress ?? emptyProgress() };
      this.progressCache.set(experimentId, cached);
    }
    let speed = 0;
    let remaining = 0;
    for (const run of this.active.values()) {
      if (run.experimentId !== experimentId) continue;
      const step = Math.max(run.startStep, run.lastProgress.step);
      remaining += Math.max(0, run.accounting.totalIterations - step);
      if (run.lastProgress.elapsedMs > 0) speed += run.lastProgress.step / (run.lastProgress.elapsedMs / 1000);
    }
    return { ...cached.progress, etaSeconds: remaining === 0 ? 0 : speed > 0 ? remaining / speed : null };
  }

  private readState(experimentId: number): ReturnType<RunStore['experimentState']> {
    try {
      return this.store.experimentState(experimentId);
    } catch (failure) {
      // A read that fails (I/O error) must not stop the training, and must not go unheard (docs/reliability.md
      // D4); the next event tries again.
      this.options.report(`warning: the database could not read the progress of experiment ${experimentId} (${describe(failure)})`);
      return null;
    }
  }

  private emitExperimentState(experimentId: number): void {
    const state = this.readState(experimentId);
    if (state) this.events.emit({ type: 'experiment-status', experimentId, status: state.status, progress: state.progress });
  }

  private onEnd(runId: number, state: ActiveRun, end: TrialEnd): void {
    const status = state.storeError ? 'failed' : state.pruned ? 'pruned' : end.status;
    // A failure's reason is its error; every other outcome's reason (the rule that fired, the pruner, a
    // cancellation) is its end reason, shown as a normal outcome.
    let error = state.storeError ?? (status === 'failed' && end.status === 'failed' ? failureReason(end.reason) : null);
    const endReason = status === 'failed' ? null : (state.pruned?.reason ?? end.reason);
    try {
      this.store.markRunEnded(runId, {
        // After a failed write the worker's best epoch may name an epoch row that was never stored; a pruned
        // run keeps the best epoch stored with its last kept epoch.
        status, error, endReason, bestEpoch: state.storeError || state.pruned ? null : end.bestEpoch,
        divergedAtStep: status === 'diverged' && end.status === 'diverged' ? end.divergedAtStep : null,
      });
    } catch (failure) {
      // The store cannot write (disk full): the run stays `running` in the file and becomes `interrupted` at
      // the next start, which is the truth as far as the database can tell; until then this process says how
      // it ended, and says now that it could not be saved (docs/reliability.md D4).
      this.unsavedEnds.set(runId, { status, error, endReason });
      const why = `the database could not record that run ${runId} ended ${status} (${describe(failure)})`;
      error = error ? `${error}; ${why}` : why;
      this.options.report(`warning: ${why}`);
    }
    this.active.delete(runId);
    this.progressCache.delete(state.experimentId);
    this.events.emit({ type: 'run-status', experimentId: state.experimentId, runId, status, error, endReason });
    if (!this.isActive(state.experimentId)) this.settle(state.experimentId);
    else this.emitExperimentState(state.experimentId);
  }

  /**
   * Nothing of the experiment trains any more: this process drops its claim, and what is left (cancelled,
   * queued, interrupted) decides stopped, interrupted or finished (contract/experiment-progress.ts); a TPE
   * study that stopped proposing short of its trial count stays interrupted.
   */
  private settle(experimentId: number): void {
    try {
      // Any word but `running` drops the claim; the status shown is derived from the runs (and `interrupted`
      // stands for a TPE study short of its count, which the runs alone cannot tell).
      this.store.setExperimentStatus(experimentId, 'finished');
      const derived = this.store.experimentState(experimentId);
      const status = derived === null || derived.status === 'running' ? 'interrupted' : derived.status === 'finished' && this.isShortStudy(experimentId) ? 'interrupted' : derived.status;
      // The derived word is written too, so the file reads right by hand.
      this.store.setExperimentStatus(experimentId, status);
    } catch (failure) {
      // The store cannot read or write (disk full…): the next start repairs the status from the runs.
      this.options.report(`warning: the database could not record that experiment ${experimentId} stopped training (${describe(failure)})`);
    }
    const state = this.readState(experimentId);
    // Unreadable: say interrupted (resumable), with the last progress this process knew.
    const progress = state?.progress ?? this.progressCache.get(experimentId)?.progress ?? emptyProgress();
    this.events.emit({ type: 'experiment-status', experimentId, status: state && state.status !== 'running' ? state.status : 'interrupted', progress });
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

function emptyProgress(): ExperimentProgress {
  return { trials: 0, endedTrials: 0, unfinishedTrials: 0, plannedIterations: 0, doneIterations: 0, skippedIterations: 0, fraction: 0, etaSeconds: null };
}
