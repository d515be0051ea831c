/** Live events pushed from the services to every front door (IPC, WebSocket, CLI progress bars). */
import type { ImportProgress } from './dataset-formats';
import type { ExperimentProgress } from './experiment-progress';
import type { EpochMetric, ExperimentStatus, RunStatus } from './records';

export type EpochlabEvent =
  | { type: 'experiment-status'; experimentId: number; status: ExperimentStatus; progress: ExperimentProgress }
  | { type: 'run-status'; experimentId: number; runId: number; status: RunStatus; error: string | null; endReason: string | null }
  | {
      type: 'run-progress';
      experimentId: number;
      runId: number;
      step: number;
      totalSteps: number;
      epoch: number;
      loss: number | null;
      elapsedMs: number;
      /** Samples per second over the last progress interval. */
      samplesPerSecond: number;
      /** The whole experiment at this moment, computed by the services (the UI shows it as is). */
      experimentProgress: ExperimentProgress;
    }
  | { type: 'run-epoch'; experimentId: number; runId: number; metric: EpochMetric }
  /** A dataset import under way (a few a second): for the progress bar of whoever started it. */
  | { type: 'dataset-import'; progress: ImportProgress };


/** What a run-progress event says about the run itself (without its addressing or the experiment's totals). */
export type RunProgress = Omit<Extract<EpochlabEvent, { type: 'run-progress' }>, 'type' | 'experimentId' | 'runId' | 'experimentProgress'>;
