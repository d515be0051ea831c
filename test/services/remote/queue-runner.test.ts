/**
 * Remote workers end to end (docs/reliability.md R1–R5): a real redis-server of the test's own, the
 * coordinator's services in this process, and `epochlab worker` processes of the real bundle.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { parseQueueAddress, workerPresenceSchema, type ExperimentSpecInput, type WorkerPresence } from '../../../src-main/contract';
import type { Services } from '../../../src-main/services/create-services';
import { redisOptions } from '../../../src-main/services/remote/connection';
import { presencePattern } from '../../../src-main/services/remote/keys';
import { query, startCli, waitFor, writeSpec, type Started } from '../../cli/cli-harness';
import { moonsSpec, openServices, tempDataDir } from '../harness';
import { freePort, startRedis, type TestRedis } from './redis-harness';

let redis: TestRedis;
const cleanups: Array<() => unknown> = [];
const workers: Started[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});
afterEach(async () => {
  for (const worker of workers.splice(0)) {
    if (worker.child.exitCode === null && worker.child.signalCode === null) {
      worker.child.kill('SIGKILL');
      await worker.exited;
    }
  }
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function queueName(): string {
  return `t${Math.random().toString(36).slice(2, 10)}`;
}

function dataDir(): string {
  const temp = tempDataDir();
  cleanups.push(temp.cleanup);
  return temp.dir;
}

function startWorker(queue: string): Started {
  const worker = startCli(dataDir(), 'worker', '--queue', redis.url, '--queue-name', queue, '--backend', 'cpu', '--concurrency', '1', '--stall-seconds', '2');
  workers.push(worker);
  return worker;
}

async function presences(queue: string): Promise<WorkerPresence[]> {
  const client = new Redis(redisOptions(parseQueueAddress(redis.url)));
  try {
    const keys = await client.keys(presencePattern(queue));
    const values = keys.length ? await client.mget(keys) : [];
    return values.map((v) => workerPresenceSchema.parse(JSON.parse(v!)));
  } finally {
    client.disconnect();
  }
}

async function waitForWorkers(queue: string, count: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await presences(queue)).length < count) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} workers: ${workers.map((w) => w.stderr()).join('\n')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function coordinator(dir: string, queue: string): Promise<Services> {
  const services = await openServices(dir, { queue: { address: parseQueueAddress(redis.url), name: queue } });
  cleanups.push(() => services.close());
  return services;
}

async function train(services: Services, spec: ExperimentSpecInput): Promise<number> {
  const experiment = await services.api.createExperiment({ spec: spec as never });
  await services.runner.idle();
  return experiment.id;
}

interface EpochRow { run_id: number; epoch: number; step: number; train_loss: number; val_loss: number; val_accuracy: number; samples_seen: number }
const epochRows = (dir: string) =>
  query<EpochRow>(dir, 'SELECT run_id, epoch, step, train_loss, val_loss, val_accuracy, samples_seen FROM epoch_metrics ORDER BY run_id, epoch') ?? [];
const iterationCounts = (dir: string) =>
  query<{ run_id: number; n: number; steps: number; last: number }>(dir, 'SELECT run_id, COUNT(*) AS n, COUNT(DISTINCT step) AS steps, MAX(step) AS last FROM iteration_metrics GROUP BY run_id ORDER BY run_id') ?? [];
const runStatuses = (dir: string) => query<{ id: number; status: string; error: string | null }>(dir, 'SELECT id, status, error FROM runs ORDER BY id') ?? [];

/** Moons of 410 points with a 0.2 split: 328 training samples; ceil(328 / B) iterations per epoch. */
const N_TRAIN = 328;
const expectedSteps = (batchSize: number, epochs: number) => Math.ceil(N_TRAIN / batchSize) * epochs;

