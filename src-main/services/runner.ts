/**
 * Joins the engine and the store: sends queued runs to the worker pool, persists what workers report,
 * and publishes live events. The only place where training results meet SQLite.
 */
import type { FromWorker, RunSummary, TrialEnd, BackendChoice } from '../contract';
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
  /** A store write failed (disk full…): the run is stopped and ends `failed` with this reason. */
  storeError: string | null;
  lastProgress: { step: number; elapsedMs: number; samples: number };
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
  start(experimentId: number, runs: RunSummary[]): void {
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

  private submit(experimentId: number, run: RunSummary): void {
    // Read before the run is registered: a failing read must not leave a run that never ends.
    const config = this.store.getRun(run.id)?.config;
    if (!config) throw new RangeError(`there is no run ${run.id}`);
    const state: ActiveRun = {
      experimentId, totalSteps: run.accounting.totalIterations, storeError: null,
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

  unsavedEnd(runId: number): { status: RunEndInfo['status']; error: string | null } | undefined {
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
          this.events.emit({ type: 'run-status', experimentId: state.experimentId, runId, status: 'running', error: null });
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

  private onEnd(runId: number, state: ActiveRun, end: TrialEnd): void {
    const status = state.storeError ? 'failed' : end.status;
    let error = state.storeError ?? (end.status === 'failed' ? failureReason(end.reason) : end.reason);
    try {
      this.store.markRunEnded(runId, {
        // After a failed write the worker's best epoch may name an epoch row that was never stored.
        status, error, bestEpoch: state.storeError ? null : end.bestEpoch, divergedAtStep: end.status === 'diverged' && !state.storeError ? end.divergedAtStep : null,
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

  /** Nothing of the experiment trains any more: it is finished, or interrupted when runs are left queued. */
  private settle(experimentId: number): void {
    let status: 'interrupted' | 'finished' = 'interrupted';
    try {
      status = this.store.queuedRuns(experimentId).length ? 'interrupted' : 'finished';
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
