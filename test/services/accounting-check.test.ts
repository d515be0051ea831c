// The runner checks the worker's real training rows against the accounting stored when the experiment was
// created: a dataset file changed in between fails the run with the reason, instead of storing wrong counts.
import { describe, expect, it } from 'vitest';
import type { EpochlabEvent, FromWorker, TrainJob, TrialEnd } from '../../src-main/contract';
import type { TrainingPool } from '../../src-main/engine/pool/pool';
import { EventHub } from '../../src-main/services/events';
import { accountingMismatch, ExperimentRunner } from '../../src-main/services/runner';
import { openStore } from '../../src-main/store';
import { makeRuns, makeSpec } from '../store/helpers';

/** A pool whose worker reports `nTrain` rows, one iteration batch, then ends as told (cancelled once cancelled). */
function fakePool(nTrain: number): { pool: TrainingPool; cancelled: number[] } {
  const cancelled: number[] = [];
  const pool = {
    submit(job: TrainJob, onMessage: (m: FromWorker) => void): Promise<TrialEnd> {
      const backend = { name: 'cpu' as const, version: 'test', device: 'cpu' };
      onMessage({ type: 'started', runId: job.runId, backend, datasetFingerprint: 'f'.repeat(64), nTrain, nVal: 0 });
      onMessage({ type: 'iterations', runId: job.runId, rows: [{ step: 1, epoch: 1, batch: 0, batchSize: 32, loss: 1, accuracy: 0.5, learningRate: 0.01, elapsedMs: 1 }] });
      const end: TrialEnd = cancelled.includes(job.runId)
        ? { status: 'cancelled', reason: 'cancelled by the user', bestEpoch: null }
        : { status: 'completed', reason: null, bestEpoch: null };
      return Promise.resolve(end);
    },
    cancel(runId: number): boolean {
      cancelled.push(runId);
      return true;
    },
  };
  return { pool: pool as unknown as TrainingPool, cancelled };
}

function runWith(nTrain: number) {
  const store = openStore(':memory:');
  const spec = makeSpec();
  const runs = makeRuns(spec, [32]); // planned: 840 training rows
  const { experimentId, runIds } = store.createExperiment(spec, runs);
  const { pool, cancelled } = fakePool(nTrain);
  const events: EpochlabEvent[] = [];
  const hub = new EventHub();
  hub.subscribe((e) => events.push(e));
  const runner = new ExperimentRunner(store, pool, hub, { dataDir: '/unused', backend: 'cpu', flushIntervalMs: 50, report: () => undefined });
  runner.start(experimentId, [{ id: runIds[0], config: runs[0].config, accounting: runs[0].accounting, resume: false }]);
  return { store, runId: runIds[0], runner, cancelled, events };
}

describe('the worker’s training rows checked against the stored accounting', () => {
  it('a run whose data still gives the planned rows trains and stores its rows', async () => {
    const { store, runId, runner, cancelled } = runWith(840);
    await runner.idle();
    expect(cancelled).toEqual([]);
    expect(store.getRun(runId)?.summary.status).toBe('completed');
    expect(store.getIterations(runId)).toHaveLength(1);
  });

  it('a dataset that changed since the experiment was created fails the run with the reason, and stores nothing it trained', async () => {
    const { store, runId, runner, cancelled, events } = runWith(700);
    await runner.idle();
    expect(cancelled).toEqual([runId]);
    const run = store.getRun(runId)!.summary;
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/the dataset changed since this experiment was created: it now gives 700 training rows, the experiment planned 840/);
    expect(run.accounting.nTrain).toBe(840);
    expect(store.getIterations(runId)).toEqual([]);
    expect(run.backend).toBeNull();
    expect(events.filter((e) => e.type === 'run-status').map((e) => e.type === 'run-status' && e.status)).toEqual(['failed']);
  });

  it('words the mismatch only when the counts differ', () => {
    const planned = makeRuns(makeSpec(), [32])[0].accounting;
    expect(accountingMismatch(planned, 840)).toBeNull();
    expect(accountingMismatch(planned, 841)).toMatch(/now gives 841 training rows/);
  });
});
