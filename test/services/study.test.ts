// Studies end to end in worker threads: TPE proposing as workers free up, pruning, growth, resume.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, parseApiInput, type EpochlabEvent, type ExperimentSpecInput, type RunSummary } from '../../src-main/contract';
import { databasePath } from '../../src-main/services/data-dir';
import { moonsSpec, openServices, rawCall, tempDataDir } from './harness';

let data: ReturnType<typeof tempDataDir>;
beforeEach(() => {
  data = tempDataDir();
});
afterEach(() => data.cleanup());

const create = (services: Awaited<ReturnType<typeof openServices>>, spec: ExperimentSpecInput) =>
  services.api.createExperiment(parseApiInput('createExperiment', { spec }));

const tpeSpec = (trials: number, extra: Partial<ExperimentSpecInput> = {}) =>
  moonsSpec(
    { learningRate: { from: 1e-3, to: 0.3, scale: 'log' }, batchSize: [16, 64], epochs: 3 },
    { name: 'tpe', search: { method: 'tpe', trials, seed: 7, startupTrials: 2 }, ...extra },
  );

/** Runs of one experiment that are queued or running, after every event (what the pool holds for it). */
function watchPending(services: Awaited<ReturnType<typeof openServices>>): { max: () => number } {
  const status = new Map<number, string>();
  let max = 0;
  services.subscribe((e: EpochlabEvent) => {
    if (e.type !== 'run-status') return;
    status.set(e.runId, e.status);
    max = Math.max(max, [...status.values()].filter((s) => s === 'running').length);
  });
  return { max: () => max };
}

