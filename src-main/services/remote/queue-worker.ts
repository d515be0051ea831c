/**
 * `epochlab worker`: takes trials from the BullMQ queue and trains them with the local pool — the same
 * trainers, backends and isolation as a local run — and reports rows back through the job's progress
 * (ordered, batched by the trainers' flush interval). It opens no database: the coordinator is the only
 * writer (docs/reliability.md R1). A job's data is parsed with the contract's schema before anything trains.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import {
  cancelNoticeSchema, DEFAULT_QUEUE_NAME, firstIssue, remoteJobSchema,
  type BackendChoice, type FromWorker, type Isolation, type QueueAddress, type RemoteResult, type TrainJob, type WorkerPresence,
} from '../../contract';
import { TrainingPool } from '../../engine/pool/pool';
import { checkRedis, redisOptions } from './connection';
import { cancelChannel, cancelKey, COORDINATOR_REFRESH_MS, coordinatorKey, presenceKey, PRESENCE_REFRESH_MS, PRESENCE_TTL_SECONDS } from './keys';

export interface QueueWorkerOptions {
  address: QueueAddress;
  queueName?: string;
  concurrency: number;
  backend: BackendChoice;
  isolation: Isolation;
  /** Datasets' caches and the trials' scratch checkpoints live here. */
  dataDir: string;
  workerScript: string;
  /**
   * How long a job's lock lasts without renewal, and how often stalled jobs are looked for: a worker killed
   * mid-trial has its job re-queued after one to two of these (docs/reliability.md R3).
   */
  stallSeconds?: number;
  log: (line: string) => void;
}

/** Where a remote trial's checkpoints go on the worker: scratch, removed when the trial ends. */
const SCRATCH = 'remote-trials';

export class QueueWorker {
  readonly id = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  private readonly pool: TrainingPool;
  private readonly worker: Worker;
  private readonly redis: Redis;
  private readonly subscriber: Redis;
  private readonly queueName: string;
  private readonly presenceTimer: NodeJS.Timeout;
  private readonly startedAt = new Date().toISOString();
  /** Job id → its coordinator, and whether that coordinator's key was missing at the last check. */
  private readonly running = new Map<string, { coordinator: string; missing: boolean }>();
  private lastError = '';

  private constructor(private readonly options: QueueWorkerOptions) {
    this.queueName = options.queueName ?? DEFAULT_QUEUE_NAME;
    const connection = redisOptions(options.address);
    this.pool = new TrainingPool({ workerScript: options.workerScript, concurrency: options.concurrency, isolation: options.isolation });
    const lockDuration = (options.stallSeconds ?? 30) * 1000;
    this.worker = new Worker(this.queueName, (job, token, signal) => this.process(job, token ?? '', signal), {
      connection,
      concurrency: options.concurrency,
      lockDuration,
      stalledInterval: lockDuration,
      // A job whose worker died goes back to the queue once; dying twice fails it with BullMQ's reason.
      maxStalledCount: 1,
      name: this.id,
    });
    this.worker.on('error', (error) => this.warn(error));
    this.redis = new Redis(connection);
    this.redis.on('error', () => undefined);
    this.subscriber = new Redis(connection);
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('message', (_channel: string, text: string) => this.onCancelNotice(text));
    void this.subscriber.subscribe(cancelChannel(this.queueName)).catch((error: unknown) => this.warn(error));
    this.presenceTimer = setInterval(() => void this.dropOrphans().then(() => this.announce()), PRESENCE_REFRESH_MS);
    this.presenceTimer.unref();
  }

  /** Checks that Redis answers (a clear error if not), then starts taking trials. */
  static async start(options: QueueWorkerOptions): Promise<QueueWorker> {
    await checkRedis(options.address);
    const worker = new QueueWorker(options);
    await worker.worker.waitUntilReady();
    await worker.announce();
    return worker;
  }

  get runningJobIds(): string[] {
    return [...this.running.keys()];
  }

  /** Stops taking trials and lets the running ones finish, then leaves. */
  async close(): Promise<void> {
    clearInterval(this.presenceTimer);
    await this.worker.close();
    await this.pool.close(0);
    await this.redis.del(presenceKey(this.queueName, this.id)).catch(() => undefined);
    this.redis.disconnect();
    this.subscriber.disconnect();
  }

