import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SeededDropout, buildModel } from '../../../src-main/engine/training/model';
import { trialConfig } from './helpers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const maskOf = (layer: SeededDropout, training: boolean) =>
  tf.tidy(() => Array.from((layer.apply(tf.ones([4, 32]), { training }) as tf.Tensor).dataSync()).map((v) => (v === 0 ? 0 : 1)));

describe('SeededDropout', () => {
  it('draws a new mask at every training step, the same sequence for the same seed, and is the identity at inference', () => {
    const a = new SeededDropout(0.5, 42);
    const b = new SeededDropout(0.5, 42);
    const first = maskOf(a, true);
    const second = maskOf(a, true);
    expect(first).not.toEqual(second);
    expect(maskOf(b, true)).toEqual(first);
    expect(maskOf(b, true)).toEqual(second);
    expect(maskOf(a, false).every((v) => v === 1)).toBe(true);
    const kept = first.filter((v) => v === 1).length / first.length;
    expect(kept).toBeGreaterThan(0.3);
    expect(kept).toBeLessThan(0.7);
  });
});

describe('buildModel', () => {
  it('builds the reference CNN with the trial kernel size and pooling, and refuses CNNs on flat data', () => {
    const config = trialConfig({ model: { template: 'cnn', dense: [64] }, params: { kernelSize: 5, pooling: 'avg' } });
    const model = buildModel(config.model, config.params, { inputShape: [28, 28, 1], numClasses: 10 });
    const names = model.layers.map((l) => l.getClassName());
    expect(names).toEqual(['Conv2D', 'AveragePooling2D', 'Conv2D', 'AveragePooling2D', 'Flatten', 'Dense', 'Dense']);
    expect(model.outputs[0].shape).toEqual([null, 10]);
    model.dispose();
    expect(() => buildModel(config.model, config.params, { inputShape: [2], numClasses: 2 })).toThrow(/needs image samples/);
  });

  it('is initialised from the trial seed', () => {
    const config = trialConfig({ params: { seed: 3 } });
    const weights = () => {
      const m = buildModel(config.model, config.params, { inputShape: [2], numClasses: 2 });
      const w = Array.from(m.getWeights()[0].dataSync());
      m.dispose();
      return w;
    };
    expect(weights()).toEqual(weights());
  });
});
