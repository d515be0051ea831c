import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPTIMIZERS } from '../../../src-main/contract';
import { loadDataset, splitDataset } from '../../../src-main/engine/datasets/catalog';
import { expandTrials, parseSpec } from '../../../src-main/engine/search';
import { trainTrial } from '../../../src-main/engine/training/train';
import { resumeEpochsIn, weightsFiles } from '../../../src-main/engine/training/checkpoint-layout';
import { data, RecordingSink, trialConfig } from './helpers';

const dataDir = mkdtempSync(join(tmpdir(), 'epochlab-train-'));
beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const run = (
  config: ReturnType<typeof trialConfig>,
  sink: RecordingSink,
  opts: { nTrain?: number; nVal?: number; cancelAfter?: number; checkpoints?: boolean; relDir?: string; resume?: boolean } = {},
) =>
  trainTrial({
    config,
    data: data(opts.nTrain ?? 210, opts.nVal ?? 60),
    sink,
    isCancelled: () => opts.cancelAfter !== undefined && sink.rows.length >= opts.cancelAfter,
    flushIntervalMs: 0,
    checkpoints: opts.checkpoints ? { dataDir, relDir: opts.relDir ?? 'checkpoints/run-1' } : null,
    resume: opts.resume,
  });

describe('trainTrial', () => {
  it('records ceil(N/B) iterations per epoch with the real size of the last batch', async () => {
    const sink = new RecordingSink();
    const end = await run(trialConfig({ params: { batchSize: 50, epochs: 3, learningRate: 0.05 } }), sink);
    expect(end.status).toBe('completed');
    expect(sink.rows).toHaveLength(3 * 5);
    for (let epoch = 1; epoch <= 3; epoch++) {
      const rows = sink.rows.filter((r) => r.epoch === epoch);
      expect(rows.map((r) => r.batchSize)).toEqual([50, 50, 50, 50, 10]);
      expect(rows.map((r) => r.batch)).toEqual([0, 1, 2, 3, 4]);
    }
    expect(sink.rows.map((r) => r.step)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect(sink.epochs.map((e) => e.samplesSeen)).toEqual([210, 420, 630]);
    expect(sink.epochs.map((e) => e.step)).toEqual([5, 10, 15]);
  });

  it('weights the epoch train loss by samples, so the short last batch counts for what it is', async () => {
    const sink = new RecordingSink();
    await run(trialConfig({ params: { batchSize: 100, epochs: 2, learningRate: 0.05 } }), sink, { nTrain: 210 });
    for (const metric of sink.epochs) {
      const rows = sink.rows.filter((r) => r.epoch === metric.epoch);
      const weighted = rows.reduce((s, r) => s + r.loss! * r.batchSize, 0) / 210;
      const unweighted = rows.reduce((s, r) => s + r.loss!, 0) / rows.length;
      expect(metric.trainLoss).toBeCloseTo(weighted, 6);
      expect(Math.abs(weighted - unweighted)).toBeGreaterThan(1e-6);
      expect(metric.trainAccuracy).toBeCloseTo(rows.reduce((s, r) => s + r.accuracy! * r.batchSize, 0) / 210, 6);
    }
  });

  it('learns a separable problem and reports validation metrics', async () => {
    const sink = new RecordingSink();
    await run(trialConfig({ params: { batchSize: 16, epochs: 8, learningRate: 0.05 } }), sink);
    const last = sink.epochs.at(-1)!;
    expect(last.valAccuracy).toBeGreaterThan(0.9);
    expect(last.valLoss!).toBeLessThan(sink.epochs[0].valLoss!);
  });

  it('is reproducible for a seed and differs across seeds', async () => {
    const a = new RecordingSink();
    const b = new RecordingSink();
    const c = new RecordingSink();
    await run(trialConfig({ params: { batchSize: 32, epochs: 2, seed: 5 } }), a);
    await run(trialConfig({ params: { batchSize: 32, epochs: 2, seed: 5 } }), b);
    await run(trialConfig({ params: { batchSize: 32, epochs: 2, seed: 6 } }), c);
    expect(a.rows.map((r) => r.loss)).toEqual(b.rows.map((r) => r.loss));
    expect(a.rows.map((r) => r.loss)).not.toEqual(c.rows.map((r) => r.loss));
  });

  it('stays reproducible with dropout', async () => {
    const a = new RecordingSink();
    const b = new RecordingSink();
    const model = { template: 'mlp' as const, hidden: [16], dropout: 0.3 };
    await run(trialConfig({ model, params: { batchSize: 32, epochs: 2, seed: 9 } }), a);
    await run(trialConfig({ model, params: { batchSize: 32, epochs: 2, seed: 9 } }), b);
    expect(a.rows.map((r) => r.loss)).toEqual(b.rows.map((r) => r.loss));
  });

  it('drops the last partial batch when asked', async () => {
    const sink = new RecordingSink();
    await run(trialConfig({ params: { batchSize: 50, epochs: 1 }, training: { dropLastBatch: true } }), sink);
    expect(sink.rows.map((r) => r.batchSize)).toEqual([50, 50, 50, 50]);
    expect(sink.epochs[0].samplesSeen).toBe(200);
  });

  it('ends as diverged at the first non-finite loss, with nothing trained after it', async () => {
    const sink = new RecordingSink();
    // The explosion rule off, so that this checks the non-finite one alone.
    const end = await run(trialConfig({ params: { batchSize: 16, epochs: 50, learningRate: 1e6, optimizer: 'sgd' }, training: { divergence: { lossFactor: null } } }), sink);
    expect(end.status).toBe('diverged');
    if (end.status !== 'diverged') return;
    const last = sink.rows.at(-1)!;
    expect(last.loss).toBeNull();
    expect(end.divergedAtStep).toBe(last.step);
    expect(sink.rows.slice(0, -1).every((r) => r.loss !== null)).toBe(true);
    expect(end.reason).toMatch(/loss became (NaN|Infinity) at step/);
  });

  it('ends as diverged when the loss explodes but stays finite, at the step the rule fired, naming its numbers', async () => {
    const sink = new RecordingSink();
    const end = await run(trialConfig({ params: { batchSize: 16, epochs: 50, learningRate: 1e6, optimizer: 'adam' } }), sink);
    expect(end.status).toBe('diverged');
    if (end.status !== 'diverged') return;
    expect(sink.rows.every((r) => r.loss !== null)).toBe(true);
    expect(end.divergedAtStep).toBe(sink.rows.at(-1)!.step);
    expect(end.divergedAtStep).toBeLessThan(50 * 14);
    // Recompute the rule's view from the rows: the reference, and the smoothed loss above 100× it for the last 14 steps (one epoch < 20).
    const losses = sink.rows.map((r) => r.loss!);
    const reference = Math.max(losses[0], Math.log(2));
    let s = 0;
    const smoothed = losses.map((v, i) => (s = 0.9 * s + 0.1 * v) / (1 - 0.9 ** (i + 1)));
    expect(smoothed.slice(-14).every((v) => v > 100 * reference)).toBe(true);
    expect(smoothed.at(-15)! > 100 * reference).toBe(false);
    expect(end.reason).toMatch(/^loss exploded at step \d+ \(epoch \d+, batch \d+\) with learning rate 1000000: the smoothed loss \(EMA 0\.9\) stayed above 100 × the reference loss /);
    expect(end.reason).toContain('for 14 consecutive step(s)');
  });

  it('the lr × optimizer example at lr 0.1 (rmsprop spikes 30× in its first steps) never fires the rule', async () => {
    const spec = parseSpec(JSON.parse(readFileSync('examples/lr-optimizer-grid.json', 'utf8')));
    const full = await loadDataset(spec.dataset, { dataDir });
    const { train, val } = await splitDataset(full, spec.validation, { dataDir });
    const ends = [];
    // Its highest learning rate with each optimizer, for the first 4 of its 30 epochs: where the spikes are.
    for (const params of expandTrials(spec).filter((p) => p.learningRate === 0.1)) {
      const config = { params: { ...params, epochs: 4 }, model: spec.model, dataset: spec.dataset, validation: spec.validation, training: spec.training };
      ends.push(await trainTrial({
        config, data: { train, val, inputShape: train.info.inputShape, numClasses: train.info.numClasses },
        sink: new RecordingSink(), isCancelled: () => false, flushIntervalMs: 0, checkpoints: null,
      }));
    }
    expect(ends).toHaveLength(4);
    expect(ends.filter((e) => e.status !== 'completed' && e.status !== 'early-stopped')).toEqual([]);
  });

  it('stops early when the monitored value stops improving, and saves best and last checkpoints', async () => {
    const sink = new RecordingSink();
    const end = await run(
      trialConfig({ params: { batchSize: 16, epochs: 60, learningRate: 0.05 }, training: { earlyStopping: { monitor: 'val_loss', patience: 2, minDelta: 0.5 } } }),
      sink,
      { checkpoints: true },
    );
    expect(end.status).toBe('early-stopped');
    expect(sink.epochs.length).toBeLessThan(60);
    expect(end.bestEpoch).toBe(sink.epochs.length - 2);
    const kinds = sink.checkpoints.map((c) => c.kind);
    expect(kinds).toContain('best');
    expect(kinds.at(-1)).toBe('last');
    expect(sink.checkpoints.at(-1)!.epoch).toBe(end.bestEpoch); // restoreBest: the last checkpoint holds the best weights
    expect(existsSync(weightsFiles(join(dataDir, 'checkpoints/run-1'), 'best').bin)).toBe(true);
  });

  it('stops when cancelled between batches', async () => {
    const sink = new RecordingSink();
    const end = await run(trialConfig({ params: { batchSize: 10, epochs: 20 } }), sink, { cancelAfter: 7 });
    expect(end.status).toBe('cancelled');
    expect(sink.rows).toHaveLength(7);
  });

  it.each(['adam', 'momentum', 'rmsprop'] as const)('a run cancelled mid-epoch resumes from its last finished epoch exactly as if never stopped (%s)', async (optimizer) => {
    const config = trialConfig({ params: { batchSize: 50, epochs: 6, optimizer, learningRate: 0.02 }, training: { earlyStopping: { patience: 50 } } });
    const whole = new RecordingSink();
    await run(config, whole, { checkpoints: true, relDir: `checkpoints/whole-${optimizer}` });
    const first = new RecordingSink();
    const relDir = `checkpoints/resumed-${optimizer}`;
    const cancelled = await run(config, first, { checkpoints: true, relDir, cancelAfter: 17 }); // in epoch 4 (5 steps an epoch)
    expect(cancelled.status).toBe('cancelled');
    // The two newest resume points are kept: the last finished epoch (3) and the one before.
    expect(resumeEpochsIn(join(dataDir, relDir))).toEqual([3, 2]);
    const second = new RecordingSink();
    const end = await run(config, second, { checkpoints: true, relDir, resume: true });
    expect(end.status).toBe('completed');
    expect(second.rows[0]).toMatchObject({ step: 16, epoch: 4, batch: 0 });
    expect(second.epochs.map((e) => e.epoch)).toEqual([4, 5, 6]);
    expect(second.epochs.map((e) => e.samplesSeen)).toEqual([840, 1050, 1260]);
    const tail = whole.rows.filter((r) => r.epoch >= 4);
    expect(second.rows.map((r) => r.loss)).toEqual(tail.map((r) => r.loss));
    expect(second.epochs.map((e) => e.valLoss)).toEqual(whole.epochs.slice(3).map((e) => e.valLoss));
    expect(resumeEpochsIn(join(dataDir, relDir))).toEqual([]); // used up once the run ends
  });

  it('refuses to resume without a resume point', async () => {
    const end = await run(trialConfig({ params: { epochs: 2 } }), new RecordingSink(), { checkpoints: true, relDir: 'checkpoints/none', resume: true });
    expect(end).toMatchObject({ status: 'failed' });
    expect(end.reason).toMatch(/cannot continue from the resume point: this run has no resume point; resume the experiment again to train this run from scratch/);
  });

  it('leaks no tensors across epochs and trials', async () => {
    const before = tf.memory().numTensors;
    const sink = new RecordingSink();
    await run(trialConfig({ params: { batchSize: 32, epochs: 3, weightDecay: 0.01, optimizer: 'adam' } }), sink);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaks no tensors with checkpoints and resume points on, for any optimizer', async () => {
    for (const optimizer of OPTIMIZERS) {
      const before = tf.memory().numTensors;
      await run(trialConfig({ params: { batchSize: 64, epochs: 3, optimizer } }), new RecordingSink(), { checkpoints: true, relDir: `checkpoints/leak-${optimizer}` });
      expect(tf.memory().numTensors, optimizer).toBe(before);
    }
  });

  it('trains with every optimizer and schedule', async () => {
    for (const optimizer of ['sgd', 'momentum', 'rmsprop', 'adam', 'adagrad', 'adadelta', 'adamax'] as const) {
      const sink = new RecordingSink();
      const end = await run(trialConfig({ params: { batchSize: 64, epochs: 1, optimizer, learningRate: 0.01 } }), sink);
      expect(end.status, optimizer).toBe('completed');
    }
    for (const schedule of ['step', 'exponential', 'cosine', 'warmup'] as const) {
      const sink = new RecordingSink();
      await run(trialConfig({ params: { batchSize: 64, epochs: 2, schedule, learningRate: 0.1 }, training: { scheduleOptions: { stepEpochs: 1 } } }), sink);
      expect(new Set(sink.rows.map((r) => r.learningRate)).size, schedule).toBeGreaterThan(1);
    }
  });
});
