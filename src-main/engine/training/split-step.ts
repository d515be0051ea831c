/**
 * The measured step of the gradient noise scale: the batch's two halves get their gradients taken
 * separately, and the update applies their sample-weighted mean — which is the whole batch's mean gradient,
 * so the step trains on exactly the samples and the direction it would have anyway (up to float rounding;
 * dropout draws one mask per half, and batch norm normalises each half with its own statistics). The squared
 * norms of the halves' and the whole batch's gradients are what engine/analysis/noise-scale.ts needs.
 */
import * as tf from '@tensorflow/tfjs';
import type { BatchObjective } from './train';

/** Objective of `size` rows starting `from` rows into the batch. */
export type SliceObjective = (from: number, size: number) => BatchObjective;

export interface SplitGradients {
  /** Sample-weighted mean of the halves' gradients, by variable name. */
  full: tf.NamedTensorMap;
  /** [data loss of the batch, correct count, |g₁|², |g₂|², |g|²]. */
  stats: tf.Tensor1D;
}

function squaredNorm(grads: tf.NamedTensorMap): tf.Scalar {
  const parts = Object.values(grads).filter((g): g is tf.Tensor => g != null).map((g) => tf.sum(tf.square(g)));
  return (parts.length ? tf.addN(parts) : tf.scalar(0)) as tf.Scalar;
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
  for (const name of Object.keys(a.grads)) {
    const ga = a.grads[name];
    const gb = b.grads[name];
    if (ga == null || gb == null) continue;
    full[name] = tf.add(tf.mul(ga, s1 / size), tf.mul(gb, s2 / size));
  }
  const [l1, c1] = tf.unstack(a.lossAndCorrect);
  const [l2, c2] = tf.unstack(b.lossAndCorrect);
  const loss = tf.div(tf.add(tf.mul(l1, s1), tf.mul(l2, s2)), size);
  const stats = tf.stack([loss, tf.add(c1, c2), squaredNorm(a.grads), squaredNorm(b.grads), squaredNorm(full)]) as tf.Tensor1D;
  tf.dispose([a.lossAndCorrect, b.lossAndCorrect]);
  return { full, stats };
}

/** One parameter update through the halves. Returns [loss, correct, |g₁|², |g₂|², |g|²]. */
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
