// Real training in worker threads, checked through the store: the heart of the main job.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, iterationAccounting, parseApiInput, splitSizes, type EpochlabEvent } from '../../src-main/contract';
import { databasePath } from '../../src-main/services/data-dir';
import { cancelledAfterEpoch, moonsSpec, openServices, rawCall, tempDataDir } from './harness';

let data: ReturnType<typeof tempDataDir>;
beforeEach(() => {
  data = tempDataDir();
});
afterEach(() => data.cleanup());

const nTrain = splitSizes([205, 205], 0.2).nTrain; // moons, 410 points, balanced classes

describe('services: training grids in worker threads', () => {
  it('stores ceil(N/B) iteration rows per epoch, the real last batch size, and sample-weighted epoch loss', async () => {
    const services = await openServices(data.dir);
    const events: EpochlabEvent[] = [];
    services.subscribe((e) => events.push(e));
    const experiment = await services.api.createExperiment(parseApiInput('createExperiment', { spec: moonsSpec({ batchSize: [32, 100, 1000], epochs: 3, learningRate: 0.01 }) }));
    await services.runner.idle();
    const detail = await services.api.getExperiment({ experimentId: experiment.id });
    expect(detail.runs.map((r) => r.status)).toEqual(['completed', 'completed', 'completed']);
    const db = new Database(databasePath(data.dir), { readonly: true });
    try {
      for (const run of detail.runs) {
        const acc = iterationAccounting(nTrain, run.params.batchSize, 3);
        expect(run.accounting).toEqual(acc);
        const perEpoch = db.prepare('SELECT epoch, COUNT(*) AS n, SUM(batch_size) AS samples FROM iteration_metrics WHERE run_id = ? GROUP BY epoch ORDER BY epoch').all(run.id) as Array<{ epoch: number; n: number; samples: number }>;
        expect(perEpoch).toEqual([1, 2, 3].map((epoch) => ({ epoch, n: acc.iterationsPerEpoch, samples: nTrain })));
        const last = db.prepare('SELECT batch_size FROM iteration_metrics WHERE run_id = ? AND epoch = 1 ORDER BY step DESC LIMIT 1').get(run.id) as { batch_size: number };
        expect(last.batch_size).toBe(acc.lastBatchSize);
        const weighted = db.prepare('SELECT SUM(loss * batch_size) / SUM(batch_size) AS w FROM iteration_metrics WHERE run_id = ? AND epoch = 2').get(run.id) as { w: number };
        const epochs = await services.api.getEpochMetrics({ runIds: [run.id] });
        expect(epochs[run.id][1].trainLoss).toBeCloseTo(weighted.w, 5);
        expect(run.stepsDone).toBe(acc.totalIterations);
        expect(run.backend?.name).toBe('cpu');
        expect(run.datasetFingerprint).toMatch(/^[0-9a-f]{16,}$/);
      }
      // batch 1000 > N: full batch, one iteration per epoch
      expect(detail.runs[2].accounting).toMatchObject({ effectiveBatchSize: nTrain, iterationsPerEpoch: 1 });
    } finally {
      db.close();
    }
    expect(events.some((e) => e.type === 'run-progress')).toBe(true);
    expect(events.filter((e) => e.type === 'run-epoch')).toHaveLength(9);
    const plannedIterations = detail.runs.reduce((n, r) => n + r.accounting.totalIterations, 0);
    expect(events.at(-1)).toEqual({
      type: 'experiment-status', experimentId: experiment.id, status: 'finished',
      progress: { trials: 3, endedTrials: 3, unfinishedTrials: 0, plannedIterations, doneIterations: plannedIterations, skippedIterations: 0, fraction: 1, etaSeconds: null },
    });
    // Live progress carries the whole experiment's totals against the planned total.
    const live = events.filter((e) => e.type === 'run-progress').map((e) => e.experimentProgress);
    expect(live.every((p) => p.plannedIterations === plannedIterations && p.doneIterations <= plannedIterations)).toBe(true);
    expect(live.at(-1)!.doneIterations).toBeGreaterThan(0);
    await services.close();
  });

  it('a divergent learning rate next to sane ones gives one diverged run and completed others', async () => {
    const services = await openServices(data.dir);
    const experiment = await services.api.createExperiment(parseApiInput('createExperiment', { spec: moonsSpec({ learningRate: [0.01, 1e6, 0.05], optimizer: 'sgd', batchSize: 16, epochs: 4 }), }));
    await services.runner.idle();
    const { runs } = await services.api.getExperiment({ experimentId: experiment.id });
    expect(runs.map((r) => r.status)).toEqual(['completed', 'diverged', 'completed']);
    const diverged = runs[1];
    expect(diverged.divergedAtStep).toBeGreaterThan(0);
    expect(diverged.stepsDone).toBe(diverged.divergedAtStep);
    // Divergence is an outcome, not a failure: whichever rule fires first (stable cross-entropy usually keeps the
    // loss finite) is the end reason, and there is no error.
    expect(diverged.endReason).toMatch(/^(loss became (NaN|-?Infinity)|loss exploded) at step \d+ /);
    expect(diverged.error).toBeNull();
    const series = await services.api.getIterationSeries({ runIds: [diverged.id], series: 'loss', maxPoints: 2000 });
    expect(series[diverged.id].at(-1)!.step).toBe(diverged.divergedAtStep);
    const { bestRunId } = await services.api.getExperiment({ experimentId: experiment.id });
    expect([runs[0].id, runs[2].id]).toContain(bestRunId);
    await services.close();
  });

  it('lr 1e6 on mnist-10k and moons explodes with finite losses: diverged with the rule and its numbers, never best (F1)', async () => {
    const services = await openServices(data.dir);
    const mnist = await services.api.createExperiment(parseApiInput('createExperiment', {
      spec: {
        name: 'exploding mnist', dataset: { id: 'mnist-10k', limit: 1000 }, validation: { split: 0.2, seed: 0 },
        model: { template: 'mlp', hidden: [32] }, params: { learningRate: [0.002, 1e6], optimizer: 'adam', batchSize: 32, epochs: 3 },
      },
    }));
    const moons = await services.api.createExperiment(parseApiInput('createExperiment', { spec: moonsSpec({ learningRate: [1e6, 0.01], optimizer: 'adam', batchSize: 8, epochs: 3 }) }));
    await services.runner.idle();
    for (const [experimentId, divergedIndex] of [[mnist.id, 1], [moons.id, 0]]) {
      const detail = await services.api.getExperiment({ experimentId });
      const statuses = detail.runs.map((r) => r.status);
      expect(statuses[divergedIndex]).toBe('diverged');
      expect(statuses[1 - divergedIndex]).toBe('completed');
      const run = detail.runs[divergedIndex];
      expect(run.endReason).toMatch(/^loss exploded at step \d+ .*stayed above 100 × the reference loss [\d.]+ for 20 consecutive step\(s\)/);
      expect(run.error).toBeNull();
      expect(run.stepsDone).toBe(run.divergedAtStep);
      const losses = (await services.api.getIterationSeries({ runIds: [run.id], series: 'loss', maxPoints: 100_000 }))[run.id];
      expect(losses.every((p) => p.value !== null)).toBe(true);
      expect(Math.max(...losses.map((p) => p.value!))).toBeGreaterThan(1e6);
      expect(detail.bestRunId).toBe(detail.runs[1 - divergedIndex].id);
    }
    await services.close();
  });

  it('early stopping ends a run before its last epoch and records the best epoch', async () => {
    const services = await openServices(data.dir);
    const experiment = await services.api.createExperiment(parseApiInput('createExperiment', { spec: moonsSpec({ learningRate: 0.05, batchSize: 16, epochs: 80 }, { training: { earlyStopping: { monitor: 'val_loss', patience: 2, minDelta: 0.05 } } }), }));
    await services.runner.idle();
    const [run] = (await services.api.getExperiment({ experimentId: experiment.id })).runs;
    expect(run.status).toBe('early-stopped');
    expect(run.epochsDone).toBeLessThan(80);
    expect(run.bestEpoch).toBe(run.epochsDone - 2);
    expect(run.error).toBeNull();
    expect(run.stopEpoch).toBe(run.epochsDone);
    expect(run.endReason).toBe(
      `early stopping: val_loss did not improve by more than 0.05 for 2 epochs; best epoch ${run.bestEpoch}, stopped after epoch ${run.epochsDone}`,
    );
    const detail = await services.api.getRun({ runId: run.id });
    expect(detail.checkpoints.map((c) => c.kind).sort()).toEqual(['best', 'last']);
    await services.close();
  });

  it('cancels a running experiment: runs end cancelled, queued ones never start', async () => {
    const services = await openServices(data.dir, { concurrency: 1 });
    const experiment = await services.api.createExperiment(parseApiInput('createExperiment', { spec: moonsSpec({ batchSize: 1, epochs: 200, seed: [1, 2, 3] }) }));
    await new Promise<void>((resolve) => {
      const off = services.subscribe((e) => {
        if (e.type === 'run-progress' && e.step > 20) {
          off();
          resolve();
        }
      });
    });
    const { cancelled } = await services.api.cancelExperiment({ experimentId: experiment.id });
    expect(cancelled).toBe(3);
    await services.runner.idle();
    const { runs, status, progress } = await services.api.getExperiment({ experimentId: experiment.id });
    expect(runs.map((r) => r.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(runs[0].stepsDone).toBeGreaterThan(20);
    expect(runs[1].stepsDone).toBe(0);
    expect(runs.map((r) => r.endReason)).toEqual(['cancelled by the user', 'cancelled before it started', 'cancelled before it started']);
    expect(runs.map((r) => r.error)).toEqual([null, null, null]);
    // Stopped, not finished: the trials that never started count, against the planned total.
    expect(status).toBe('stopped');
    const planned = runs.reduce((n, r) => n + r.accounting.totalIterations, 0);
    expect(progress).toMatchObject({ trials: 3, endedTrials: 0, unfinishedTrials: 3, plannedIterations: planned, doneIterations: runs[0].stepsDone, skippedIterations: 0 });
    expect(progress.fraction).toBeCloseTo(runs[0].stepsDone / planned, 12);
    expect((await services.api.listExperiments({})).find((e) => e.id === experiment.id)?.status).toBe('stopped');
    await services.close();
  });

  it('trains a CNN on mnist-10k on the default embedded backend (wasm) in a worker', async () => {
    const services = await openServices(data.dir, { backend: 'auto' });
    const experiment = await services.api.createExperiment(parseApiInput('createExperiment', {
      spec: {
        name: 'cnn', dataset: { id: 'mnist-10k', limit: 600 }, validation: { split: 0.25, seed: 0 },
        model: { template: 'cnn', convBlocks: 2, dense: [32], batchNorm: true },
        params: { kernelSize: [3, 5], pooling: ['max', 'avg'], batchSize: 50, epochs: 2, learningRate: 0.003 },
      },
    }));
    await services.runner.idle();
    const { runs } = await services.api.getExperiment({ experimentId: experiment.id });
    expect(runs.map((r) => r.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
    for (const run of runs) {
      expect(run.backend?.name).toBe('wasm');
      const n = run.accounting.nTrain; // 600 rows less a stratified quarter
      expect(n).toBeGreaterThan(440);
      expect(run.accounting).toMatchObject({ iterationsPerEpoch: Math.ceil(n / 50), lastBatchSize: n % 50 || 50 });
      expect(run.bestValLoss).not.toBeNull();
    }
    await services.close();
  }, 240_000); // four CNN trials: a liveness bound for a loaded 2-core machine, not a speed check (npm run bench times training)

  it('resumes a cancelled run from its last finished epoch: earlier epochs kept, nothing duplicated', async () => {
    const services = await openServices(data.dir, { concurrency: 1 });
    // Enough epochs that the run cannot finish before the cancel lands, even on a loaded machine.
    const experiment = { id: await cancelledAfterEpoch(services, moonsSpec({ batchSize: 8, epochs: 40 }), 3) };
    const [cancelled] = (await services.api.getExperiment({ experimentId: experiment.id })).runs;
    expect(cancelled.status).toBe('cancelled');
    const kept = (await services.api.getEpochMetrics({ runIds: [cancelled.id] }))[cancelled.id];
    expect(kept.length).toBeGreaterThanOrEqual(3);

    expect(await services.api.resumeExperiment({ experimentId: experiment.id })).toEqual({ queued: 1, notes: [] });
    await services.runner.idle();
    const [run] = (await services.api.getExperiment({ experimentId: experiment.id })).runs;
    expect(run.status).toBe('completed');
    const epochs = (await services.api.getEpochMetrics({ runIds: [run.id] }))[run.id];
    expect(epochs.map((e) => e.epoch)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    // The epochs trained before the cancel are the very rows stored then (not trained again).
    const resumedFrom = epochs.findIndex((e, i) => kept[i] === undefined || e.elapsedMs !== kept[i].elapsedMs);
    expect(resumedFrom).toBeGreaterThanOrEqual(2);
    const steps = (await services.api.getIterationSeries({ runIds: [run.id], series: 'loss', maxPoints: 100_000 }))[run.id].map((p) => p.step);
    expect(steps).toEqual(Array.from({ length: 40 * run.accounting.iterationsPerEpoch }, (_, i) => i + 1));
    expect(run.stepsDone).toBe(run.accounting.totalIterations);
    await services.close();
  });

  it('refuses bad specs with one message per field before anything runs', async () => {
    const services = await openServices(data.dir);
    const bad = moonsSpec({ learningRate: -1, batchSize: 0, epochs: 0 });
    const error = await rawCall(services, 'createExperiment', { spec: bad }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).issues.map((i) => i.path.split('.').slice(1, 3).join('.'))).toEqual(
      expect.arrayContaining(['params.learningRate', 'params.batchSize', 'params.epochs']),
    );
    const cnnError = await rawCall(services, 'createExperiment', { spec: { ...moonsSpec({}), model: { template: 'cnn' } } }).catch((e: unknown) => e);
    expect((cnnError as ApiError).issues[0]).toMatchObject({ path: 'spec.model.template' });
    const unknownDataset = await rawCall(services, 'previewExperiment', { spec: { ...moonsSpec({}), dataset: { id: 'nope' } } }).catch((e: unknown) => e);
    expect((unknownDataset as ApiError).issues[0].path).toBe('spec.dataset.id');
    expect(await services.api.listExperiments({})).toEqual([]);
    await services.close();
  });
});
