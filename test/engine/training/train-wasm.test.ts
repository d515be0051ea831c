// The training loop on wasm — batches gathered into the heap, fused dense/conv/loss ops, FusedAdam —
// against the same loop on cpu, where every one of those is tfjs' own composite: the same trial must
// give the same per-step losses and accuracies (to float32 rounding) and the same epoch metrics.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backends/select';
import { trainTrial, type TrainingData } from '../../../src-main/engine/training/train';
import { createRng } from '../../../src-main/engine/random';
import { data, RecordingSink, trialConfig } from './helpers';

beforeAll(async () => {
  await initBackend('cpu');
  await initBackend('wasm');
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

/** Small 8×8 single-channel images in 3 classes (a bright row, column or diagonal), with noise. */
function images(n: number, seed: number): { x: Float32Array; y: Int32Array } {
  const rng = createRng(seed);
  const x = new Float32Array(n * 64);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    y[i] = c;
    for (let p = 0; p < 64; p++) {
      const r = Math.floor(p / 8);
      const col = p % 8;
      const on = c === 0 ? r === 3 : c === 1 ? col === 4 : r === col;
      x[i * 64 + p] = (on ? 1 : 0) + (rng() - 0.5) * 0.3;
    }
  }
  return { x, y };
}

async function trainOn(backend: 'cpu' | 'wasm', config: ReturnType<typeof trialConfig>, trainingData: TrainingData): Promise<RecordingSink> {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const sink = new RecordingSink();
  const end = await trainTrial({ config, data: trainingData, sink, isCancelled: () => false, flushIntervalMs: 0, checkpoints: null });
  expect(end.status).toBe('completed');
  expect(tf.memory().numTensors, `${backend}: tensors left`).toBe(before);
  return sink;
}

function expectSameTraining(cpu: RecordingSink, wasm: RecordingSink, tolerance: number): void {
  expect(wasm.rows.length).toBe(cpu.rows.length);
  wasm.rows.forEach((r, i) => {
    expect(Math.abs(r.loss! - cpu.rows[i].loss!), `step ${r.step} loss`).toBeLessThan(tolerance * Math.max(1, Math.abs(cpu.rows[i].loss!)));
    expect(r.accuracy, `step ${r.step} accuracy`).toBe(cpu.rows[i].accuracy);
  });
  wasm.epochs.forEach((e, i) => {
    expect(Math.abs(e.valLoss! - cpu.epochs[i].valLoss!), `epoch ${e.epoch} val loss`).toBeLessThan(tolerance);
  });
}

describe('training on wasm equals training on cpu', () => {
  it('MLP with ReLU, shuffled batches and a short last batch, Adam', async () => {
    const config = trialConfig({ model: { template: 'mlp', hidden: [16, 8] }, params: { batchSize: 32, epochs: 3, learningRate: 0.01, optimizer: 'adam' } });
    const d = data(210, 60);
    expectSameTraining(await trainOn('cpu', config, d), await trainOn('wasm', config, d), 1e-4);
  });

  it('MLP with tanh (unfused layers), weight decay and SGD', async () => {
    const config = trialConfig({ model: { template: 'mlp', hidden: [12], activation: 'tanh' }, params: { batchSize: 50, epochs: 2, learningRate: 0.1, optimizer: 'sgd', weightDecay: 0.01 } });
    const d = data(150, 40);
    expectSameTraining(await trainOn('cpu', config, d), await trainOn('wasm', config, d), 1e-4);
  });

  it('CNN with same padding and max pooling', async () => {
    const config = trialConfig({
      dataset: { id: 'mnist-10k' },
      model: { template: 'cnn', convBlocks: 2, padding: 'same', dense: [16] },
      params: { batchSize: 16, epochs: 2, learningRate: 0.005, optimizer: 'adam', filters: 4, kernelSize: 3 },
    });
    const d: TrainingData = { train: images(64, 1), val: images(24, 2), inputShape: [8, 8, 1], numClasses: 3 };
    expectSameTraining(await trainOn('cpu', config, d), await trainOn('wasm', config, d), 1e-4);
  });
});
