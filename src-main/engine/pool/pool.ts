/**
 * A pool of worker threads that train trials; the main thread never trains. Each worker trains one trial
 * at a time and is reused for the next (its backend and dataset cache stay warm). A worker that throws,
 * exits or stops reporting is replaced, and only its current trial fails.
 */
import { Worker } from 'node:worker_threads';
import type { FromWorker, TrainJob, TrialEnd, ToWorker, WorkerData } from '../../contract';

export interface PoolOptions {
  /** The bundled worker entry (out/.../worker.js). */
  workerScript: string;
  concurrency: number;
  /** A running trial that sends nothing for this long is ended as failed (stalled). */
  stallTimeoutMs?: number;
}

export type WorkerMessageHandler = (message: FromWorker) => void;

interface Job {
  job: TrainJob;
  onMessage: WorkerMessageHandler;
  resolve: (end: TrialEnd) => void;
}

interface Slot {
  worker: Worker;
  /** Shared with the worker, which reads it between batches: the id of the run to cancel. */
  cancelCell: Int32Array;
  current: Job | null;
  stallTimer: NodeJS.Timeout | null;
}

export class TrainingPool {
  private readonly queue: Job[] = [];
  private readonly slots: Slot[] = [];
  private closed = false;

  constructor(private readonly options: PoolOptions) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) throw new RangeError('concurrency must be a positive integer');
  }

  get concurrency(): number {
    return this.options.concurrency;
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
    Atomics.store(slot.cancelCell, 0, runId);
    return true;
  }

  runningRunIds(): number[] {
    return this.slots.flatMap((s) => (s.current ? [s.current.job.runId] : []));
  }

  queuedRunIds(): number[] {
    return this.queue.map((j) => j.job.runId);
  }

  /** Cancels everything, waits up to `graceMs` for running trials to end, then terminates the workers. */
  async close(graceMs = 5000): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.resolve({ status: 'cancelled', reason: 'the application is shutting down', bestEpoch: null });
    const running = this.slots.filter((s) => s.current).map((s) => s.current!.job.runId);
    running.forEach((id) => this.cancel(id));
    const deadline = Date.now() + graceMs;
    while (this.slots.some((s) => s.current) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await Promise.all(this.slots.map((s) => this.retire(s, 'the application is shutting down')));
    this.slots.length = 0;
  }

  private pump(): void {
    while (this.queue.length) {
      let slot = this.slots.find((s) => !s.current);
      if (!slot && this.slots.length < this.options.concurrency) slot = this.spawn();
      if (!slot) return;
      const job = this.queue.shift()!;
      slot.current = job;
      // A run cancelled earlier and now queued again (resumed) must not find its old cancel in the cell.
      Atomics.store(slot.cancelCell, 0, 0);
      this.armStallTimer(slot);
      slot.worker.postMessage({ type: 'train', job: job.job } satisfies ToWorker);
    }
  }

  private spawn(): Slot {
    const cancelCell = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(this.options.workerScript, { workerData: { cancelCell } satisfies WorkerData });
    const slot: Slot = { worker, cancelCell, current: null, stallTimer: null };
    worker.on('message', (message: FromWorker) => this.onMessage(slot, message));
    worker.on('error', (error) => this.onDeath(slot, `the worker crashed: ${error.message}`));
    worker.on('exit', (code) => this.onDeath(slot, `the worker exited with code ${code}`));
    this.slots.push(slot);
    return slot;
  }

  private onMessage(slot: Slot, message: FromWorker): void {
    const job = slot.current;
    if (!job || message.runId !== job.job.runId) return;
    this.armStallTimer(slot);
    try {
      job.onMessage(message);
    } catch {
      // A failing listener (e.g. the store refusing a write) must not take the pool down; the listener reports it.
    }
    if (message.type === 'finished') this.complete(slot, message.end, message.recycle === true);
  }

  /** A trial ended. A worker that asks to be recycled leaves the pool; the next trial gets a fresh one. */
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

  /** A worker died: fail its trial, forget it; the next trial gets a fresh worker. */
  private onDeath(slot: Slot, reason: string): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    const job = slot.current;
    slot.current = null;
    if (slot.stallTimer) clearTimeout(slot.stallTimer);
    this.slots.splice(index, 1);
    void slot.worker.terminate().catch(() => undefined);
    if (job) job.resolve({ status: 'failed', reason, bestEpoch: null });
    if (!this.closed) this.pump();
  }

  private armStallTimer(slot: Slot): void {
    if (slot.stallTimer) clearTimeout(slot.stallTimer);
    const timeout = this.options.stallTimeoutMs ?? 180_000;
    slot.stallTimer = setTimeout(() => {
      this.onDeath(slot, `stalled: the trial sent no progress for ${Math.round(timeout / 1000)} s and was stopped`);
    }, timeout);
    slot.stallTimer.unref();
  }

  private async retire(slot: Slot, reason: string): Promise<void> {
    if (slot.stallTimer) clearTimeout(slot.stallTimer);
    slot.worker.removeAllListeners('exit');
    slot.worker.removeAllListeners('error');
    if (slot.current) {
      slot.current.resolve({ status: 'cancelled', reason, bestEpoch: null });
      slot.current = null;
    }
    await slot.worker.terminate();
  }
}