  private async process(job: Job, token: string, signal: AbortSignal | undefined): Promise<RemoteResult> {
    const parsed = remoteJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`the job is not a valid Epochlab trial (${firstIssue(parsed.error)})`);
    const data = parsed.data;
    const attempt = `${this.id}:${token}`;
    if (await this.redis.exists(cancelKey(this.queueName, String(job.id)))) {
      return { attempt, end: { status: 'cancelled', reason: 'cancelled before it started', bestEpoch: null } };
    }
    if (!(await this.coordinatorAlive(data.coordinator))) {
      return { attempt, end: { status: 'cancelled', reason: 'its coordinator is gone', bestEpoch: null } };
    }
    const checkpointDir = join(SCRATCH, String(job.id).replace(/[^A-Za-z0-9.-]/g, '_'));
    const trainJob: TrainJob = {
      runId: data.runId, config: data.config, backend: this.options.backend, dataDir: this.options.dataDir,
      checkpointDir, flushIntervalMs: data.flushIntervalMs,
      // The coordinator's resume points are not on this machine: a re-queued trial trains from its start, and
      // the coordinator's store keeps one row per (run, step) whatever arrives twice.
      resume: false,
    };
    let sending: Promise<unknown> = Promise.resolve();
    const send = (message: FromWorker) => {
      sending = sending.then(() => job.updateProgress({ attempt, message })).catch((error: unknown) => this.warn(error));
    };
    const cancel = () => this.pool.cancel(data.runId);
    signal?.addEventListener('abort', cancel);
    this.running.set(String(job.id), { coordinator: data.coordinator, missing: false });
    void this.announce();
    try {
      const end = await this.pool.submit(trainJob, (message) => {
        // Checkpoint files stay on this machine and `finished` is the job's result: neither crosses.
        if (message.type === 'started' || message.type === 'iterations' || message.type === 'epoch' || message.type === 'insight') send(message);
      });
      await sending;
      return { attempt, end };
    } finally {
      signal?.removeEventListener('abort', cancel);
      this.running.delete(String(job.id));
      rmSync(join(this.options.dataDir, checkpointDir), { recursive: true, force: true });
      void this.announce();
    }
  }

  private onCancelNotice(text: string): void {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return;
    }
    const notice = cancelNoticeSchema.safeParse(raw);
    if (notice.success && this.running.has(notice.data.jobId)) this.worker.cancelJob(notice.data.jobId, 'cancelled');
  }

  /** Asked twice, a refresh apart: a Redis restarted after a long outage may have expired a living coordinator's key. */
  private async coordinatorAlive(coordinator: string): Promise<boolean> {
    const key = coordinatorKey(this.queueName, coordinator);
    if (await this.redis.exists(key)) return true;
    await new Promise((r) => setTimeout(r, 2 * COORDINATOR_REFRESH_MS));
    return (await this.redis.exists(key)) > 0;
  }

  /** Trials whose coordinator was killed are stopped: nobody would store what they report (docs/reliability.md R6). */
  private async dropOrphans(): Promise<void> {
    for (const [jobId, entry] of this.running) {
      const alive = (await this.redis.exists(coordinatorKey(this.queueName, entry.coordinator)).catch(() => 1)) > 0;
      if (!alive && entry.missing) this.worker.cancelJob(jobId, 'its coordinator is gone');
      entry.missing = !alive;
    }
  }

  private async announce(): Promise<void> {
    const presence: WorkerPresence = {
      id: this.id, host: hostname(), pid: process.pid, backend: this.options.backend, concurrency: this.options.concurrency,
      running: this.runningJobIds, startedAt: this.startedAt, seenAt: new Date().toISOString(),
    };
    await this.redis.set(presenceKey(this.queueName, this.id), JSON.stringify(presence), 'EX', PRESENCE_TTL_SECONDS).catch(() => undefined);
  }

  /** Says what went wrong once per distinct message (Redis going away repeats the same one every retry). */
  private warn(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    if (message === this.lastError) return;
    this.lastError = message;
    this.options.log(`warning: ${message.replace(this.options.address.password ?? '\u0000', '***')}`);
  }
}
