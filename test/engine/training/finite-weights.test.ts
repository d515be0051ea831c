import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { firstNonFiniteWeight } from '../../../src-main/engine/training/finite-weights';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function model(): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: 3, inputShape: [2], name: 'hidden' }));
  m.add(tf.layers.dense({ units: 2, name: 'out' }));
  return m;
}

describe('firstNonFiniteWeight', () => {
  it('is null when every weight is finite, and names the weight holding NaN or ±Infinity', async () => {
    const m = model();
    expect(await firstNonFiniteWeight(m)).toBeNull();
    for (const bad of [NaN, Infinity, -Infinity]) {
      const weights = m.getWeights().map((w) => w.clone());
      const values = weights[2].dataSync().slice();
      values[4] = bad;
      const replaced = weights.map((w, i) => (i === 2 ? tf.tensor(values, w.shape) : w));
      m.setWeights(replaced);
      expect(await firstNonFiniteWeight(m)).toBe(m.weights[2].name);
      expect(m.weights[2].name).toMatch(/^out\/kernel/);
      replaced.forEach((w) => w.dispose());
      weights.forEach((w) => w.dispose());
    }
    m.dispose();
  });

  it('leaks no tensors', async () => {
    const m = model();
    const before = tf.memory().numTensors;
    await firstNonFiniteWeight(m);
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });
});
