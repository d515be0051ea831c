/**
 * The local trial runner: a pool of trainers — worker threads or training processes (./trainer.ts) — that
 * train trials; the main thread never trains. Each trainer trains one trial at a time and is reused for the
 * next (its backend and dataset cache stay warm). A trainer that crashes, exits or stops reporting is
 * replaced, and only its current trial fails (docs/reliability.md F5, E4); one that ran out of memory or
 * asks to be recycled is replaced after its trial (F2).
 */
import type { FromWorker, Isolation, ProbeReply, TrainJob, TrialEnd } from '../../contract';
import { describeDeath } from './death';
import { processTrainers, type ProcessTrainerOptions } from './process-trainer';
import { threadTrainers, type ThreadTrainerOptions } from './thread-trainer';
import type { Trainer, TrainerDeath, TrainerKind } from './trainer';
import type { TrialRunner, WorkerMessageHandler } from './trial-runner';

export type { WorkerMessageHandler } from './trial-runner';

export interface PoolOptions {
  /** The bundled worker entry (out/.../worker.js); threads and processes run the same one. */
  workerScript: string;
  concurrency: number;
  /** Default 'thread'. */
  isolation?: Isolation;
  /** A running trial that sends nothing for this long is ended as failed (stalled). */
  stallTimeoutMs?: number;
  threads?: ThreadTrainerOptions;
  processes?: ProcessTrainerOptions;
}

interface Job {
  job: TrainJob;
  onMessage: WorkerMessageHandler;
  resolve: (end: TrialEnd) => void;
}

interface Slot {
  trainer: Trainer;
  current: Job | null;
  stallTimer: NodeJS.Timeout | null;
}

export function trainerKind(options: PoolOptions): TrainerKind {
  return options.isolation === 'process'
    ? processTrainers(options.workerScript, options.processes)
    : threadTrainers(options.workerScript, options.threads);
}

export class TrainingPool implements TrialRunner {
  private readonly queue: Job[] = [];
  private readonly slots: Slot[] = [];
  private readonly kind: TrainerKind;
  private closed = false;

  constructor(private readonly options: PoolOptions) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) throw new RangeError('concurrency must be a positive integer');
    this.kind = trainerKind(options);
  }

  get concurrency(): number {
    return this.options.concurrency;
  }

  get isolation(): Isolation {
    return this.kind.isolation;
  }

  /** Queues a trial; resolves with how it ended (never rejects). */
  submit(job: TrainJob, onMessage: WorkerMessageHandler): Promise<TrialEnd> {
    if (this.closed) return Promise.resolve({ status: 'cancelled', reason: 'the application is shutting down', bestEpoch: null });
    return new Promise((resolve) => {
      this.queue.push({ job, onMessage, resolve });
      this.pump();
    });
  }

  /** Cancels a queued or running trial. Returns false if the pool does not know the run. */
  cancel(runId: number): boolean {
    const queued = this.queue.findIndex((j) => j.job.runId === runId);
    if (queued >= 0) {
      const [job] = this.queue.splice(queued, 1);
      job.resolve({ status: 'cancelled', reason: 'cancelled before it started', bestEpoch: null });
      return true;
    }
    const slot = this.slots.find((s) => s.current?.job.runId === runId);
    if (!slot) return false;
    slot.trainer.requestCancel(runId);
    return true;
  }

  runningRunIds(): number[] {
    return this.slots.flatMap((s) => (s.current ? [s.current.job.runId] : []));
  }

  queuedRunIds(): number[] {
    return this.queue.map((j) => j.job.runId);
  }

  /** Cancels everything, waits up to `graceMs` for running trials to end, then stops the trainers. */
  async close(graceMs = 5000): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.resolve({ status: 'cancelled', reason: 'the application is shutting down', bestEpoch: null });
    const running = this.slots.filter((s) => s.current).map((s) => s.current!.job.runId);
    running.forEach((id) => this.cancel(id));
    const deadline = Date.now() + graceMs;
    while (this.slots.some((s) => s.current) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await Promise.all(this.slots.map((s) => this.retire(s, 'the application is shutting down')));
    this.slots.length = 0;
    this.kind.dispose();
  }

  private pump(): void {
    while (this.queue.length) {
      let slot = this.slots.find((s) => !s.current);
      if (!slot && this.slots.length < this.options.concurrency) slot = this.spawn();
      if (!slot) return;
      const job = this.queue.shift()!;
      slot.current = job;
      slot.trainer.clearCancel();
      this.armStallTimer(slot);
      slot.trainer.train(job.job);
    }
  }

  private spawn(): Slot {
    // A trainer reports asynchronously, never from inside start(): the slot exists by then.
    let slot: Slot | null = null;
    const trainer = this.kind.start({
      message: (message) => slot && this.onMessage(slot, message),
      death: (death) => slot && this.onDeath(slot, death),
    });
    slot = { trainer, current: null, stallTimer: null };
    this.slots.push(slot);
    return slot;
  }

  private onMessage(slot: Slot, message: FromWorker | ProbeReply): void {
    const job = slot.current;
    if (!job || message.type === 'probes' || message.runId !== job.job.runId) return;
    this.armStallTimer(slot);
    try {
      job.onMessage(message);
    } catch {
      // A failing listener (e.g. the store refusing a write) must not take the pool down; the listener reports it.
    }
    if (message.type === 'finished') this.complete(slot, message.end, message.recycle === true);
  }

  /** A trial ended. A trainer that asks to be recycled leaves the pool; the next trial gets a fresh one. */
  private complete(slot: Slot, end: TrialEnd, recycle = false): void {
    const job = slot.current;
    if (!job) return;
    slot.current = null;
    if (slot.stallTimer) clearTimeout(slot.stallTimer);
    slot.stallTimer = null;
    if (recycle) {
      this.slots.splice(this.slots.indexOf(slot), 1);
      void this.retire(slot, 'the worker was recycled');
    }
    job.resolve(end);
    this.pump();
  }

  private onDeath(slot: Slot, death: TrainerDeath): void {
    this.fail(slot, describeDeath(death, this.kind.isolation).reason);
  }

  /** A trainer died or stalled: fail its trial, forget it; the next trial gets a fresh trainer. */
  private fail(slot: Slot, reason: string): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    const job = slot.current;
    slot.current = null;
    if (slot.stallTimer) clearTimeout(slot.stallTimer);
    this.slots.splice(index, 1);
    void slot.trainer.terminate().catch(() => undefined);
    if (job) job.resolve({ status: 'failed', reason, bestEpoch: null });
    if (!this.closed) this.pump();
  }

  private armStallTimer(slot: Slot): void {
    if (slot.stallTimer) clearTimeout(slot.stallTimer);
    const timeout = this.options.stallTimeoutMs ?? 180_000;
    slot.stallTimer = setTimeout(() => {
      this.fail(slot, `stalled: the trial sent no progress for ${Math.round(timeout / 1000)} s and was stopped`);
    }, timeout);
    slot.stallTimer.unref();
  }

  private async retire(slot: Slot, reason: string): Promise<void> {
    if (slot.stallTimer) clearTimeout(slot.stallTimer);
    if (slot.current) {
      slot.current.resolve({ status: 'cancelled', reason, bestEpoch: null });
      slot.current = null;
    }
    await slot.trainer.terminate();
  }
}
