/**
 * The run store interface. Services talk only to this; `sqlite-store.ts` implements it with
 * better-sqlite3. Domain records come from the contract; database rows never leave the store.
 */
import type {
  BackendInfo, CheckpointInfo, EpochMetric, ExperimentProgress, ExperimentSpec, ExperimentStatus, ExperimentSummary,
  IterationMetric, IterationSeriesName, Monitor, RunStatus, RunSummary, SeriesPoint, TrialConfig, IterationAccounting, RunInsight,
  RunInsightRows,
} from '../contract';

export interface NewRun {
  index: number;
  config: TrialConfig;
  accounting: IterationAccounting;
}

export interface RunStartInfo {
  backend: BackendInfo;
  datasetFingerprint: string;
}

export interface RunEndInfo {
  status: Exclude<RunStatus, 'queued' | 'running'>;
  /** Why it failed (status `failed` only). */
  error: string | null;
  /** Why any other run ended where it did: the rule and its numbers, a cancellation. */
  endReason: string | null;
  bestEpoch: number | null;
  divergedAtStep: number | null;
}

export interface RunStore {
  /** Creates the experiment and all its runs (status `queued`) in one transaction. */
  createExperiment(spec: ExperimentSpec, runs: NewRun[]): { experimentId: number; runIds: number[] };
  listExperiments(): ExperimentSummary[];
  getExperiment(experimentId: number): { summary: ExperimentSummary; spec: ExperimentSpec } | null;
  /** Status and progress as a summary would give them, cheaply (the runner publishes them live). */
  experimentState(experimentId: number): { status: ExperimentStatus; progress: ExperimentProgress } | null;
  /**
   * `running` claims the experiment for this live process (its queued runs will be trained); anything else
   * drops the claim. Summaries derive the status people read from this claim and the runs' statuses.
   */
  setExperimentStatus(experimentId: number, status: ExperimentStatus): void;
  /**
   * Adds runs (status `queued`) to an experiment: a study's next proposals, or the trials it grew by. With
   * `grownSpec`, the stored spec is replaced in the same transaction (more trials, more grid values).
   */
  addRuns(experimentId: number, runs: NewRun[], grownSpec?: ExperimentSpec): number[];
  /** Applies `change` to the stored tags in one transaction; returns the new tags. */
  changeExperimentTags(experimentId: number, change: (current: string[]) => string[]): string[];
  setExperimentNotes(experimentId: number, notes: string): void;
  /** Deletes the experiment with its runs, metrics and checkpoint rows; returns the checkpoint paths to remove. */
  deleteExperiment(experimentId: number): { deleted: boolean; checkpointPaths: string[] };

  listRuns(experimentId: number): RunSummary[];
  getRun(runId: number): { summary: RunSummary; config: TrialConfig } | null;
  /** Runs of the experiment still `queued` (in index order): what is left to train after a restart. */
  queuedRuns(experimentId: number): RunSummary[];

  changeRunTags(runId: number, change: (current: string[]) => string[]): string[];
  setRunNotes(runId: number, notes: string): void;

  markRunStarted(runId: number, info: RunStartInfo): void;
  markRunEnded(runId: number, info: RunEndInfo): void;
  /**
   * Puts an interrupted or cancelled run (or one that failed for a full disk, see isResumable) back to `queued`; analysis rows it will produce again are deleted. Without `resumeAfterEpoch` it trains again from
   * scratch (its metrics and checkpoint rows are deleted); with it, it continues from that epoch's resume
   * checkpoint: rows of later epochs are deleted, earlier ones kept, and the best epoch set to the one given.
   */
  requeueRun(runId: number, resumeAfterEpoch?: { epoch: number; bestEpoch: number | null }): void;
  /** At start-up: every run left `running` by a process that died becomes `interrupted`. Returns how many. */
  interruptStaleRuns(): number;

  /** Batched, idempotent on (run, step): a row already stored is not duplicated. */
  appendIterations(runId: number, rows: IterationMetric[]): void;
  /** Idempotent on (run, epoch). Also updates the run's best/final columns. */
  appendEpoch(runId: number, row: EpochMetric, bestEpoch: number | null): void;
  addCheckpoint(runId: number, checkpoint: CheckpointInfo): void;

  getEpochs(runId: number): EpochMetric[];
  /** Every run's value of one monitor per epoch (null where not finite), in one query: what samplers and pruners read. */
  getMonitorValues(experimentId: number, monitor: Monitor): Map<number, Map<number, number | null>>;
  getCheckpoints(runId: number): CheckpointInfo[];
  /** Iteration series downsampled to at most `maxPoints` (LTTB on the value; bucket ends kept). */
  getIterationSeries(runId: number, series: IterationSeriesName, maxPoints: number): SeriesPoint[];
  /** All iteration rows of a run (for export). */
  getIterations(runId: number): IterationMetric[];

  /** Analysis results (contract/analysis.ts): idempotent per (run, epoch) for the noise scale, replaced otherwise. */
  saveInsight(runId: number, insight: RunInsight): void;
  getInsights(runId: number): RunInsightRows;

  close(): void;
}
