/** Messages between the worker pool (main thread) and a trainer: a worker thread or a training process. */
import type { DatasetImportSource, ImportProgress, ImportReport } from './dataset-formats';
import type { BackendChoice, BackendInfo, BackendProbe, CheckpointInfo, EpochMetric, IterationMetric } from './records';
import type { TrialConfig } from './spec';
import type { RunInsight } from './analysis';

export interface TrainJob {
  runId: number;
  config: TrialConfig;
  backend: BackendChoice;
  /** Folder for datasets' caches and checkpoints (the data folder). */
  dataDir: string;
  /** Checkpoint folder relative to dataDir, e.g. `checkpoints/run-12`. */
  checkpointDir: string;
  /** How often iteration rows are sent to the main thread. */
  flushIntervalMs: number;
  /** Continue from the run's resume point (its epochs so far are already stored). */
  resume: boolean;
}

export type ToWorker =
  | { type: 'train'; job: TrainJob }
  | { type: 'probe' }
  /** Decoding a dataset (a 36-megapixel JPEG takes seconds) off the thread that answers the UI and the API. */
  | { type: 'import'; source: DatasetImportSource; dataDir: string };

/** The answers to `import`: progress, then the report or why the files were refused (`invalid`) or it failed. */
export type ImportReply =
  | { type: 'import-progress'; progress: ImportProgress }
  | { type: 'imported'; report: ImportReport }
  | { type: 'import-failed'; message: string; invalid: boolean };

/** The answer to `probe`: which backends load in a worker (native ones are never loaded in main). */
export interface ProbeReply {
  type: 'probes';
  probes: BackendProbe[];
}

/** Given to each worker thread at start. Cancellation is a shared cell, not a message: a training loop that
 * never yields to its event loop still sees it between batches. */
export interface WorkerData {
  /** Int32Array over a SharedArrayBuffer; holds the id of the run to cancel. */
  cancelCell: Int32Array;
}

/**
 * A training process gets the same cell as a 4-byte file (processes share no memory): this argument names
 * it, and the training loop reads it between batches (a pread, ~1 µs) for the same reason as above.
 */
export const CANCEL_FILE_ARG = '--epochlab-cancel-file';

export type TrialEnd =
  | { status: 'completed' | 'early-stopped' | 'cancelled'; reason: string | null; bestEpoch: number | null }
  | { status: 'diverged'; reason: string; bestEpoch: number | null; divergedAtStep: number }
  | { status: 'failed'; reason: string; bestEpoch: number | null };

export type FromWorker =
  | { type: 'started'; runId: number; backend: BackendInfo; datasetFingerprint: string; nTrain: number; nVal: number }
  | { type: 'iterations'; runId: number; rows: IterationMetric[] }
  | { type: 'epoch'; runId: number; row: EpochMetric; bestEpoch: number | null }
  | { type: 'checkpoint'; runId: number; checkpoint: CheckpointInfo }
  /** Gradient noise scale of an epoch, sharpness at the end, an LR range test's result (contract/analysis.ts). */
  | { type: 'insight'; runId: number; insight: RunInsight }
  /** `recycle`: the worker's memory grew past what it should keep (wasm heaps never shrink): replace it. */
  | { type: 'finished'; runId: number; end: TrialEnd; recycle?: boolean; memory?: TrainerMemory };

/**
 * A trainer's memory as a trial ends, after a full garbage collection where the runtime exposes one (tests
 * run with --expose-gc): what leak checks and the bench read. `rss` is the whole process's for a thread.
 */
export interface TrainerMemory {
  heapUsed: number;
  external: number;
  rss: number;
  /** What the tfjs backend holds: the whole wasm heap for wasm (it never shrinks), live tensors elsewhere. */
  backendBytes: number;
}
