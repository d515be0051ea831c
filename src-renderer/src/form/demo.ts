/**
 * The first-run demo: a small built-in grid that trains in about a minute on a laptop CPU and shows what
 * Epochlab is for — three batch sizes × two learning rates on the spiral set, 10 epochs each.
 */
import type { ExperimentSpecInput } from '../contract';

export const DEMO_SPEC: ExperimentSpecInput = {
  name: 'Demo: batch size × learning rate (spiral)',
  notes:
    'Built-in demo. Compare how batch size changes iterations per epoch, speed and the best validation loss: open Compare and group by batch size.',
  dataset: { id: 'spiral' },
  validation: { split: 0.2, seed: 0 },
  model: { template: 'mlp', hidden: [32, 32], activation: 'relu', dropout: 0 },
  search: { method: 'grid' },
  params: {
    batchSize: [16, 64, 256],
    learningRate: [0.01, 0.1],
    epochs: 10,
    optimizer: 'adam',
    schedule: 'constant',
    weightDecay: 0,
    seed: 1,
  },
  training: { dropLastBatch: false, shuffle: true, checkpoints: 'best-and-last' },
};
