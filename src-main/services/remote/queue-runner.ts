/**
 * The remote trial runner: puts trials on a BullMQ queue that `epochlab worker` processes on any machine,
 * and hands what the workers report to services/runner.ts exactly as the local pool does — so the one
 * process that owns the SQLite file stays its only writer, through the same idempotent store calls.
 *
 * Everything from Redis is parsed with the contract's schemas before it reaches the store; a report that
 * does not parse, or names the wrong run, fails that trial with the reason (docs/reliability.md R2). A
 * worker killed mid-trial loses its job's lock; BullMQ's stalled-job check in the other workers puts the job
 * back on the queue, and reports of the dead attempt are ignored from then on (R3). A state check every few
 * seconds backs up the event stream: a trial that finished or vanished while events were missed (Redis
 * restarted, its data lost) is noticed, never left `running` (R4).
 */
import { randomBytes } from 'node:crypto';
import { Queue, QueueEvents, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import {
  DEFAULT_QUEUE_NAME, firstIssue, remoteJobId, remoteReportSchema, remoteResultSchema,
  type QueueAddress, type RemoteJob, type TrainJob, type TrialEnd,
} from '../../contract';
import type { TrialRunner, WorkerMessageHandler } from '../../engine/pool/trial-runner';
import { checkRedis, redisOptions } from './connection';
import { cancelChannel, cancelKey, CANCEL_MARK_SECONDS, COORDINATOR_REFRESH_MS, COORDINATOR_TTL_SECONDS, coordinatorKey } from './keys';

export interface QueueRunnerOptions {
  address: QueueAddress;
  queueName?: string;
  /** How often job states are checked behind the event stream. */
  reconcileMs?: number;
  /** Trials the queue is expected to train at once (reported as `concurrency`; workers decide for real). */
  concurrency?: number;
  log: (line: string) => void;
}

interface Tracked {
  job: TrainJob;
  jobId: string;
  onMessage: WorkerMessageHandler;
  resolve: (end: TrialEnd) => void;
  /** The attempt whose reports count: the one that sent `started` last. */
  attempt: string | null;
  /** The job is known to be in Redis (added, or seen there). */
  added: boolean;
  running: boolean;
  cancelRequested: boolean;
  /** The state check saw the job ended; it ends the trial if the event has not come by the next check. */
  endSeen: boolean;
}

export class QueueTrialRunner implements TrialRunner {
  readonly concurrency: number;
  private readonly tracked = new Map<string, Tracked>();
  private readonly coordinator = randomBytes(8).toString('hex');
  private closed = false;
  private reconciling = false;
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly options: QueueRunnerOptions,
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    private readonly publisher: Redis,
  ) {
    this.concurrency = options.concurrency ?? 1;
    events.on('progress', ({ jobId, data }) => this.onProgress(jobId, data));
    events.on('completed', ({ jobId, returnvalue }) => this.onCompleted(jobId, returnvalue));
    events.on('failed', ({ jobId, failedReason }) => this.onFailed(jobId, failedReason));
    events.on('error', () => undefined);
    queue.on('error', () => undefined);
    publisher.on('error', () => undefined);
    this.timer = setInterval(() => void this.reconcile(), options.reconcileMs ?? COORDINATOR_REFRESH_MS);
    this.timer.unref();
  }

  /** Checks that Redis answers (a clear error if not), then listens to the queue's events. */
  static async open(options: QueueRunnerOptions): Promise<QueueTrialRunner> {
    await checkRedis(options.address);
    const name = options.queueName ?? DEFAULT_QUEUE_NAME;
    const connection = redisOptions(options.address);
    const queue = new Queue(name, { connection });
    const events = new QueueEvents(name, { connection });
    const publisher = new Redis(connection);
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    const runner = new QueueTrialRunner(options, queue, events, publisher);
    await runner.announce();
    return runner;
  }

  submit(job: TrainJob, onMessage: WorkerMessageHandler): Promise<TrialEnd> {
    if (this.closed) return Promise.resolve({ status: 'cancelled', reason: 'the application is shutting down', bestEpoch: null });
    const jobId = remoteJobId(this.coordinator, job.runId);
    return new Promise((resolve) => {
      const tracked: Tracked = { job, jobId, onMessage, resolve, attempt: null, added: false, running: false, cancelRequested: false, endSeen: false };
      this.tracked.set(jobId, tracked);
      void this.enqueue(tracked);
    });
  }

  cancel(runId: number): boolean {
    const tracked = this.tracked.get(remoteJobId(this.coordinator, runId));
    if (!tracked) return false;
    tracked.cancelRequested = true;
    void this.cancelInRedis(tracked);
    return true;
  }

  runningRunIds(): number[] {
    return [...this.tracked.values()].filter((t) => t.running).map((t) => t.job.runId);
  }

  queuedRunIds(): number[] {
    return [...this.tracked.values()].filter((t) => !t.running).map((t) => t.job.runId);
  }

  async close(graceMs = 5000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const tracked of this.tracked.values()) {
      tracked.cancelRequested = true;
      void this.cancelInRedis(tracked);
    }
    const deadline = Date.now() + graceMs;
    while (this.tracked.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    for (const tracked of [...this.tracked.values()]) this.end(tracked, { status: 'cancelled', reason: 'the application is shutting down', bestEpoch: null });
    clearInterval(this.timer);
    await this.publisher.del(coordinatorKey(this.queue.name, this.coordinator)).catch(() => undefined);
    await Promise.allSettled([this.events.close(), this.queue.close()]);
    this.publisher.disconnect();
  }

  private async enqueue(tracked: Tracked): Promise<void> {
    const data: RemoteJob = { coordinator: this.coordinator, runId: tracked.job.runId, config: tracked.job.config, flushIntervalMs: tracked.job.flushIntervalMs };
    try {
      // One attempt: a trial that throws on a worker failed for a reason a retry would meet again; a worker
      // that dies is BullMQ's stalled-job case, which re-queues the job without counting an attempt.
      await this.queue.add('trial', data, { jobId: tracked.jobId, attempts: 1, removeOnComplete: { age: 3600 }, removeOnFail: { age: 86_400 } });
      tracked.added = true;
    } catch (error) {
      this.end(tracked, { status: 'failed', reason: `could not queue the trial on ${this.options.address.shown}: ${describe(error)}`, bestEpoch: null });
    }
  }

  private async cancelInRedis(tracked: Tracked): Promise<void> {
    try {
      const job = await this.queue.getJob(tracked.jobId);
      if (job && ['waiting', 'delayed', 'prioritized', 'waiting-children'].includes(await job.getState())) {
        await job.remove();
        this.end(tracked, { status: 'cancelled', reason: 'cancelled before it started', bestEpoch: null });
        return;
      }
    } catch {
      // Taken by a worker in between (a locked job cannot be removed): it hears the notice below.
    }
    try {
      // The mark covers a worker that takes the job after the notice was published.
      await this.publisher.set(cancelKey(this.queue.name, tracked.jobId), '1', 'EX', CANCEL_MARK_SECONDS);
      await this.publisher.publish(cancelChannel(this.queue.name), JSON.stringify({ jobId: tracked.jobId }));
    } catch (error) {
      if (!this.closed) this.options.log(`warning: could not reach the queue to cancel run ${tracked.job.runId}: ${describe(error)}`);
    }
  }

  private onProgress(jobId: string, data: unknown): void {
    const tracked = this.tracked.get(jobId);
    if (!tracked) return;
    const parsed = remoteReportSchema.safeParse(data);
    if (!parsed.success) return this.refuse(tracked, `a worker sent an invalid report (${firstIssue(parsed.error)})`);
    const { attempt, message } = parsed.data;
    if (message.type === 'started') {
      tracked.attempt = attempt;
      tracked.running = true;
    } else if (attempt !== tracked.attempt) {
      return; // A report of an attempt that was given up on (docs/reliability.md R3).
    }
    if (message.runId !== tracked.job.runId) return this.refuse(tracked, `a worker reported run ${message.runId} for run ${tracked.job.runId}`);
    const epochs = tracked.job.config.params.epochs;
    const epochOf = message.type === 'epoch' ? [message.row.epoch] : message.type === 'iterations' ? message.rows.map((r) => r.epoch) : [];
    if (epochOf.some((e) => e > epochs)) return this.refuse(tracked, `a worker reported an epoch beyond the trial's ${epochs}`);
    try {
      tracked.onMessage(message);
    } catch {
      // The runner reports a failing store write itself and cancels the trial.
    }
  }

  private onCompleted(jobId: string, returnvalue: unknown): void {
    const tracked = this.tracked.get(jobId);
    if (!tracked) return;
    this.end(tracked, this.resultOf(returnvalue));
  }

  private onFailed(jobId: string, failedReason: string): void {
    const tracked = this.tracked.get(jobId);
    if (!tracked) return;
    this.end(tracked, { status: 'failed', reason: `on a remote worker: ${String(failedReason).slice(0, 2000)}`, bestEpoch: null });
  }

  private resultOf(returnvalue: unknown): TrialEnd {
    let value = returnvalue;
    if (typeof value === 'string') {
      try {
        value = JSON.parse(value);
      } catch {
        return { status: 'failed', reason: 'a worker returned a result that is not JSON', bestEpoch: null };
      }
    }
    const parsed = remoteResultSchema.safeParse(value);
    return parsed.success ? parsed.data.end : { status: 'failed', reason: `a worker returned an invalid result (${firstIssue(parsed.error)})`, bestEpoch: null };
  }

  /** Fails a trial whose worker misbehaves and asks that worker to stop it. */
  private refuse(tracked: Tracked, reason: string): void {
    this.options.log(`warning: run ${tracked.job.runId}: ${reason}`);
    void this.cancelInRedis(tracked);
    this.end(tracked, { status: 'failed', reason, bestEpoch: null });
  }

  private end(tracked: Tracked, end: TrialEnd): void {
    if (this.tracked.get(tracked.jobId) !== tracked) return;
    this.tracked.delete(tracked.jobId);
    tracked.resolve(tracked.cancelRequested && end.status === 'failed' && !tracked.running ? { status: 'cancelled', reason: 'cancelled', bestEpoch: null } : end);
  }

  /** Tells the workers this coordinator still stores what they report. */
  private async announce(): Promise<void> {
    await this.publisher.set(coordinatorKey(this.queue.name, this.coordinator), '1', 'EX', COORDINATOR_TTL_SECONDS);
  }

  /** Behind the event stream: notice trials that ended or vanished while their events were missed. */
  private async reconcile(): Promise<void> {
    if (this.reconciling || this.closed) return;
    this.reconciling = true;
    try {
      await this.announce();
      for (const tracked of [...this.tracked.values()]) {
        if (!tracked.added) continue;
        const job: Job | undefined = await this.queue.getJob(tracked.jobId);
        if (!job) {
          // Redis lost the job (restarted without its data): queue it again; the trial restarts.
          this.options.log(`warning: the queue lost run ${tracked.job.runId}'s job; queueing it again`);
          tracked.added = false;
          tracked.attempt = null;
          tracked.running = false;
          await this.enqueue(tracked);
          continue;
        }
        const state = await job.getState();
        if (state !== 'completed' && state !== 'failed') continue;
        // The event stream may still be delivering the trial's last reports: give it one more round.
        if (!tracked.endSeen) tracked.endSeen = true;
        else if (state === 'completed') this.end(tracked, this.resultOf(job.returnvalue));
        else this.onFailed(tracked.jobId, job.failedReason);
      }
    } catch {
      // Redis is away: the next round tries again.
    } finally {
      this.reconciling = false;
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
