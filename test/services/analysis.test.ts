// The analysis section end to end: measured in worker threads, stored, read back through the API.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, parseApiInput, splitSizes } from '../../src-main/contract';
import { moonsSpec, openServices, rawCall, tempDataDir } from './harness';

let data: ReturnType<typeof tempDataDir>;
beforeEach(() => {
  data = tempDataDir();
});
afterEach(() => data.cleanup());

const nTrain = splitSizes([205, 205], 0.2).nTrain;

describe('services: analysis', () => {
  it('stores the noise scale per epoch and sharpness at the end of each run, and summarises them across runs', async () => {
    const services = await openServices(data.dir);
    try {
      const spec = moonsSpec(
        { batchSize: [16, 64], epochs: 3, learningRate: 0.02, seed: [1, 2] },
        { analysis: { noiseScale: { everySteps: 2 }, sharpness: { subset: 200, iterations: 6, ascentSteps: 2 } } },
      );
      const experiment = await services.api.createExperiment(parseApiInput('createExperiment', { spec }));
      await services.runner.idle();
      const { runs } = await services.api.getExperiment({ experimentId: experiment.id });
      expect(runs.map((r) => r.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
      for (const run of runs) {
        const a = await services.api.getRunAnalysis({ runId: run.id });
        expect(a.runType).toBe('train');
        expect(a.settings.noiseScale).toEqual({ everySteps: 2, ema: 0.95 });
        expect(a.noiseScale.map((r) => r.epoch)).toEqual([1, 2, 3]);
        expect(a.noiseScale.every((r) => r.measurements > 0)).toBe(true);
        const overheads = a.noiseScale.flatMap((r) => (r.overhead === null ? [] : [r.overhead])).sort((x, y) => x - y);
        if (overheads.length) expect(a.noiseScaleOverhead).toBeGreaterThanOrEqual(overheads[0]);
        if (overheads.length) expect(a.noiseScaleOverhead).toBeLessThanOrEqual(overheads.at(-1)!);
        else expect(a.noiseScaleOverhead).toBeNull();
        expect(a.sharpness.map((s) => s.checkpoint)).toEqual(['best', 'last']);
        expect(a.sharpness[1].epoch).toBe(3);
        expect(a.sharpness[1].subset).toBe(200);
        expect(a.lrRange).toBeNull();
      }
      const all = await services.api.getExperimentAnalysis(parseApiInput('getExperimentAnalysis', { experimentId: experiment.id }));
      expect(all.runIds).toEqual(runs.map((r) => r.id));
      expect(all.criticalBatch!.runs).toHaveLength(4);
      expect(all.criticalBatch!.batchSizes.map((b) => b.batchSize)).toEqual([16, 64]);
      expect(all.sharpness).toHaveLength(8);
      expect(all.seedStatistics!.groups).toHaveLength(2);
      expect(all.seedStatistics!.loss!.winner.values).toHaveLength(2);
      expect(all.learningRateHint!.rule).toBe('sqrt');
      // A subset of the runs.
      const two = await services.api.getExperimentAnalysis(parseApiInput('getExperimentAnalysis', { experimentId: experiment.id, runIds: [runs[0].id, runs[2].id] }));
      expect(two.runIds).toEqual([runs[0].id, runs[2].id]);
      expect(two.sharpness.map((s) => s.runId)).toEqual([runs[0].id, runs[0].id, runs[2].id, runs[2].id]);
    } finally {
      await services.close();
    }
  });

  it('an LR range test experiment: one ramp per batch size, stored with its suggestions', async () => {
    const services = await openServices(data.dir);
    try {
      const spec = moonsSpec({ batchSize: [16, 64], optimizer: 'sgd' }, { analysis: { runType: 'lr-range-test', lrRange: { from: 1e-4, to: 10, iterations: 40 } } });
      const preview = await services.api.previewExperiment(parseApiInput('previewExperiment', { spec }));
      // The accounting spans the epochs the 40 iterations need: 21 steps an epoch at B = 16, 6 at B = 64.
      expect(preview.trials.map((t) => t.accounting.epochs)).toEqual([Math.ceil(40 / Math.ceil(nTrain / 16)), Math.ceil(40 / Math.ceil(nTrain / 64))]);
      const experiment = await services.api.createExperiment(parseApiInput('createExperiment', { spec }));
      await services.runner.idle();
      const { runs } = await services.api.getExperiment({ experimentId: experiment.id });
      expect(runs.map((r) => r.status)).toEqual(['completed', 'completed']);
      for (const run of runs) {
        const a = await services.api.getRunAnalysis({ runId: run.id });
        expect(a.runType).toBe('lr-range-test');
        expect(a.lrRange!.points.length).toBe(run.stepsDone);
        expect(a.lrRange!.points[0].learningRate).toBeCloseTo(1e-4, 12);
        expect(run.epochsDone).toBe(0);
      }
      const all = await services.api.getExperimentAnalysis(parseApiInput('getExperimentAnalysis', { experimentId: experiment.id }));
      expect(all.lrRanges.map((r) => r.batchSize)).toEqual([16, 64]);
      expect(all.learningRateHint!.rule).toBe('linear');
    } finally {
      await services.close();
    }
  });

  it('refuses bad input with a message at the field, and unknown runs and experiments', async () => {
    const services = await openServices(data.dir);
    try {
      const bad = async (spec: object, path: string, message: RegExp) => {
        const error = await services.api.previewExperiment(parseApiInput('previewExperiment', { spec })).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ApiError);
        const issue = (error as ApiError).issues.find((i) => i.path === path);
        expect(issue?.message, JSON.stringify((error as ApiError).issues)).toMatch(message);
      };
      await bad(moonsSpec({ batchSize: [1, 8] }, { analysis: { noiseScale: {} } }), 'spec.params.batchSize', /at least 2/);
      await bad(moonsSpec({ learningRate: [0.1, 0.01] }, { analysis: { runType: 'lr-range-test' } }), 'spec.params.learningRate', /sweeps the learning rate itself/);
      await bad(moonsSpec({}, { analysis: { runType: 'lr-range-test', lrRange: { from: 1, to: 0.1 } } }), 'spec.analysis.lrRange.to', /must go up/);
      await bad(moonsSpec({}, { analysis: { runType: 'lr-range-test', sharpness: {} } }), 'spec.analysis.sharpness', /does not train to an end/);
      await bad(moonsSpec({}, { analysis: { lrRange: {} } }), 'spec.analysis.lrRange', /only apply when runType/);
      await bad(
        moonsSpec({ batchSize: [8, 16] }, { search: { method: 'tpe', trials: 2 }, analysis: { runType: 'lr-range-test' } }), 'spec.search.method', /no objective for TPE/,
      );
      await bad(moonsSpec({}, { pruning: { method: 'median' }, analysis: { runType: 'lr-range-test' } }), 'spec.pruning.method', /set pruning to none/);
      const schema = (raw: unknown) => {
        try {
          parseApiInput('previewExperiment', { spec: raw });
          return null;
        } catch (e) {
          return (e as ApiError).issues;
        }
      };
      expect(schema(moonsSpec({}, { analysis: { runType: 'bogus' } } as never))![0]).toMatchObject({ path: 'spec.analysis.runType', message: expect.stringMatching(/must be one of: train, lr-range-test/) });
      expect(schema(moonsSpec({}, { analysis: { sharpness: { epsilon: 0 } } }))![0]).toMatchObject({ path: 'spec.analysis.sharpness.epsilon', message: expect.stringMatching(/greater than 0/) });
      expect(schema(moonsSpec({}, { analysis: { noiseScale: { everySteps: 2.5 } } }))![0].message).toMatch(/whole number/);
      expect(schema(moonsSpec({}, { analysis: { extra: 1 } } as never))![0].message).toMatch(/unknown key/);
      await expect(services.api.getRunAnalysis({ runId: 999 })).rejects.toMatchObject({ code: 'not-found' });
      await expect(services.api.getExperimentAnalysis(parseApiInput('getExperimentAnalysis', { experimentId: 999 }))).rejects.toMatchObject({ code: 'not-found' });
      await expect(rawCall(services, 'getExperimentAnalysis', { experimentId: 1, groupBy: 'colour' })).rejects.toMatchObject({ code: 'invalid' });
    } finally {
      await services.close();
    }
  });
});
