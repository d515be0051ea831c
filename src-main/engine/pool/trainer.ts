/**
 * A trainer is where one trial at a time trains: a worker thread (./thread-trainer.ts) or a process of its
 * own (./process-trainer.ts). The pool treats both alike through this interface.
 */
import type { FromWorker, Isolation, ProbeReply, TrainJob } from '../../contract';

/** How a trainer ended without being asked to. */
export type TrainerDeath =
  /** A worker thread's uncaught error (including ERR_WORKER_OUT_OF_MEMORY). */
  | { kind: 'error'; error: Error }
  /** A thread or process exit; `signal` and `output` (its last printed lines) for processes. */
  | { kind: 'exit'; code: number | null; signal: string | null; output: string };

export interface TrainerEvents {
  message(message: FromWorker | ProbeReply): void;
  /** Called at most once, and never after terminate(). */
  death(death: TrainerDeath): void;
}

export interface Trainer {
  train(job: TrainJob): void;
  /** Asks which backends load there; answered with a ProbeReply. */
  probe(): void;
  /** Reaches the training loop between batches, without waiting for it to yield to its event loop. */
  requestCancel(runId: number): void;
  /** Before the next trial: a run cancelled earlier and queued again must not find its old cancel. */
  clearCancel(): void;
  /** Stops the trainer; resolves once it is gone. */
  terminate(): Promise<void>;
}

/** Starts trainers of one kind. */
export interface TrainerKind {
  readonly isolation: Isolation;
  start(events: TrainerEvents): Trainer;
  /** Releases what the kind holds besides its trainers. */
  dispose(): void;
}
