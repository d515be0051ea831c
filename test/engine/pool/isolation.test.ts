/**
 * Trainers that really crash (docs/reliability.md F2, F5): the real worker bundle, armed by the test-only
 * EPOCHLAB_TEST_CRASH variable, dies mid-trial by a signal, an abort, exit 137, a heap running out or an
 * uncaught error. Each time only that trial fails, with the reason, and the next trial on the same pool
 * trains. A real wasm out-of-memory gets the hint and a fresh worker.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExperimentSpecInput, FromWorker, TrainJob, TrialEnd } from '../../../src-main/contract';
import { TrainingPool, type PoolOptions } from '../../../src-main/engine/pool/pool';
import { expandTrials, parseSpec } from '../../../src-main/engine/search';
import { TEST_CRASH_ENV } from '../../../src-main/engine/worker/test-crash';
import { WORKER_SCRIPT } from '../../services/harness';

const dataDir = mkdtempSync(join(tmpdir(), 'epochlab-isolation-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function job(runId: number, spec: Partial<ExperimentSpecInput> & { params: ExperimentSpecInput['params'] }): TrainJob {
  const parsed = parseSpec({
    name: 't', dataset: { id: 'moons', size: 300, seed: 1 }, model: { template: 'mlp', hidden: [8] },
    training: { checkpoints: 'none' }, ...spec,
  });
  const [params] = expandTrials(parsed);
  return {
    runId, backend: 'wasm', dataDir, checkpointDir: `checkpoints/run-${runId}`, flushIntervalMs: 0, resume: false,
    config: { params, model: parsed.model, dataset: parsed.dataset, validation: parsed.validation, training: parsed.training },
  };
}

const small = (runId: number) => job(runId, { params: { batchSize: 32, epochs: 2, learningRate: 0.01 } });
/** Enough batches that a crash after the first flushed rows lands mid-trial. */
const long = (runId: number) => job(runId, { params: { batchSize: 4, epochs: 20, learningRate: 0.01 } });

/** Submits the jobs in order on one pool with one trainer; returns how each ended, and every message. */
async function runInOrder(options: Partial<PoolOptions>, jobs: TrainJob[]): Promise<{ ends: TrialEnd[]; messages: FromWorker[] }> {
  const pool = new TrainingPool({ workerScript: WORKER_SCRIPT, concurrency: 1, ...options });
  const messages: FromWorker[] = [];
  try {
    const ends = await Promise.all(jobs.map((j) => pool.submit(j, (m) => messages.push(m))));
    return { ends, messages };
  } finally {
    await pool.close();
  }
}

const crashEnv = (plan: string) => ({ ...process.env, [TEST_CRASH_ENV]: plan });

describe('process isolation: a crashing training process fails only its trial', () => {
  it('SIGSEGV, abort, SIGKILL, exit 137, heap out of memory and an uncaught error: reason given, next trial trains', async () => {
    const plan = '1:segv,3:abort,5:kill,7:exit137,9:heap,11:throw';
    const jobs = Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? long(i + 1) : small(i + 1)));
    const { ends, messages } = await runInOrder(
      // A small heap, so that the heap crash runs out in a moment; the training itself fits easily.
      { isolation: 'process', processes: { env: crashEnv(plan), execArgv: ['--max-old-space-size=160'], forwardOutput: () => undefined } },
      jobs,
    );
    expect(ends.map((e) => e.status)).toEqual(Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? 'failed' : 'completed')));
    const reasons = ends.filter((_, i) => i % 2 === 0).map((e) => e.reason);
    expect(reasons[0]).toMatch(/^the training process was ended by SIGSEGV: a memory fault in native code/);
    expect(reasons[1]).toMatch(/^the training process was ended by SIGABRT: it aborted/);
    expect(reasons[2]).toMatch(/^probably out of memory: the training process was ended by SIGKILL: it was killed, usually by the system because memory ran out — reduce the batch size/);
    expect(reasons[3]).toMatch(/^probably out of memory: the training process exited with code 137 \(128 \+ SIGKILL/);
    expect(reasons[4]).toMatch(/^out of memory: the training process was ended by SIG(ABRT|TRAP).*heap out of memory.* — reduce the batch size or the model size$/);
    // Code 1, or 7 when emscripten's handler (the wasm backend's) rethrows the uncaught error.
    expect(reasons[5]).toMatch(/^the training process exited with code [17]; its last output: "Error: test crash: an uncaught error in the trainer"$/);
    // Every crashed trial had trained and reported rows before it died: the crash was mid-trial.
    for (const runId of [1, 3, 5, 7, 9, 11]) expect(messages.some((m) => m.type === 'iterations' && m.runId === runId)).toBe(true);
  }, 120_000);

  it('a cancel reaches a running trial between batches, mid-epoch, without the loop yielding', async () => {
    const pool = new TrainingPool({ workerScript: WORKER_SCRIPT, concurrency: 1, isolation: 'process' });
    try {
      // One epoch of 240 batches of 1: the cancel must land inside it.
      const trial = job(1, { params: { batchSize: 1, epochs: 1, learningRate: 0.01 } });
      let rows = 0;
      const end = await pool.submit(trial, (m) => {
        if (m.type !== 'iterations') return;
        if (rows === 0) pool.cancel(1);
        rows += m.rows.length;
      });
      expect(end.status).toBe('cancelled');
      expect(rows).toBeGreaterThan(0);
      expect(rows).toBeLessThan(240);
      // The same trainer takes the run again (resumed runs keep their id): the old cancel is gone.
      expect((await pool.submit(small(1), () => undefined)).status).toBe('completed');
    } finally {
      await pool.close();
    }
  });
});

describe('thread isolation: a dying worker fails only its trial', () => {
  it('heap out of memory, exit 137 and an uncaught error: reason given, next trial trains', async () => {
    const { ends } = await runInOrder(
      { isolation: 'thread', threads: { env: crashEnv('1:heap,3:exit137,5:throw'), resourceLimits: { maxOldGenerationSizeMb: 160 } } },
      [long(1), small(2), long(3), small(4), long(5), small(6)],
    );
    expect(ends.map((e) => e.status)).toEqual(['failed', 'completed', 'failed', 'completed', 'failed', 'completed']);
    expect(ends[0].reason).toMatch(/^out of memory: the worker ran out of memory \(.*\) — reduce the batch size or the model size$/);
    expect(ends[2].reason).toMatch(/^probably out of memory: the worker exited with code 137/);
    expect(ends[4].reason).toBe('the worker crashed: test crash: an uncaught error in the trainer');
  }, 120_000);
});

describe('out of memory in the wasm backend', () => {
  it('fails the trial with the hint, recycles the worker, and the next small trial on the same pool trains', async () => {
    // A 280k-row batch through 4096 units needs a 4.6 GB activation: more than wasm32 can address.
    const huge = job(1, { dataset: { id: 'moons', size: 350_000, seed: 1 }, model: { template: 'mlp', hidden: [4096] }, params: { batchSize: 1_000_000, epochs: 1 } });
    const { ends, messages } = await runInOrder({ isolation: 'thread' }, [huge, small(2), small(3)]);
    expect(ends[0].status).toBe('failed');
    expect(ends[0].reason).toMatch(/^(probably )?out of memory: .* — reduce the batch size or the model size$/);
    expect(ends.slice(1).map((e) => e.status)).toEqual(['completed', 'completed']);
    const finished = messages.filter((m) => m.type === 'finished');
    expect(finished.map((m) => m.recycle)).toEqual([true, false, false]);
  }, 120_000);
});
