import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LrRangeResult, NoiseScaleEpoch, RunInsight } from '../../../src-main/contract';
import { buildModel } from '../../../src-main/engine/training/model';
import { trainTrial } from '../../../src-main/engine/training/train';
import { data, RecordingSink, trialConfig } from './helpers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

class InsightSink extends RecordingSink {
  insights: RunInsight[] = [];
  insight(insight: RunInsight): void {
    this.insights.push(insight);
  }
  get noise(): NoiseScaleEpoch[] {
    return this.insights.flatMap((i) => (i.kind === 'noise-scale' ? [i.row] : []));
  }
  get lrRange(): LrRangeResult | null {
    const found = this.insights.find((i) => i.kind === 'lr-range');
    return found && found.kind === 'lr-range' ? found.result : null;
  }
}

const train = (config: ReturnType<typeof trialConfig>, sink: InsightSink, nTrain = 210, cancelAfter?: number) =>
  trainTrial({
    config, data: data(nTrain, 60), sink, flushIntervalMs: 0, checkpoints: null,
    isCancelled: () => cancelAfter !== undefined && sink.rows.length >= cancelAfter,
  });

describe('gradient noise scale in the training loop', () => {
  it('emits one row per epoch with the running B_simple, measurements and overhead', async () => {
    const sink = new InsightSink();
    await train(trialConfig({ params: { batchSize: 30, epochs: 3, learningRate: 0.05 }, analysis: { noiseScale: { everySteps: 2 } } }), sink, 600);
    expect(sink.noise.map((r) => r.epoch)).toEqual([1, 2, 3]);
    expect(sink.noise.map((r) => r.step)).toEqual([20, 40, 60]);
    // Twenty steps an epoch, every second one split.
    expect(sink.noise.map((r) => r.measurements)).toEqual([10, 20, 30]);
    for (const r of sink.noise) {
      expect(r.bSimple).toBeGreaterThan(0);
      expect(r.bSimple).toBeCloseTo(r.trace! / r.gradSq!, 10);
      expect(typeof r.overhead).toBe('number');
    }
    // Seven steps an epoch: at least four measurements an epoch means every step, and no plain step to compare.
    const short = new InsightSink();
    await train(trialConfig({ params: { batchSize: 30, epochs: 1 }, analysis: { noiseScale: { everySteps: 2 } } }), short, 210);
    expect(short.noise[0].measurements).toBe(7);
    expect(short.noise[0].overhead).toBeNull();
  });

  it('splitting the step changes nothing the run learns (the same update, to float rounding)', async () => {
    const plain = new InsightSink();
    const split = new InsightSink();
    const params = { batchSize: 32, epochs: 3, learningRate: 0.05, seed: 3 };
    await train(trialConfig({ params }), plain);
    await train(trialConfig({ params, analysis: { noiseScale: { everySteps: 1 } } }), split);
    expect(split.noise.length).toBe(3);
    plain.epochs.forEach((e, i) => {
      expect(split.epochs[i].trainLoss!).toBeCloseTo(e.trainLoss!, 4);
      expect(split.epochs[i].valLoss!).toBeCloseTo(e.valLoss!, 4);
    });
  });

  it('is off by default, and impossible at batch size 1', async () => {
    const off = new InsightSink();
    await train(trialConfig({ params: { batchSize: 32, epochs: 1 } }), off);
    expect(off.insights).toEqual([]);
    // The spec refuses it (analysis/validate.ts); the loop still copes if handed one.
    const one = new InsightSink();
    const config = { ...trialConfig({ params: { batchSize: 1, epochs: 1 } }), analysis: { runType: 'train' as const, noiseScale: { everySteps: 1, ema: 0.9 } } };
    await train(config, one, 20);
    expect(one.noise).toEqual([]);
  });

  it('leaks no tensors: split steps, sharpness and the LR range test free what they make', async () => {
    const before = tf.memory().numTensors;
    await train(trialConfig({ params: { batchSize: 30, epochs: 2 }, analysis: { noiseScale: { everySteps: 1 }, sharpness: { subset: 50, iterations: 3, ascentSteps: 2 } } }), new InsightSink());
    await train(trialConfig({ params: { batchSize: 30 }, analysis: { runType: 'lr-range-test', lrRange: { iterations: 20 } } }), new InsightSink());
    expect(tf.memory().numTensors).toBe(before);
  });

  it('validation: at (almost) fixed weights the run B_simple is within 10 % of tr(Σ)/|G|² from exact per-sample gradients', async () => {
    const config = trialConfig({
      params: { batchSize: 30, epochs: 40, learningRate: 1e-9, optimizer: 'sgd', seed: 8 },
      analysis: { noiseScale: { everySteps: 1, ema: 0.999 } },
    });
    const sink = new InsightSink();
    const d = data(210, 0);
    await trainTrial({ config, data: d, sink, flushIntervalMs: 1000, checkpoints: null, isCancelled: () => false });
    const measured = sink.noise.at(-1)!;
    expect(measured.measurements).toBe(280);

    // The same initial weights (seeded), and the gradient of each of the 210 samples on its own.
    const model = buildModel(config.model, config.params, { inputShape: [2], numClasses: 2 });
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const perSample: Float64Array[] = [];
    for (let i = 0; i < 210; i++) {
      const flat = tf.tidy(() => {
        const { grads } = tf.variableGrads(() => {
          const logits = model.apply(tf.tensor2d(d.train.x.subarray(2 * i, 2 * i + 2), [1, 2]), { training: true }) as tf.Tensor2D;
          return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d([d.train.y[i]], 'int32'), 2), logits) as tf.Scalar;
        }, vars);
        return tf.concat(vars.map((v) => grads[v.name].flatten()));
      });
      perSample.push(Float64Array.from(flat.dataSync()));
      flat.dispose();
    }
    model.dispose();
    const dim = perSample[0].length;
    const mean = new Float64Array(dim);
    for (const g of perSample) for (let j = 0; j < dim; j++) mean[j] += g[j] / 210;
    let trace = 0;
    for (const g of perSample) for (let j = 0; j < dim; j++) trace += (g[j] - mean[j]) ** 2 / 210;
    const exact = trace / mean.reduce((s, x) => s + x * x, 0);
    expect(Math.abs(measured.bSimple! / exact - 1)).toBeLessThan(0.1);
  });
});

