// The pool with scripted workers: crashes, exits, stalls and cancels, without any training involved.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FromWorker, TrainJob } from '../../../src-main/contract';
import { TrainingPool } from '../../../src-main/engine/pool/pool';

const dir = mkdtempSync(join(tmpdir(), 'epochlab-pool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A fake worker: its behaviour is chosen by the job's learning rate (1 = finish, 2 = throw, 3 = exit,
// 4 = stall, 5 = loop until cancelled, 6 = finish and ask to be recycled, 7 = post a large row, then
// throw). It reports its thread id.
const script = join(dir, 'fake-worker.cjs');
writeFileSync(script, `
const { parentPort, workerData } = require('node:worker_threads');
parentPort.on('message', ({ job }) => {
  const mode = job.config.params.learningRate;
  const post = (m) => parentPort.postMessage({ runId: job.runId, ...m });
  post({ type: 'iterations', rows: [{ step: 1, thread: require('node:worker_threads').threadId, pad: mode === 7 ? 'x'.repeat(1e6) : '' }] });
  if (mode === 7) throw new Error('boom after its last rows');
  if (mode === 6) return post({ type: 'finished', end: { status: 'completed', reason: null, bestEpoch: 1 }, recycle: true });
  if (mode === 1) return post({ type: 'finished', end: { status: 'completed', reason: null, bestEpoch: 1 } });
  if (mode === 2) throw new Error('boom in the training loop');
  if (mode === 3) process.exit(3);
  if (mode === 4) return;
  const t0 = Date.now();
  while (Atomics.load(workerData.cancelCell, 0) !== job.runId) { if (Date.now() - t0 > 10000) break; }
  post({ type: 'finished', end: { status: 'cancelled', reason: 'cancelled by the user', bestEpoch: null } });
});
`);

const job = (runId: number, mode: number): TrainJob => ({
  runId,
  config: { params: { learningRate: mode } } as unknown as TrainJob['config'],
  backend: 'cpu', dataDir: dir, checkpointDir: `checkpoints/run-${runId}`, flushIntervalMs: 10, resume: false,
});

describe('TrainingPool', () => {
  it('a worker that throws or exits fails only its trial; the next trials run on fresh workers', async () => {
    const pool = new TrainingPool({ workerScript: script, concurrency: 1 });
    const messages: FromWorker[] = [];
    const ends = await Promise.all([1, 2, 3, 1].map((mode, i) => pool.submit(job(i + 1, mode), (m) => messages.push(m))));
    expect(ends.map((e) => e.status)).toEqual(['completed', 'failed', 'failed', 'completed']);
    expect(ends[1].reason).toMatch(/worker crashed: boom in the training loop/);
    expect(ends[2].reason).toMatch(/exited with code 3/);
    expect(messages.filter((m) => m.type === 'iterations')).toHaveLength(4);
    await pool.close();
  });

  it('delivers what a worker posted just before it threw: the error may overtake the rows, the exit never does', async () => {
    const pool = new TrainingPool({ workerScript: script, concurrency: 2 });
    const messages: FromWorker[] = [];
    const ends = await Promise.all(Array.from({ length: 12 }, (_, i) => pool.submit(job(i + 1, 7), (m) => messages.push(m))));
    expect(ends.every((e) => e.status === 'failed' && /boom after its last rows/.test(e.reason ?? ''))).toBe(true);
    expect(messages.filter((m) => m.type === 'iterations').map((m) => m.runId).sort((a, b) => a - b)).toEqual(ends.map((_, i) => i + 1));
    await pool.close();
  });

  it('replaces a worker that asks to be recycled, and reuses one that does not', async () => {
    const pool = new TrainingPool({ workerScript: script, concurrency: 1 });
    const threads: number[] = [];
    const record = (m: FromWorker) => {
      if (m.type === 'iterations') threads.push((m.rows[0] as unknown as { thread: number }).thread);
    };
    const ends = await Promise.all([1, 1, 6, 1].map((mode, i) => pool.submit(job(i + 1, mode), record)));
    expect(ends.map((e) => e.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
    expect(threads[0]).toBe(threads[1]);
    expect(threads[2]).toBe(threads[1]);
    expect(threads[3]).not.toBe(threads[2]);
    await pool.close();
  });

  it('ends a stalled trial as failed and goes on', async () => {
    const pool = new TrainingPool({ workerScript: script, concurrency: 1, stallTimeoutMs: 3000 });
    const ends = await Promise.all([pool.submit(job(1, 4), () => undefined), pool.submit(job(2, 1), () => undefined)]);
    expect(ends[0]).toMatchObject({ status: 'failed' });
    expect(ends[0].reason).toMatch(/stalled/);
    expect(ends[1].status).toBe('completed');
    await pool.close();
  });

  it('cancels a running trial through the shared cell and a queued one before it starts', async () => {
    const pool = new TrainingPool({ workerScript: script, concurrency: 1 });
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const first = pool.submit(job(1, 5), (m) => m.type === 'iterations' && started());
    const second = pool.submit(job(2, 1), () => undefined);
    await running;
    expect(pool.runningRunIds()).toEqual([1]);
    expect(pool.queuedRunIds()).toEqual([2]);
    expect(pool.cancel(2)).toBe(true);
    expect(pool.cancel(1)).toBe(true);
    expect(pool.cancel(99)).toBe(false);
    expect((await first).status).toBe('cancelled');
    expect(await second).toMatchObject({ status: 'cancelled', reason: 'cancelled before it started' });
    await pool.close();
  });

  it('a run cancelled once and submitted again (resumed) is not cancelled by the old request', async () => {
    const pool = new TrainingPool({ workerScript: script, concurrency: 1 });
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const first = pool.submit(job(1, 5), (m) => m.type === 'iterations' && started());
    await running;
    pool.cancel(1);
    expect((await first).status).toBe('cancelled');
    const again = pool.submit(job(1, 5), () => undefined);
    await new Promise((r) => setTimeout(r, 200));
    expect(pool.runningRunIds()).toEqual([1]);
    pool.cancel(1);
    expect((await again).status).toBe('cancelled');
    await pool.close();
  });

  it('runs trials in parallel up to the concurrency, and close() cancels what is left', async () => {
    const pool = new TrainingPool({ workerScript: script, concurrency: 2 });
    const ends = [pool.submit(job(1, 5), () => undefined), pool.submit(job(2, 5), () => undefined), pool.submit(job(3, 1), () => undefined)];
    await new Promise((r) => setTimeout(r, 300));
    expect(pool.runningRunIds().sort()).toEqual([1, 2]);
    await pool.close();
    const statuses = (await Promise.all(ends)).map((e) => e.status);
    expect(statuses).toEqual(['cancelled', 'cancelled', 'cancelled']);
  });
});
