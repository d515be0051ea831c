/** What Epochlab stores and returns: experiments, runs, metrics, checkpoints, datasets, backends. */
import type { ExperimentSpec, Objective, ParamName, TrialParams, TrialConfig } from './spec';
import type { IterationAccounting } from './iterations';
import type { ExperimentProgress } from './experiment-progress';

/** `pruned`: stopped by the study's pruner because it looked hopeless; its epochs so far are kept. */
export const RUN_STATUSES = [
  'queued', 'running', 'completed', 'early-stopped', 'pruned', 'diverged', 'failed', 'cancelled', 'interrupted',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const FINISHED_STATUSES: ReadonlySet<RunStatus> = new Set([
  'completed', 'early-stopped', 'pruned', 'diverged', 'failed', 'cancelled', 'interrupted',
]);

/**
 * How the error of a run that failed because the disk was full begins: such a failure is the disk's, not the
 * run's, so `resume` queues the run again once there is space (docs/reliability.md D3).
 */
export const DISK_FULL_FAILURE = 'the disk is full';

export function diskFullFailure(detail: string): string {
  return `${DISK_FULL_FAILURE} (${detail}); free some space, then resume the experiment`;
}

/** Runs `resume` queues again: stopped before they finished, or failed only because the disk was full. */
export function isResumable(run: { status: RunStatus; error: string | null }): boolean {
  if (run.status === 'interrupted' || run.status === 'cancelled') return true;
  return run.status === 'failed' && run.error !== null && run.error.startsWith(DISK_FULL_FAILURE);
}

/**
 * Statuses whose best epoch is no result: a diverged run is never named the best of anything (its early
 * epochs may look good, but the setting blew up). Every ranking — the store's experiment best, the CLI's
 * best line, the Compare table — leaves them out.
 */
export const NEVER_BEST_STATUSES: ReadonlySet<RunStatus> = new Set(['diverged']);
export function canBeBest(status: RunStatus): boolean {
  return !NEVER_BEST_STATUSES.has(status);
}

/**
 * Derived from the runs (contract/experiment-progress.ts): `stopped` — a person cancelled runs and left them
 * unfinished; `interrupted` — the process stopped while it ran. What is left of either can be resumed.
 */
export const EXPERIMENT_STATUSES = ['running', 'finished', 'stopped', 'interrupted'] as const;
export type ExperimentStatus = (typeof EXPERIMENT_STATUSES)[number];

/** One parameter update. `loss`/`accuracy` are null when not finite (SQLite cannot keep NaN). */
export interface IterationMetric {
  step: number; // global, 1-based
  epoch: number; // 1-based
  batch: number; // 0-based within the epoch
  batchSize: number;
  loss: number | null;
  accuracy: number | null;
  learningRate: number;
  elapsedMs: number; // since the run started
}

/** One epoch. Train loss/accuracy are weighted by samples, so a smaller last batch counts for what it is. */
export interface EpochMetric {
  epoch: number;
  step: number; // global step at the end of the epoch
  trainLoss: number | null;
  trainAccuracy: number | null;
  valLoss: number | null;
  valAccuracy: number | null;
  learningRate: number;
  seconds: number;
  samplesSeen: number; // cumulative
  elapsedMs: number; // wall time since the run started, at the end of the epoch
}

export interface BackendInfo {
  name: BackendName;
  version: string;
  device: string;
}
export const BACKEND_NAMES = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
export type BackendChoice = BackendName | 'auto';
/**
 * Where trials train: worker threads of this process (light), or one process each (a native crash, a
 * CUDA abort or an out-of-memory kill ends only that process and its trial). Both speak the worker messages.
 */
export const ISOLATIONS = ['thread', 'process'] as const;
export type Isolation = (typeof ISOLATIONS)[number];
export interface BackendProbe {
  name: BackendName;
  available: boolean;
  version?: string;
  device?: string;
  reason?: string;
}

export interface CheckpointInfo {
  kind: 'best' | 'last';
  epoch: number;
  /** Path relative to the data folder. */
  path: string;
  bytes: number;
}

export interface RunSummary {
  id: number;
  experimentId: number;
  index: number;
  status: RunStatus;
  params: TrialParams;
  accounting: IterationAccounting;
  backend: BackendInfo | null;
  datasetFingerprint: string | null;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  /** Why the run failed; null for every other outcome. */
  error: string | null;
  /**
   * Why a run that did not fail ended where it did: the rule that fired and its numbers (early stopping,
   * plateau, divergence, pruning), a cancellation, an interruption. Null for a run that trained every epoch.
   */
  endReason: string | null;
  /** The last epoch trained by a run that ended before its planned epochs (any reason); null otherwise. */
  stopEpoch: number | null;
  tags: string[];
  notes: string;
  epochsDone: number;
  stepsDone: number;
  bestEpoch: number | null;
  bestValLoss: number | null;
  bestValAccuracy: number | null;
  /** Training loss at the best epoch, and the generalization gap (val − train loss) there. */
  bestTrainLoss: number | null;
  finalValLoss: number | null;
  finalValAccuracy: number | null;
  finalTrainLoss: number | null;
  /** Last step a diverged run trained: where its divergence rule fired (the rule and its numbers are in `error`). */
  divergedAtStep: number | null;
  seconds: number | null;
}

export interface RunDetail extends RunSummary {
  /** For breadcrumbs and titles: the experiment this run belongs to, by name. */
  experimentName: string;
  config: TrialConfig;
  epochs: EpochMetric[];
  checkpoints: CheckpointInfo[];
}

export interface ExperimentSummary {
  id: number;
  name: string;
  /** Starts as the spec's notes; editable after launch. */
  notes: string;
  tags: string[];
  status: ExperimentStatus;
  createdAt: string;
  datasetId: string;
  template: 'mlp' | 'cnn';
  trialCount: number;
  counts: Partial<Record<RunStatus, number>>;
  progress: ExperimentProgress;
  /** Lowest best validation loss over the runs so far, and which run reached it. */
  bestValLoss: number | null;
  bestRunId: number | null;
}

export interface ExperimentWithSpec extends ExperimentSummary {
  spec: ExperimentSpec;
}

export interface ExperimentDetail extends ExperimentWithSpec {
  runs: RunSummary[];
  /** Runs the study will have when done: more than `runs` while TPE still has trials to propose. */
  plannedTrials: number;
}

/** One finished trial on the optimisation-history chart, in trial order. */
export interface HistoryPoint {
  runId: number;
  /** 0-based trial index (creation order). */
  index: number;
  status: RunStatus;
  /** Best value of the objective's monitor over the run's epochs; null when it has none. */
  value: number | null;
  /** Best objective value over the completed trials up to and including this one. */
  bestSoFar: number | null;
  /** Whether this trial's value counts for the best (completed or early-stopped, not pruned). */
  complete: boolean;
  /** Epochs the run trained. */
  epochs: number;
}
export interface OptimizationHistory {
  objective: Objective;
  points: HistoryPoint[];
  bestRunId: number | null;
}

/** Share of the objective's variance each varying hyperparameter explains (fANOVA), summing to 1. */
export interface ParamImportance {
  objective: Objective;
  method: 'fanova';
  /** Trials the estimate used (completed or early-stopped with a finite objective). */
  trials: number;
  minimumTrials: number;
  importances: Array<{ param: ParamName; importance: number }>;
  /** Why there is no estimate (too few trials, nothing varies), or null. */
  unavailable: string | null;
}

/** Runs picked from any experiments, with the experiments they belong to (names for labels, specs for rules). */
export interface RunsWithExperiments {
  /** In the order asked for. */
  runs: RunSummary[];
  /** Each experiment that owns one of the runs, once. */
  experiments: ExperimentWithSpec[];
  /** Ids asked for that name no run (deleted, or never existed). */
  missing: number[];
}

export interface DatasetInfo {
  id: string;
  name: string;
  source: 'builtin' | 'imported';
  kind: 'image' | 'tabular' | 'synthetic-2d';
  /** Shape of one sample, e.g. [28, 28, 1] or [4]. */
  inputShape: number[];
  numClasses: number;
  classNames: string[];
  rows: number;
  classCounts: number[];
  description: string;
  fingerprint: string | null;
  /** Synthetic sets: parameters that can be changed in the spec. */
  options?: { size: number; noise: number; seed: number; classes?: number };
}

export interface TrialPreview {
  index: number;
  params: TrialParams;
  accounting: IterationAccounting;
  warnings: string[];
}
export interface ExperimentPreview {
  /** Runs planned: for TPE, configurations × seeds, proposed one by one while training. */
  trialCount: number;
  /**
   * True when trials are proposed during training (TPE): `trials` is empty, `batchSizes` lists the batch
   * sizes that can occur (a range's two ends), and `totalIterations` is the most the study can take.
   */
  proposed: boolean;
  /** A TPE batch-size range: any whole batch size between these can occur. */
  batchSizeRange: { from: number; to: number } | null;
  nTrain: number;
  nVal: number;
  dataset: DatasetInfo;
  trials: TrialPreview[];
  /** One row per distinct batch size: what the form shows as the user types. */
  batchSizes: Array<Pick<IterationAccounting, 'batchSize' | 'effectiveBatchSize' | 'iterationsPerEpoch' | 'lastBatchSize'> & { totalIterations: number[] }>;
  warnings: string[];
  totalIterations: number;
}

export interface SeriesPoint {
  step: number;
  epoch: number;
  value: number | null;
  elapsedMs: number;
  samplesSeen: number;
}
export const ITERATION_SERIES = ['loss', 'accuracy', 'learningRate', 'batchSize'] as const;
export type IterationSeriesName = (typeof ITERATION_SERIES)[number];

export interface SystemInfo {
  version: string;
  dataDir: string;
  /**
   * The data folder as a CLI flag would name it, when this process was given one (`--data-dir`,
   * `EPOCHLAB_DATA_DIR`); null for the per-user default. Commands the UI shows add `--data-dir` from it.
   */
  cliDataDir: string | null;
  cores: number;
  backends: BackendProbe[];
  defaultConcurrency: number;
  /** How this process runs its trials. */
  isolation: Isolation;
}

export interface ExportFile {
  filename: string;
  mime: string;
  content: string;
}
