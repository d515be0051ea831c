/**
 * The measured step of the gradient noise scale: the batch's two halves get their gradients taken
 * separately, and the update applies their sample-weighted mean — which is the whole batch's mean gradient,
 * so the step trains on exactly the samples and the direction it would have anyway (up to float rounding;
 * dropout draws one mask per half, and batch norm normalises each half with its own statistics). The squared
 * norms of the halves' and the whole batch's gradients are what engine/analysis/noise-scale.ts needs
 * (docs/reliability.md I1).
 */
import * as tf from '@tensorflow/tfjs';
import type { BatchObjective } from './train';

/** Objective of `size` rows starting `from` rows into the batch. */
export type SliceObjective = (from: number, size: number) => BatchObjective;

export interface SplitGradients {
  /** Sample-weighted mean of the halves' gradients, by variable name. */
  full: tf.NamedTensorMap;
  /** [data loss of the batch, correct count, |g₁|², |g₂|², g₁·g₂] (|g|² follows, see wholeBatchSq). */
  stats: tf.Tensor1D;
}

/** Every variable's gradient in one vector (one reduction per product instead of one per variable). */
function flatten(grads: tf.NamedTensorMap, names: readonly string[]): tf.Tensor1D {
  return tf.concat(names.map((n) => tf.reshape(grads[n], [-1]))) as tf.Tensor1D;
}

/** Call inside tf.tidy. `variables`: what the gradient is taken against (the model's trainable weights). */
export function splitGradients(objectiveOf: SliceObjective, size: number, variables: tf.Variable[]): SplitGradients {
  const s1 = Math.floor(size / 2);
  const s2 = size - s1;
  const half = (from: number, n: number) => {
    // Tensors made inside the gradient function are freed with it; keep [loss, correct], freed below.
    let kept: tf.Tensor1D | null = null;
    const { grads } = tf.variableGrads(() => {
      const o = objectiveOf(from, n);
      kept = tf.keep(tf.stack([o.dataLoss, o.correct]) as tf.Tensor1D);
      return o.objective;
    }, variables);
    return { grads, lossAndCorrect: kept as unknown as tf.Tensor1D };
  };
  const a = half(0, s1);
  const b = half(s1, s2);
  const full: tf.NamedTensorMap = {};
  const names = Object.keys(a.grads).filter((name) => a.grads[name] != null && b.grads[name] != null);
  for (const name of names) full[name] = tf.add(tf.mul(a.grads[name], s1 / size), tf.mul(b.grads[name], s2 / size));
  const f1 = flatten(a.grads, names);
  const f2 = flatten(b.grads, names);
  // [l₁, c₁] · (s₁/B, 1) + [l₂, c₂] · (s₂/B, 1): the batch's mean loss and its correct count.
  const weights = (n: number) => tf.tensor1d([n / size, 1]);
  const lossAndCorrect = tf.add(tf.mul(a.lossAndCorrect, weights(s1)), tf.mul(b.lossAndCorrect, weights(s2)));
  const stats = tf.concat([lossAndCorrect, tf.stack([tf.sum(tf.square(f1)), tf.sum(tf.square(f2)), tf.sum(tf.mul(f1, f2))])]) as tf.Tensor1D;
  tf.dispose([a.lossAndCorrect, b.lossAndCorrect]);
  return { full, stats };
}

/** One parameter update through the halves. Returns [loss, correct, |g₁|², |g₂|², g₁·g₂]. */
export function splitTrainStep(
  model: tf.LayersModel, optimizer: tf.Optimizer, objectiveOf: SliceObjective, size: number,
): tf.Tensor1D {
  return tf.tidy(() => {
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { full, stats } = splitGradients(objectiveOf, size, variables);
    optimizer.applyGradients(full);
    return stats;
  });
}
