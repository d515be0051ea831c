/** The seven optimizers of the spec on tfjs, and how to change their learning rate between steps. */
import * as tf from '@tensorflow/tfjs';
import type { Optimizer } from '../../contract';
import { FusedAdam } from '../backends/select';

export function createOptimizer(name: Optimizer, learningRate: number): tf.Optimizer {
  switch (name) {
    case 'sgd': return tf.train.sgd(learningRate);
    case 'momentum': return tf.train.momentum(learningRate, 0.9);
    case 'rmsprop': return tf.train.rmsprop(learningRate, 0.9, 0, 1e-7);
    // Adam with one fused kernel per weight on wasm (13 kernel launches fewer per step); same weights as tf.train.adam.
    case 'adam': return new FusedAdam(learningRate, 0.9, 0.999, 1e-7);
    case 'adagrad': return tf.train.adagrad(learningRate);
    // Adadelta's "learning rate" is a scale on its own adaptive step; Keras uses 1.0 by default.
    case 'adadelta': return tf.train.adadelta(learningRate, 0.95, 1e-7);
    case 'adamax': return tf.train.adamax(learningRate, 0.9, 0.999, 1e-7);
  }
}

/**
 * tfjs optimizers read `learningRate` at every step, except SGD and momentum, which cache it in a scalar
 * that only `setLearningRate` refreshes.
 */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  const target = optimizer as unknown as { learningRate: number; setLearningRate?: (lr: number) => void };
  if (target.learningRate === learningRate) return;
  if (typeof target.setLearningRate === 'function') target.setLearningRate(learningRate);
  else target.learningRate = learningRate;
}

/**
 * Frees an optimizer. tfjs' MomentumOptimizer.dispose() does not call SGD's, so the learning-rate scalar
 * it inherits stays behind: one tensor leaked per momentum trial (docs/reliability.md F7).
 */
export function disposeOptimizer(optimizer: tf.Optimizer): void {
  optimizer.dispose();
  const c = (optimizer as unknown as { c?: tf.Tensor }).c;
  if (c && !c.isDisposed) c.dispose();
}