describe('services: TPE studies', () => {
  it('proposes trials as workers free up, never more than the concurrency at once, until the trial count', async () => {
    const services = await openServices(data.dir, { concurrency: 2 });
    const pending = watchPending(services);
    const experiment = await create(services, tpeSpec(6));
    // Only as many trials as workers exist at the start.
    expect((await services.api.getExperiment({ experimentId: experiment.id })).runs).toHaveLength(2);
    await services.runner.idle();
    const detail = await services.api.getExperiment({ experimentId: experiment.id });
    expect(detail.runs.map((r) => r.status)).toEqual(Array(6).fill('completed'));
    expect(detail.runs.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(detail.plannedTrials).toBe(6);
    expect(detail.status).toBe('finished');
    expect(pending.max()).toBeLessThanOrEqual(2);
    const configs = detail.runs.map((r) => JSON.stringify([r.params.learningRate, r.params.batchSize]));
    expect(new Set(configs).size).toBe(6);
    for (const r of detail.runs) {
      expect(r.params.learningRate).toBeGreaterThanOrEqual(1e-3);
      expect(r.params.learningRate).toBeLessThanOrEqual(0.3);
      expect([16, 64]).toContain(r.params.batchSize);
      expect(r.accounting.batchSize).toBe(r.params.batchSize);
    }
    const history = await services.api.getOptimizationHistory({ experimentId: experiment.id });
    expect(history.objective).toEqual({ monitor: 'val_loss', direction: 'minimize' });
    expect(history.points).toHaveLength(6);
    const best = Math.min(...detail.runs.map((r) => r.bestValLoss!));
    expect(history.points.at(-1)!.bestSoFar).toBeCloseTo(best, 12);
    await services.close();
  });

  it('a study stopped mid-way continues to its trial count when resumed; stored trials are not trained again', async () => {
    let services = await openServices(data.dir, { concurrency: 1 });
    const experiment = await create(services, tpeSpec(4));
    await new Promise<void>((resolve) => {
      let done = 0;
      const off = services.subscribe((e) => {
        if (e.type === 'run-status' && e.status === 'completed' && ++done === 2) {
          off();
          resolve();
        }
      });
    });
    await services.close(); // the trial then training ends cancelled
    services = await openServices(data.dir, { concurrency: 1 });
    const before = (await services.api.getExperiment({ experimentId: experiment.id })).runs;
    expect(before.length).toBeGreaterThanOrEqual(2);
    expect(before.length).toBeLessThan(4);
    const finishedBefore = before.filter((r) => r.status === 'completed');
    const { queued } = await services.api.resumeExperiment({ experimentId: experiment.id });
    expect(queued).toBeGreaterThanOrEqual(1);
    await services.runner.idle();
    const after = await services.api.getExperiment({ experimentId: experiment.id });
    expect(after.runs.map((r) => r.status)).toEqual(Array(4).fill('completed'));
    for (const r of finishedBefore) expect(after.runs.find((x) => x.id === r.id)!.endedAt).toBe(r.endedAt);
    await services.close();
  });

  it('grows: TPE gets more trials, a grid gets new values; stored runs are never trained again', async () => {
    const services = await openServices(data.dir, { concurrency: 2 });
    const tpe = await create(services, tpeSpec(2));
    await services.runner.idle();
    const first = (await services.api.getExperiment({ experimentId: tpe.id })).runs;
    expect(await services.api.extendExperiment({ experimentId: tpe.id, trials: 2 })).toEqual({ added: 2, plannedTrials: 4 });
    await services.runner.idle();
    const grownTpe = await services.api.getExperiment({ experimentId: tpe.id });
    expect(grownTpe.runs.map((r) => r.status)).toEqual(Array(4).fill('completed'));
    expect(grownTpe.spec.search).toMatchObject({ method: 'tpe', trials: 4 });
    for (const r of first) expect(grownTpe.runs.find((x) => x.id === r.id)!.endedAt).toBe(r.endedAt);

    const grid = await create(services, moonsSpec({ learningRate: [0.01, 0.05], batchSize: 32, epochs: 2 }));
    await services.runner.idle();
    const stored = (await services.api.getExperiment({ experimentId: grid.id })).runs;
    const result = await services.api.extendExperiment(parseApiInput('extendExperiment', { experimentId: grid.id, add: { learningRate: [0.05, 0.1], batchSize: 64 } }));
    expect(result).toEqual({ added: 4, plannedTrials: 6 });
    await services.runner.idle();
    const grown = await services.api.getExperiment({ experimentId: grid.id });
    expect(grown.runs.map((r) => [r.params.learningRate, r.params.batchSize])).toEqual([[0.01, 32], [0.05, 32], [0.01, 64], [0.05, 64], [0.1, 32], [0.1, 64]]);
    expect(grown.runs.map((r) => r.status)).toEqual(Array(6).fill('completed'));
    for (const r of stored) expect(grown.runs.find((x) => x.id === r.id)).toEqual(r);
    expect(grown.spec.params).toMatchObject({ learningRate: [0.01, 0.05, 0.1], batchSize: [32, 64] });

    // Refusals name the field of the request.
    const again = await rawCall(services, 'extendExperiment', { experimentId: grid.id, add: { learningRate: [0.1] } }).catch((e: unknown) => e);
    expect((again as ApiError).issues).toEqual([{ path: 'add', message: expect.stringMatching(/no new trial/) }]);
    const badValue = await rawCall(services, 'extendExperiment', { experimentId: grid.id, add: { batchSize: [2.5] } }).catch((e: unknown) => e);
    expect((badValue as ApiError).issues[0].path).toMatch(/^add\.batchSize/);
    const wrongKind = await rawCall(services, 'extendExperiment', { experimentId: grid.id, trials: 3 }).catch((e: unknown) => e);
    expect((wrongKind as ApiError).issues[0].path).toBe('trials');
    const unknown = await rawCall(services, 'extendExperiment', { experimentId: grid.id, add: { nonsense: [1] } }).catch((e: unknown) => e);
    expect((unknown as ApiError).code).toBe('invalid');
    const missing = await rawCall(services, 'extendExperiment', { experimentId: 999, trials: 1 }).catch((e: unknown) => e);
    expect((missing as ApiError).code).toBe('not-found');
    await services.close();
  });

  it('cancelling a study stops its proposals', async () => {
    const services = await openServices(data.dir, { concurrency: 1 });
    const experiment = await create(services, tpeSpec(10, {}));
    await new Promise<void>((resolve) => {
      const off = services.subscribe((e) => {
        if (e.type === 'run-epoch') {
          off();
          resolve();
        }
      });
    });
    await services.api.cancelExperiment({ experimentId: experiment.id });
    await services.runner.idle();
    const detail = await services.api.getExperiment({ experimentId: experiment.id });
    expect(detail.runs.length).toBeLessThanOrEqual(2);
    expect(detail.plannedTrials).toBe(10);
    // Short of its trial count, by a person's cancel: stopped (resumable), not finished.
    expect(detail.status).toBe('stopped');
    await services.close();
  });

  it('cancelling its runs one by one (as Ctrl-C does) stops the proposals too; resume continues to the count', async () => {
    let services = await openServices(data.dir, { concurrency: 2 });
    const experiment = await create(services, tpeSpec(5));
    await new Promise<void>((resolve) => {
      const off = services.subscribe((e) => {
        if (e.type === 'run-epoch') {
          off();
          resolve();
        }
      });
    });
    for (const runId of services.runner.activeRunIds()) services.runner.cancelRun(runId);
    await services.runner.idle();
    const stopped = await services.api.getExperiment({ experimentId: experiment.id });
    expect(stopped.runs.map((r) => r.status)).toEqual(['cancelled', 'cancelled']);
    expect(stopped.status).toBe('stopped');
    await services.close();

    services = await openServices(data.dir, { concurrency: 2 });
    expect((await services.api.getExperiment({ experimentId: experiment.id })).status).toBe('stopped');
    await services.api.resumeExperiment({ experimentId: experiment.id });
    await services.runner.idle();
    const after = await services.api.getExperiment({ experimentId: experiment.id });
    expect(after.runs.map((r) => r.status)).toEqual(Array(5).fill('completed'));
    expect(after.status).toBe('finished');
    await services.close();
  });
});

describe('services: pruning', () => {
  // Half the learning rates are hopeless (loss stays near ln 2); seeds repeat each one. Same seeds in both
  // studies, so every trial trains the same curve with or without pruning.
  const gridSpec = (pruning?: ExperimentSpecInput['pruning']) =>
    moonsSpec(
      { learningRate: [0.05, 1e-7, 0.03, 3e-7], seed: [1, 2, 3, 4, 5, 6], batchSize: 32, epochs: 10, optimizer: 'adam' },
      { name: pruning ? 'pruned grid' : 'full grid', ...(pruning ? { pruning } : {}) },
    );
  const epochsOf = (runs: RunSummary[]) => runs.reduce((n, r) => n + r.epochsDone, 0);

  it('the median rule (Optuna defaults) saves at least 40 % of the epochs and keeps the best trial', async () => {
    const services = await openServices(data.dir, { concurrency: 2 });
    const full = await create(services, gridSpec());
    await services.runner.idle();
    const pruned = await create(services, gridSpec({ method: 'median' }));
    await services.runner.idle();
    const fullRuns = (await services.api.getExperiment({ experimentId: full.id })).runs;
    const prunedRuns = (await services.api.getExperiment({ experimentId: pruned.id })).runs;
    expect(epochsOf(fullRuns)).toBe(24 * 10);
    const saved = 1 - epochsOf(prunedRuns) / epochsOf(fullRuns);
    expect(saved).toBeGreaterThanOrEqual(0.4);

    const best = fullRuns.reduce((a, b) => (b.bestValLoss! < a.bestValLoss! ? b : a));
    const twin = prunedRuns[best.index];
    expect(twin.status).toBe('completed');
    expect(twin.bestValLoss).toBeCloseTo(best.bestValLoss!, 10);

    const db = new Database(databasePath(data.dir), { readonly: true });
    try {
      for (const r of prunedRuns.filter((x) => x.status === 'pruned')) {
        expect(r.endReason).toMatch(new RegExp(`^pruned at epoch ${r.epochsDone} \\(median rule\\)`));
        // Exactly the epochs it kept: no rows of the epoch it was training when stopped.
        const maxEpoch = db.prepare('SELECT MAX(epoch) AS e FROM iteration_metrics WHERE run_id = ?').get(r.id) as { e: number };
        expect(maxEpoch.e).toBe(r.epochsDone);
        expect(r.stepsDone).toBe(r.epochsDone * r.accounting.iterationsPerEpoch);
      }
    } finally {
      db.close();
    }
    // The hopeless learning rates are pruned once five trials have completed (a good one may be, too: the
    // median rule stops whatever is worse than the median so far).
    expect(prunedRuns.filter((r) => r.status === 'pruned' && r.params.learningRate < 1e-3).length).toBeGreaterThanOrEqual(10);
    process.stdout.write(`median pruning saved ${(saved * 100).toFixed(1)} % of the epochs\n`);
    const status = await services.api.getExperiment({ experimentId: pruned.id });
    expect(status.status).toBe('finished');
    await services.close();
  }, 240_000);

  it('no run is pruned before its warm-up; ASHA prunes at its rungs only', async () => {
    const services = await openServices(data.dir, { concurrency: 2 });
    const warm = await create(services, gridSpec({ method: 'median', warmupEpochs: 3 }));
    await services.runner.idle();
    const warmRuns = (await services.api.getExperiment({ experimentId: warm.id })).runs;
    expect(warmRuns.some((r) => r.status === 'pruned')).toBe(true);
    for (const r of warmRuns.filter((x) => x.status === 'pruned')) expect(r.epochsDone).toBeGreaterThan(3);
    const experiment = await create(services, gridSpec({ method: 'asha', minEpochs: 2, reductionFactor: 2 }));
    await services.runner.idle();
    const runs = (await services.api.getExperiment({ experimentId: experiment.id })).runs;
    const prunedRuns = runs.filter((r) => r.status === 'pruned');
    expect(prunedRuns.length).toBeGreaterThan(0);
    for (const r of prunedRuns) expect([2, 4, 8]).toContain(r.epochsDone); // rungs 2 × 2^k before epoch 10
    expect(runs.filter((r) => r.status === 'completed').length).toBeGreaterThan(0);
    await services.close();
  }, 240_000);

  it('importance needs 8 completed trials, then ranks the learning rate (which decides whether the moons are learnt) first', async () => {
    const services = await openServices(data.dir, { concurrency: 2 });
    const small = await create(services, moonsSpec({ learningRate: [0.05, 1e-6], epochs: 2 }));
    await services.runner.idle();
    const none = await services.api.getParamImportance({ experimentId: small.id });
    expect(none.unavailable).toMatch(/at least 8 completed trials/);
    expect(none.importances).toEqual([]);
    const grid = await create(services, moonsSpec({ learningRate: [0.05, 0.01, 1e-6, 3e-6], optimizer: ['adam', 'rmsprop'], epochs: 3 }));
    await services.runner.idle();
    const result = await services.api.getParamImportance({ experimentId: grid.id });
    expect(result.unavailable).toBeNull();
    expect(result.trials).toBe(8);
    expect(result.importances[0].param).toBe('learningRate');
    expect(result.importances.reduce((s, i) => s + i.importance, 0)).toBeCloseTo(1, 10);
    await services.close();
  }, 240_000);
});