describe('remote workers through BullMQ', () => {
  it('two worker processes train a grid to the same numbers as the local pool, and the coordinator is the only writer', async () => {
    const queue = queueName();
    startWorker(queue);
    startWorker(queue);
    await waitForWorkers(queue, 2);
    const spec = moonsSpec({ batchSize: [16, 64], learningRate: [0.01, 0.05], epochs: 3, seed: 7 });
    const remoteDir = dataDir();
    await train(await coordinator(remoteDir, queue), spec);
    const localDir = dataDir();
    const local = await openServices(localDir);
    cleanups.push(() => local.close());
    await train(local, spec);

    expect(runStatuses(remoteDir).map((r) => r.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
    const remoteRows = epochRows(remoteDir);
    expect(remoteRows).toHaveLength(4 * 3);
    expect(remoteRows).toEqual(epochRows(localDir));
    expect(iterationCounts(remoteDir)).toEqual(iterationCounts(localDir));
    // Which backend trained each trial is stored as for a local one (the worker's).
    expect(query<{ backend: string }>(remoteDir, 'SELECT backend FROM runs')?.every((r) => JSON.parse(r.backend).name === 'cpu')).toBe(true);
  }, 240_000);

  it('a worker killed with SIGKILL mid-trial: the job is found stalled and re-queued, every trial completes with exact rows (docs/reliability.md R3)', async () => {
    const queue = queueName();
    for (let i = 0; i < 3; i++) startWorker(queue);
    await waitForWorkers(queue, 3);
    const trials = Number(process.env.EPOCHLAB_REMOTE_TRIALS ?? 12);
    const seeds = Array.from({ length: trials / 2 }, (_, i) => i + 1);
    const dir = dataDir();
    const services = await coordinator(dir, queue);
    await services.api.createExperiment({ spec: moonsSpec({ batchSize: [8, 32], learningRate: 0.02, epochs: 4, seed: seeds }) as never });
    // A worker with a trial that has stored rows and is still running: that is the one to kill.
    let victim: WorkerPresence | undefined;
    let victimRun = 0;
    const deadline = Date.now() + 60_000;
    while (!victim && Date.now() < deadline) {
      for (const presence of await presences(queue)) {
        const runId = Number(presence.running[0]?.split('.')[1]);
        const rows = runId ? (query<{ n: number }>(dir, 'SELECT COUNT(*) AS n FROM iteration_metrics WHERE run_id = ?', runId)?.[0]?.n ?? 0) : 0;
        if (rows > 0 && services.runner.activeRunIds().includes(runId)) {
          victim = presence;
          victimRun = runId;
          break;
        }
      }
      if (!victim) await new Promise((r) => setTimeout(r, 50));
    }
    expect(victim).toBeDefined();
    process.kill(victim!.pid, 'SIGKILL');
    await services.runner.idle();

    const statuses = runStatuses(dir);
    expect(statuses).toHaveLength(trials);
    expect(statuses.filter((r) => r.status !== 'completed')).toEqual([]);
    const params = query<{ id: number; params: string }>(dir, 'SELECT id, params FROM runs') ?? [];
    for (const { run_id, n, steps, last } of iterationCounts(dir)) {
      const batchSize = (JSON.parse(params.find((p) => p.id === run_id)!.params) as { batchSize: number }).batchSize;
      expect({ run_id, n, steps, last }).toEqual({ run_id, n: expectedSteps(batchSize, 4), steps: expectedSteps(batchSize, 4), last: expectedSteps(batchSize, 4) });
    }
    expect(epochRows(dir)).toHaveLength(trials * 4);
    expect(victimRun).toBeGreaterThan(0);
    expect(query<{ status: string }>(dir, 'SELECT status FROM experiments')).toEqual([{ status: 'finished' }]);
  }, 240_000);

  it('Redis restarting mid-grid: workers and coordinator reconnect and every trial completes with exact rows (docs/reliability.md R4)', async () => {
    const queue = queueName();
    startWorker(queue);
    startWorker(queue);
    await waitForWorkers(queue, 2);
    const dir = dataDir();
    const services = await coordinator(dir, queue);
    await services.api.createExperiment({ spec: moonsSpec({ batchSize: 8, learningRate: 0.02, epochs: 3, seed: [1, 2, 3, 4] }) as never });
    await waitFor('rows before the restart', () => (query<{ n: number }>(dir, 'SELECT COUNT(*) AS n FROM iteration_metrics')?.[0]?.n ?? 0) > 0);
    await redis.restart(1500);
    await services.runner.idle();
    expect(runStatuses(dir).map((r) => r.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
    expect(iterationCounts(dir).map((r) => [r.n, r.steps])).toEqual(Array(4).fill([expectedSteps(8, 3), expectedSteps(8, 3)]));
  }, 180_000);

  it('a coordinator killed mid-grid: resume --queue from a new one completes every trial with exact rows, and the workers drop the dead one\'s trials (docs/reliability.md R6)', async () => {
    const queue = queueName();
    startWorker(queue);
    startWorker(queue);
    await waitForWorkers(queue, 2);
    const dir = dataDir();
    const spec = writeSpec(dir, moonsSpec({ batchSize: 8, learningRate: 0.02, epochs: 3, seed: [1, 2, 3, 4] }));
    const first = startCli(dir, 'run', spec, '--queue', redis.url, '--queue-name', queue, '--backend', 'cpu');
    await waitFor('rows from the first coordinator', () => (query<{ n: number }>(dir, 'SELECT COUNT(*) AS n FROM iteration_metrics')?.[0]?.n ?? 0) > 0);
    first.child.kill('SIGKILL');
    await first.exited;
    // Its trials stop on the workers once its key has expired: nobody would store their rows.
    const deadline = Date.now() + 60_000;
    while ((await presences(queue)).some((p) => p.running.length) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    expect((await presences(queue)).flatMap((p) => p.running)).toEqual([]);
    const second = startCli(dir, 'resume', '1', '--queue', redis.url, '--queue-name', queue, '--backend', 'cpu');
    expect((await second.exited).code, second.stderr()).toBe(0);
    expect(runStatuses(dir).map((r) => r.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
    expect(iterationCounts(dir).map((r) => [r.n, r.steps, r.last])).toEqual(Array(4).fill([expectedSteps(8, 3), expectedSteps(8, 3), expectedSteps(8, 3)]));
    expect(epochRows(dir)).toHaveLength(4 * 3);
  }, 180_000);

  it('cancel reaches the worker: the trial stops between batches, ends cancelled, and the worker takes the next trial', async () => {
    const queue = queueName();
    const worker = startWorker(queue);
    await waitForWorkers(queue, 1);
    const dir = dataDir();
    const services = await coordinator(dir, queue);
    const experiment = await services.api.createExperiment({ spec: moonsSpec({ batchSize: 4, learningRate: 0.01, epochs: 200, seed: [1, 2] }) as never });
    await waitFor('the first trial training', () => (query<{ n: number }>(dir, 'SELECT COUNT(*) AS n FROM iteration_metrics')?.[0]?.n ?? 0) > 0);
    await services.api.cancelExperiment({ experimentId: experiment.id });
    await services.runner.idle();
    expect(runStatuses(dir).map((r) => r.status)).toEqual(['cancelled', 'cancelled']);
    const deadline = Date.now() + 20_000;
    while ((await presences(queue))[0]?.running.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect((await presences(queue))[0].running).toEqual([]);
    // Still online and training: the next trial completes.
    await train(services, moonsSpec({ batchSize: 64, epochs: 1, seed: 3 }));
    expect(runStatuses(dir).at(-1)?.status).toBe('completed');
    expect(worker.child.exitCode).toBeNull();
  }, 180_000);

  it('a worker that sends malformed or out-of-bounds reports fails its trial with the reason; nothing of it is stored and the coordinator carries on (docs/reliability.md R2)', async () => {
    const queue = queueName();
    const reports: unknown[] = [
      // 'started' tells the truth about the training-set size (filled in below): a made-up one would already
      // fail the trial on the accounting check (test/services/accounting-check.test.ts); this test is about rows.
      { attempt: 'evil', message: { type: 'started', runId: 0, backend: { name: 'cpu', version: 'x', device: 'y' }, datasetFingerprint: 'f', nTrain: 0, nVal: 1 } },
      { attempt: 'evil', message: { type: 'iterations', runId: 0, rows: [{ step: 1, epoch: 999, batch: 0, batchSize: 1, loss: 1, accuracy: 0, learningRate: 0.1, elapsedMs: 1 }] } },
    ];
    const evil = new Worker(queue, async (job) => {
      const runId = (job.data as { runId: number }).runId;
      for (const report of reports) {
        const r = structuredClone(report) as { message: { runId: number; type: string; nTrain?: number } };
        r.message.runId = runId;
        if (r.message.type === 'started') r.message.nTrain = (await services.api.getRun({ runId })).accounting.nTrain;
        await job.updateProgress(r as never);
      }
      await job.updateProgress({ attempt: 'evil', message: { type: 'epoch', runId, row: 'DROP TABLE runs' } } as never);
      return { attempt: 'evil', end: { status: 'completed', reason: null, bestEpoch: 999 } };
    }, { connection: redisOptions(parseQueueAddress(redis.url)) });
    cleanups.push(() => evil.close());
    const dir = dataDir();
    const services = await coordinator(dir, queue);
    await train(services, moonsSpec({ batchSize: 64, epochs: 2, seed: 1 }));
    const [run] = runStatuses(dir);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/epoch beyond the trial's 2/);
    expect(iterationCounts(dir)).toEqual([]);
  }, 120_000);

  it('an unreachable Redis is a clear error naming the address without its password, and leaves the data folder free for local training (docs/reliability.md R5)', async () => {
    const port = await freePort();
    const dir = dataDir();
    await expect(openServices(dir, { queue: { address: parseQueueAddress(`redis://user:s3cret@127.0.0.1:${port}`) } })).rejects.toThrow(
      new RegExp(`cannot reach the queue's Redis at redis://user:\\*\\*\\*@127\\.0\\.0\\.1:${port}/0`),
    );
    const local = await openServices(dir);
    cleanups.push(() => local.close());
    await train(local, moonsSpec({ batchSize: 64, epochs: 1, seed: 1 }));
    expect(runStatuses(dir).map((r) => r.status)).toEqual(['completed']);
  }, 120_000);
});