describe('LR range test as a run type', () => {
  const lrConfig = (lrRange: Record<string, number>, params: Record<string, unknown> = {}) =>
    trialConfig({ params: { batchSize: 16, epochs: 1, ...params }, analysis: { runType: 'lr-range-test', lrRange } });

  it('ramps the learning rate exponentially step by step, records every step, and stops on its own rule', async () => {
    const sink = new InsightSink();
    const end = await train(lrConfig({ from: 1e-5, to: 100, iterations: 80 }), sink);
    expect(end.status).toBe('completed');
    expect(end.reason).toBeNull();
    expect(sink.epochs).toEqual([]);
    const lrs = sink.rows.map((r) => r.learningRate);
    expect(lrs[0]).toBeCloseTo(1e-5, 15);
    for (let i = 2; i < lrs.length; i++) expect(lrs[i] / lrs[i - 1]).toBeCloseTo(lrs[1] / lrs[0], 8);
    const result = sink.lrRange!;
    expect(result.points.map((p) => p.step)).toEqual(sink.rows.map((r) => r.step));
    expect(result.points.map((p) => p.learningRate)).toEqual(lrs);
    // 210 rows at B = 16 is 14 steps an epoch: the ramp runs through several epochs.
    expect(sink.rows.length).toBeGreaterThan(14);
    expect(sink.rows.length).toBeLessThanOrEqual(80);
    expect(result.stopReason).toMatch(/exceeded 4× its minimum|became|reached/);
    expect(result.steepest).toBeGreaterThan(1e-5);
    expect(result.minimum).toBeGreaterThan(result.steepest! / 1000);
  });

  it('runs the whole ramp when the loss never blows up', async () => {
    const sink = new InsightSink();
    await train(lrConfig({ from: 1e-7, to: 1e-4, iterations: 20 }), sink);
    expect(sink.rows).toHaveLength(20);
    expect(sink.lrRange!.stopReason).toMatch(/reached 0.0001 after 20 iterations/);
    expect(sink.rows.at(-1)!.learningRate).toBeCloseTo(1e-4, 12);
  });

  it('a loss that blows up ends the test as completed, not the run as diverged', async () => {
    // Labels unrelated to the inputs: nothing to fit, so a large enough learning rate can only blow the loss up.
    const noise = data(210, 0);
    noise.train.y = noise.train.y.map((_, i) => (i * 7919) % 3 === 0 ? 1 : 0);
    const sink = new InsightSink();
    const end = await trainTrial({
      config: lrConfig({ from: 1e-3, to: 1e6, iterations: 60 }, { optimizer: 'sgd' }), data: noise, sink, flushIntervalMs: 0, checkpoints: null, isCancelled: () => false,
    });
    expect(end.status).toBe('completed');
    expect(sink.lrRange!.stopReason).toMatch(/exceeded 4× its minimum|became (NaN|Infinity)/);
    expect(sink.rows.length).toBeLessThan(60);
  });

  it('can be cancelled', async () => {
    const sink = new InsightSink();
    const end = await train(lrConfig({ iterations: 200 }), sink, 210, 5);
    expect(end.status).toBe('cancelled');
    expect(sink.lrRange).toBeNull();
  });
});
