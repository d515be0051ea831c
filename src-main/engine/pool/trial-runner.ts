/**
 * What the services need from whatever trains their trials: queue a trial, hear what it reports, cancel it,
 * close. The local pool implements it with worker threads or with training processes (./pool.ts); a remote
 * queue can implement it too. services/runner.ts depends on this interface only.
 */
import type { FromWorker, TrainJob, TrialEnd } from '../../contract';

export type WorkerMessageHandler = (message: FromWorker) => void;

export interface TrialRunner {
  /** How many trials train at once. */
  readonly concurrency: number;
  /** Queues a trial; resolves with how it ended (never rejects). Messages arrive in order before that. */
  submit(job: TrainJob, onMessage: WorkerMessageHandler): Promise<TrialEnd>;
  /** Cancels a queued or running trial (a running one stops between batches). False if the run is unknown. */
  cancel(runId: number): boolean;
  runningRunIds(): number[];
  queuedRunIds(): number[];
  /** Cancels everything, waits up to `graceMs` for running trials to end, then stops the trainers. */
  close(graceMs?: number): Promise<void>;
}
