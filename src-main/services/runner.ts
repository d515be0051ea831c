/**
 * Joins the engine and the store: sends queued runs to the worker pool, persists what workers report,
 * and publishes live events. The only place where training results meet SQLite.
 */
import type { BackendChoice, ExperimentProgress, FromWorker, RunSummary, TrialEnd } from '../contract';
import type { TrialRunner } from '../engine/pool/trial-runner';
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

interface ActiveRun {
  experimentId: number;
  totalSteps: number;
  /** Steps already stored when this session started it (a resumed run continues from there). */
  startStep: number;
  /** A store write failed (disk full…): the run is stopped and ends `failed` with this reason. */
  storeError: string | null;
  lastProgress: { step: number; elapsedMs: number; samples: number };
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
  start(experimentId: number, runs: RunSummary[]): void {
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

  private submit(experimentId: number, run: RunSummary): void {
    // Read before the run is registered: a failing read must not leave a run that never ends.
    const config = this.store.getRun(run.id)?.config;
    if (!config) throw new RangeError(`there is no run ${run.id}`);
    const state: ActiveRun = {
      experimentId, totalSteps: run.accounting.totalIterations, startStep: run.stepsDone, storeError: null,
      lastProgress: { step: 0, elapsedMs: 0, samples: 0 }, done: Promise.resolve(),
    };
    this.active.set(run.id, state);
    this.unsavedEnds.delete(run.id);
    const job = {
      runId: run.id,
      config,
      backend: this.options.backend,
      dataDir: this.options.dataDir,
      checkpointDir: checkpointDirOf(run.id),
      flushIntervalMs: this.options.flushIntervalMs,
      // A run queued again with epochs already stored continues from its resume point.
      resume: run.epochsDone > 0,
    };
    state.done = this.pool.submit(job, (message) => this.onWorkerMessage(run.id, state, message)).then((end) => this.onEnd(run.id, state, end));
  }

  unsavedEnd(runId: number): Pick<RunEndInfo, 'status' | 'error' | 'endReason'> | undefined {
    return this.unsavedEnds.get(runId);
  }

  cancelRun(runId: number): boolean {
    return this.active.has(runId) && this.pool.cancel(runId);
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
    try {
      switch (message.type) {
        case 'started':
          this.store.markRunStarted(runId, { backend: message.backend, datasetFingerprint: message.datasetFingerprint });
          this.events.emit({ type: 'run-status', experimentId: state.experimentId, runId, status: 'running', error: null, endReason: null });
          break;
        case 'iterations': {
          this.store.appendIterations(runId, message.rows);
          const last = message.rows[message.rows.length - 1];
          const samples = message.rows.reduce((n, r) => n + r.batchSize, 0);
          const dt = last.elapsedMs - state.lastProgress.elapsedMs;
          state.lastProgress = { step: last.step, elapsedMs: last.elapsedMs, samples };
          this.events.emit({
            type: 'run-progress', experimentId: state.experimentId, runId, step: last.step, totalSteps: state.totalSteps,
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
        case 'finished':
          break;
      }
    } catch (error) {
      state.storeError = failureReason(`could not save the run's metrics: ${describe(error)}`, error);
      this.pool.cancel(runId);
    }
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
      remaining += Math.max(0, run.totalSteps - step);
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
    const status = state.storeError ? 'failed' : end.status;
    // A failure's reason is its error; every other outcome's reason (the rule that fired, a cancellation) is
    // its end reason, shown as a normal outcome.
    let error = state.storeError ?? (end.status === 'failed' ? failureReason(end.reason) : null);
    const endReason = status === 'failed' ? null : end.reason;
    try {
      this.store.markRunEnded(runId, {
        // After a failed write the worker's best epoch may name an epoch row that was never stored.
        status, error, endReason, bestEpoch: state.storeError ? null : end.bestEpoch,
        divergedAtStep: end.status === 'diverged' && !state.storeError ? end.divergedAtStep : null,
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
   * queued, interrupted) decides stopped, interrupted or finished (contract/experiment-progress.ts).
   */
  private settle(experimentId: number): void {
    try {
      this.store.setExperimentStatus(experimentId, 'interrupted');
      // The stored word is only a claim; writing the derived one keeps the file readable by hand.
      const derived = this.store.experimentState(experimentId);
      if (derived && derived.status !== 'running') this.store.setExperimentStatus(experimentId, derived.status);
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

function emptyProgress(): ExperimentProgress {
  return { trials: 0, endedTrials: 0, unfinishedTrials: 0, plannedIterations: 0, doneIterations: 0, skippedIterations: 0, fraction: 0, etaSeconds: null };
}
